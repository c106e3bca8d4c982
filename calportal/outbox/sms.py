"""Text messages: stored with the change that causes them, delivered by Celery, never lost.

* :func:`queue_sms` renders ``templates/sms/<name>.txt`` in the person's language and stores an
  :class:`~calportal.outbox.models.SMSMessage` inside the caller's transaction; the delivery
  task is published after the commit (:mod:`calportal.queue`) and the outbox sweep hands on
  whatever a lost broker or worker left behind.
* Delivery goes through the backend named by ``settings.SMS_BACKEND``
  (:mod:`calportal.outbox.sms_backends`): the console by default, SMSAPI.pl in production.
* A message the provider refuses, or that is still not delivered after
  ``SMS_MAX_ATTEMPTS`` tries, is handed to the office's call list (:mod:`calportal.calls`).
* :func:`deliver` sends one message under a row lock, with a reference (``cal-<pk>``) that is
  the same on every try: a worker that dies between the provider's answer and the commit
  leaves the message queued, and the provider refuses the repeat as a duplicate
  (SMSAPI's ``check_idx``), which counts as sent.
"""

import datetime
import logging
import re

import phonenumbers
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from calportal.contacts import POLAND, normalise_phone
from calportal.outbox.models import SMSMessage, SMSStatus
from calportal.outbox.sms_backends import SMSError, get_backend

logger = logging.getLogger(__name__)

_SPACES = re.compile(r"[ \t]*\n[ \t\n]*|[ \t]+")


def sms_enabled() -> bool:
    """Whether the portal sends text messages at all (``SMS_PROVIDER`` is not ``off``)."""
    return bool(settings.SMS_BACKEND)


def can_text(phone: str) -> bool:
    """Whether ``phone`` (any form :func:`calportal.contacts.normalise_phone` accepts) is a
    Polish mobile number: a landline cannot receive a text message, so its owner is called."""
    try:
        national = normalise_phone(phone or "")
    except ValidationError:  # a stored number that no longer parses: call instead
        return False
    if not national:
        return False
    try:
        number = phonenumbers.parse(national, POLAND)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) in {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }


def quiet_until(moment: datetime.datetime) -> datetime.datetime | None:
    """When a text message queued at ``moment`` may be sent, if ``moment`` falls in the quiet
    hours (``SMS_QUIET_FROM`` to ``SMS_QUIET_UNTIL`` o'clock, Europe/Warsaw): the next
    ``SMS_QUIET_UNTIL`` o'clock, an aware moment. None outside them (send at once), and when
    both settings are equal (no quiet hours)."""
    start, end = settings.SMS_QUIET_FROM % 24, settings.SMS_QUIET_UNTIL % 24
    if start == end:
        return None
    local = timezone.localtime(moment)
    quiet = start <= local.hour or local.hour < end if start > end else start <= local.hour < end
    if not quiet:
        return None
    day = local.date() if local.hour < end else local.date() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(end)))


def render_sms(name: str, context: dict, language: str | None = None) -> str:
    """``templates/sms/<name>.txt`` in ``language``, on one line (runs of white space become one
    space, line breaks are kept as single ones)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        text = render_to_string(f"sms/{name}.txt", context)
    return _SPACES.sub(lambda m: "\n" if "\n" in m.group() else " ", text).strip()


def queue_sms(
    name: str,
    context: dict,
    to: str,
    *,
    person_name: str = "",
    language: str | None = None,
    regarding: models.Model | None = None,
    key: str | None = None,
) -> SMSMessage | None:
    """Render ``templates/sms/<name>.txt`` in ``language`` and queue it for the phone ``to``.

    ``person_name`` is shown on the call list should the message fail. ``key``, when given,
    makes the call idempotent (a second call queues nothing and returns None). Returns None
    as well when SMS are off (``SMS_PROVIDER=off``). Queued in the quiet hours
    (:func:`quiet_until`), it is sent when they end. Must run inside the transaction of the
    change (it is also fine outside one)."""
    from calportal.outbox.tasks import deliver_sms
    from calportal.queue import enqueue_on_commit

    if not sms_enabled():
        return None
    if key and SMSMessage.objects.filter(key=key).exists():
        return None
    language = language or settings.LANGUAGE_CODE
    try:
        with transaction.atomic():
            message = SMSMessage.objects.create(
                to=normalise_phone(to),
                name=person_name[:200],
                text=render_sms(name, context, language),
                template=name,
                language=language,
                regarding_type=(
                    ContentType.objects.get_for_model(regarding) if regarding is not None else None
                ),
                regarding_id=regarding.pk if regarding is not None else None,
                key=key,
                next_attempt_at=quiet_until(timezone.now()),
            )
    except IntegrityError:
        if key and SMSMessage.objects.filter(key=key).exists():
            return None  # a concurrent caller queued it first
        raise
    enqueue_on_commit(deliver_sms, message.pk)
    return message


def reference(message: SMSMessage) -> str:
    """The portal's own id of ``message`` for the provider: unique, the same on every try."""
    return f"cal-{message.pk}"


def retry_delay(attempt: int) -> datetime.timedelta:
    """Wait after failed attempt number ``attempt`` (1-based): ``SMS_RETRY_BASE_SECONDS``,
    doubled each time."""
    return datetime.timedelta(
        seconds=settings.SMS_RETRY_BASE_SECONDS * 2 ** min(max(attempt, 1) - 1, 20)
    )


def _due() -> Q:
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now())


def deliver(sms_id: int) -> str | None:
    """Send one queued text message now, if it is due and nobody else is sending it.

    Returns the :class:`~calportal.outbox.models.SMSStatus` it ended in (``"sent"``,
    ``"queued"`` again for a retry, or ``"failed"``), or None when there was nothing to do
    (already sent or failed, not yet due, or locked by another worker). Never raises for a
    provider's failure: a temporary one is retried after :func:`retry_delay`; a permanent one,
    or the ``SMS_MAX_ATTEMPTS``-th temporary one, marks the message failed and puts the person
    on the office's call list in the same transaction."""
    with transaction.atomic():
        message = (
            SMSMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=sms_id, status=SMSStatus.QUEUED)
            .filter(_due())
            .first()
        )
        if message is None:
            return None
        if not sms_enabled():
            # Switched off after it was queued: the office tells the person instead.
            message.last_error = "Text messages are switched off (SMS_PROVIDER=off)."
            _give_up(message)
            return message.status
        # The lock is held while the provider is talking: a second worker skips this message.
        try:
            provider_id = get_backend().send(message.to, message.text, reference=reference(message))
        except SMSError as error:
            _failed_attempt(message, str(error), permanent=error.permanent)
        except Exception as error:  # noqa: BLE001 - a backend's own bug or a time limit: retry
            logger.exception("Text message %s: the backend failed", message.pk)
            _failed_attempt(message, f"{type(error).__name__}: {error}", permanent=False)
        else:
            message.status = SMSStatus.SENT
            message.sent_at = timezone.now()
            message.provider_id = str(provider_id or "")[:100]
            message.attempts += 1
            message.next_attempt_at = None
            message.last_error = ""
            message.save(
                update_fields=[
                    "status",
                    "sent_at",
                    "provider_id",
                    "attempts",
                    "next_attempt_at",
                    "last_error",
                ]
            )
        return message.status


def _failed_attempt(message: SMSMessage, error: str, *, permanent: bool) -> None:
    message.attempts += 1
    message.last_error = error[:500]
    if permanent or message.attempts >= settings.SMS_MAX_ATTEMPTS:
        logger.warning(
            "Text message %s not delivered after %s attempt(s): %s",
            message.pk,
            message.attempts,
            error,
        )
        _give_up(message)
        return
    message.next_attempt_at = timezone.now() + retry_delay(message.attempts)
    message.save(update_fields=["attempts", "last_error", "next_attempt_at"])


def _give_up(message: SMSMessage) -> None:
    """Mark ``message`` failed and put its person on the call list (inside the caller's
    transaction, so both happen or neither)."""
    from calportal.calls import services as calls
    from calportal.calls.models import CallItem, CallReason

    language = message.language or settings.LANGUAGE_CODE
    with translation.override(language):
        script = gettext(
            "We could not deliver a text message to this person. Please tell them what it said:"
        )
    key = f"sms:{message.pk}"
    regarding = message.regarding
    # The office already calls about this matter: that call tells them; no second card.
    item = calls.open_item_regarding(regarding)
    if item is None:
        item = calls.add(
            CallReason.SMS_FAILED,
            name=message.name,
            phone=message.to,
            key=key,
            script=f"{script}\n{message.text}",
            language=language,
            regarding=regarding,
            **calls.scope_of(regarding),
        )
    if item is None:  # added before (a repeated hand-over): link the existing item
        item = CallItem.objects.filter(key=f"{CallReason.SMS_FAILED}:{key}").first()
    message.status = SMSStatus.FAILED
    message.next_attempt_at = None
    message.call_item = item
    message.save(update_fields=["status", "attempts", "last_error", "next_attempt_at", "call_item"])


def due_sms_ids(*, limit: int = 500) -> list[int]:
    """Ids of the queued text messages whose time has come, oldest first (at most
    ``limit``)."""
    return list(
        SMSMessage.objects.filter(status=SMSStatus.QUEUED)
        .filter(_due())
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def deliver_due_sms() -> int:
    """Deliver every due text message here and now, in this process (a management command,
    and tests). Returns how many were sent."""
    return sum(deliver(sms_id) == SMSStatus.SENT for sms_id in due_sms_ids())


def sweep_sms() -> int:
    """Publish a delivery for every text message that needs one: queued for more than
    ``OUTBOX_SWEEP_AFTER_SECONDS`` (its first publish was lost, or the broker was down), a
    retry whose time has come, or one handed on ``OUTBOX_REHAND_SECONDS`` ago and still not
    sent (its task was lost). A message is not handed on again while its task may still be
    waiting in the broker. Returns how many were handed on."""
    from calportal import queue
    from calportal.outbox.tasks import deliver_sms

    now = timezone.now()
    lost = now - datetime.timedelta(seconds=settings.OUTBOX_REHAND_SECONDS)
    candidates = (
        SMSMessage.objects.filter(status=SMSStatus.QUEUED)
        .filter(
            Q(
                next_attempt_at__isnull=True,
                created_at__lte=now
                - datetime.timedelta(seconds=settings.OUTBOX_SWEEP_AFTER_SECONDS),
            )
            | Q(next_attempt_at__lte=now)
        )
        .filter(
            Q(handed_on_at__isnull=True)
            | Q(handed_on_at__lt=lost)
            | Q(next_attempt_at__isnull=False, next_attempt_at__gt=F("handed_on_at"))
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:500]
    )
    return len(queue.hand_on(deliver_sms, candidates, SMSMessage.objects))


def forget_sms_regarding(model: type[models.Model], pk: int) -> int:
    """Delete every text message about one record: the erasure of a person's data also
    erases what was texted to them (their call-list items are
    :func:`calportal.calls.services.forget_regarding`'s). Returns how many were deleted."""
    _total, deleted = SMSMessage.objects.filter(
        regarding_type=ContentType.objects.get_for_model(model), regarding_id=pk
    ).delete()
    return deleted.get("outbox.SMSMessage", 0)


def forget_old_sms() -> int:
    """Delete the text messages queued more than ``OUTBOX_KEEP_DAYS`` ago (sent or given up:
    none is retried that long); they hold residents' phone numbers and personal links.
    Returns how many were deleted."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.OUTBOX_KEEP_DAYS)
    _total, deleted = SMSMessage.objects.filter(created_at__lt=cutoff).delete()
    return deleted.get("outbox.SMSMessage", 0)
