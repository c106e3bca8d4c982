"""Adding people to the call list and recording how each call went."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
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
    try:
        phone = normalise_phone(phone or "")
    except ValidationError:
        # Kept as typed before the portal stored numbers one way ("61 283 00 00 wew. 12"):
        # staff can still read and dial it; the change must not fail for it.
        phone = " ".join((phone or "").split())[:20]
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
    """Record one call. Reached or a message left close the item; not reached moves it to the
    next day and, the ``FLAG_AFTER_NOT_REACHED``-th time, flags it; a wrong number flags it and
    leaves it on today's list (the person must still be told, another way). Raises
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
        elif outcome == CallOutcome.WRONG_NUMBER:
            # The person is still not told: the item stays, flagged, until someone finds
            # another way (a relative, the social worker, a letter) and records it.
            item.flagged = True
        else:
            item.status = CallStatus.DONE
            item.closed_at = now
        item.save(update_fields=["not_reached", "flagged", "due_on", "status", "closed_at"])
        return item


def scope_of(record: models.Model | None) -> dict:
    """Who may see call-list items about ``record``: ``{"group": …}`` for a self-help join
    request (its facilitator only), ``{"organisation": …}`` for a volunteer (their
    organisation), ``{}`` for the office's own (registrations, passes …)."""
    label = record._meta.label_lower if record is not None else ""
    if label == "selfhelp.joinrequest":
        return {"group": record.group}
    if label == "volunteers.volunteer":
        return {"organisation": record.organisation}
    return {}


def open_item_regarding(record: models.Model | None) -> CallItem | None:
    """The oldest open item about ``record`` (None for None or when there is none)."""
    if record is None:
        return None
    return (
        CallItem.objects.open()
        .filter(regarding_type=ContentType.objects.get_for_model(record), regarding_id=record.pk)
        .order_by("created_at", "pk")
        .first()
    )


def close_regarding(record: models.Model) -> int:
    """The matter went away or was overtaken (the registration was cancelled or moved, the
    request handled): its open items leave the list as "no longer needed", and text messages
    about it still waiting to be sent are not sent (old news must not reach the person later).
    Returns how many items were closed."""
    from calportal.outbox.models import SMSMessage, SMSStatus

    content_type = ContentType.objects.get_for_model(record)
    SMSMessage.objects.filter(
        regarding_type=content_type, regarding_id=record.pk, status=SMSStatus.QUEUED
    ).update(status=SMSStatus.CANCELLED, next_attempt_at=None)
    items = CallItem.objects.open().filter(regarding_type=content_type, regarding_id=record.pk)
    return items.update(status=CallStatus.OBSOLETE, closed_at=timezone.now())


def forget_regarding(model: type[models.Model], pk: int) -> int:
    """Delete every item (open or closed) about one record, with its attempts: part of the
    erasure of a person's data. Returns how many items were deleted."""
    _total, deleted = CallItem.objects.filter(
        regarding_type=ContentType.objects.get_for_model(model), regarding_id=pk
    ).delete()
    return deleted.get("calls.CallItem", 0)


def forget_closed_before(cutoff) -> int:
    """Delete the items closed before the moment ``cutoff``, and any still open that were
    added before it (with their attempts): the list keeps names and phones for
    ``OUTBOX_KEEP_DAYS``, like the messages. Returns how many."""
    _total, deleted = CallItem.objects.filter(
        Q(closed_at__lt=cutoff) | Q(status=CallStatus.OPEN, created_at__lt=cutoff)
    ).delete()
    return deleted.get("calls.CallItem", 0)


def close_past_events(now=None) -> int:
    """Close the open items about registrations whose event has begun (a place, a change or
    a reminder is no news once the event is on): "no longer needed". Hourly, with the
    reminders (:func:`initiatives.tasks.send_event_reminders`). Returns how many."""
    from initiatives.models import Registration

    started = Registration.objects.filter(event__starts_at__lte=now or timezone.now())
    return (
        CallItem.objects.open()
        .filter(
            regarding_type=ContentType.objects.get_for_model(Registration),
            regarding_id__in=started.values("pk"),
        )
        .update(status=CallStatus.OBSOLETE, closed_at=timezone.now())
    )
