"""Adding people to the call list and recording how each call went."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from calportal.calls.models import (
    FLAG_AFTER_NOT_REACHED,
    CallAttempt,
    CallItem,
    CallOutcome,
    CallReason,
    CallStatus,
)
from calportal.contacts import normalise_phone


class CallError(Exception):
    """An outcome that cannot be recorded (the item is closed already); a translated text."""


def render_script(reason: str, context: dict, language: str | None = None) -> str:
    """What to say: ``templates/calls/scripts/<reason>.txt`` rendered in ``language``."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return " ".join(render_to_string(f"calls/scripts/{reason}.txt", context).split())


def add(
    reason: str,
    *,
    name: str,
    phone: str,
    key: str,
    context: dict | None = None,
    script: str | None = None,
    language: str | None = None,
    regarding: models.Model | None = None,
    organisation=None,
    group=None,
) -> CallItem | None:
    """Put a person on the call list, once per ``key`` (``"<reason>:<what>"`` is added in
    front): a second call — also a concurrent one — adds nothing and returns None, as does a
    person without a phone number.

    ``script`` (what to say) is given, or rendered from ``templates/calls/scripts/<reason>``
    with ``context`` in the person's ``language``. ``organisation`` limits the item to that
    partner's coordinators, ``group`` to that self-help group's facilitator (never both).
    Runs inside the caller's transaction: the item exists exactly when the change does."""
    if reason not in CallReason.values:
        raise ValueError(reason)
    phone = normalise_phone(phone or "")
    if not phone:
        return None
    full_key = f"{reason}:{key}"[:200]
    if CallItem.objects.filter(key=full_key).exists():
        return None
    language = language or settings.LANGUAGE_CODE
    if script is None:
        script = render_script(reason, context or {}, language)
    try:
        with transaction.atomic():
            return CallItem.objects.create(
                reason=reason,
                name=name[:200],
                phone=phone,
                language=language,
                script=script,
                regarding_type=(
                    ContentType.objects.get_for_model(regarding) if regarding is not None else None
                ),
                regarding_id=regarding.pk if regarding is not None else None,
                organisation=organisation,
                group=group,
                key=full_key,
            )
    except IntegrityError:
        if CallItem.objects.filter(key=full_key).exists():
            return None  # added by a concurrent change first
        raise


def record_outcome(*, item_id: int, outcome: str, by, note: str = "") -> CallItem:
    """Record one call. Reached, a message left or a wrong number close the item; not reached
    moves it to the next day and, the ``FLAG_AFTER_NOT_REACHED``-th time, flags it. Raises
    :class:`CallError` for an item closed meanwhile (two staff calling at once)."""
    if outcome not in CallOutcome.values:
        raise ValueError(outcome)
    with transaction.atomic():
        item = CallItem.objects.select_for_update().get(pk=item_id)
        if item.status != CallStatus.OPEN:
            raise CallError(_("Someone else has already recorded this call."))
        now = timezone.now()
        CallAttempt.objects.create(
            item=item, outcome=outcome, note=note.strip()[:300], by=by, at=now
        )
        if outcome == CallOutcome.NOT_REACHED:
            item.not_reached += 1
            item.flagged = item.not_reached >= FLAG_AFTER_NOT_REACHED
            item.due_on = timezone.localdate(now) + datetime.timedelta(days=1)
        else:
            item.status = CallStatus.DONE
            item.closed_at = now
            item.flagged = outcome == CallOutcome.WRONG_NUMBER
        item.save(update_fields=["not_reached", "flagged", "due_on", "status", "closed_at"])
        return item


def close_regarding(record: models.Model, *, reasons: list[str] | None = None) -> int:
    """The matter went away (the registration was cancelled, the request handled): its open
    items leave the list as "no longer needed". Returns how many were closed."""
    items = CallItem.objects.open().filter(
        regarding_type=ContentType.objects.get_for_model(record), regarding_id=record.pk
    )
    if reasons is not None:
        items = items.filter(reason__in=reasons)
    return items.update(status=CallStatus.OBSOLETE, closed_at=timezone.now())


def forget_regarding(model: type[models.Model], pk: int) -> int:
    """Delete every item (open or closed) about one record, with its attempts: part of the
    erasure of a person's data. Returns how many items were deleted."""
    _total, deleted = CallItem.objects.filter(
        regarding_type=ContentType.objects.get_for_model(model), regarding_id=pk
    ).delete()
    return deleted.get("calls.CallItem", 0)


def forget_closed_before(cutoff) -> int:
    """Delete the items closed before the moment ``cutoff`` (with their attempts): the list
    keeps what was done for ``OUTBOX_KEEP_DAYS``, like the messages. Returns how many."""
    _total, deleted = (
        CallItem.objects.exclude(status=CallStatus.OPEN).filter(closed_at__lt=cutoff).delete()
    )
    return deleted.get("calls.CallItem", 0)
