"""The outbox: every e-mail is written to the database with the change that causes it, then
delivered by Celery, retried with backoff for days, and sent once.

* :func:`queue_email` renders one of the portal's templated e-mails (``templates/emails/``) in
  the recipient's language and stores it, inside the caller's transaction; the delivery task is
  published after the commit (:mod:`calportal.queue`), and if the broker is down the message
  simply waits for :func:`sweep`.
* :func:`deliver` sends one message under a row lock, so a delivery task and a sweep (or two
  workers) never send it twice. A failure is retried after 1, 2, 4 … minutes (at most an hour
  apart) for ``OUTBOX_RETRY_HOURS`` (72 h by default) before the message is marked failed.
* Every message carries a Message-ID fixed when it is queued, and the SMTP backend
  (:class:`calportal.outbox.backends.PatientSMTPBackend`) waits as long as RFC 5321 allows for
  the relay's answer to the message, so a slow relay that accepts it is not sent it again.
"""

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from post_office import mail
from post_office.models import STATUS, Attachment, Email

from calportal.emails import render_email
from calportal.outbox.models import OutboxMessage

logger = logging.getLogger(__name__)

PENDING = (STATUS.queued, STATUS.requeued)


def queue_email(
    name: str,
    context: dict,
    to: list[str],
    *,
    language: str | None = None,
    regarding: models.Model | None = None,
    key: str | None = None,
    attachments: Iterable[tuple[str, bytes, str]] = (),
) -> Email | None:
    """Render ``templates/emails/<name>-{subject,body-text,body-html}`` in ``language`` (the
    portal's default when None) and queue it for ``to``.

    ``regarding`` is the record the message concerns (shown to staff on that record);
    ``key``, when given, makes the call idempotent: a second call with the same key queues
    nothing and returns None. ``attachments`` are ``(filename, content, mimetype)`` triples.
    Returns the queued post_office ``Email``. Must run inside the transaction of the change
    (it is also fine outside one)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject, text, html = render_email(name, context)
    return queue_rendered_email(
        subject,
        text,
        html,
        to,
        template=name,
        language=language or settings.LANGUAGE_CODE,
        regarding=regarding,
        key=key,
        attachments=attachments,
    )


def queue_rendered_email(
    subject: str,
    text: str,
    html: str | None,
    to: list[str],
    *,
    template: str,
    language: str = "",
    regarding: models.Model | None = None,
    key: str | None = None,
    attachments: Iterable[tuple[str, bytes, str]] = (),
) -> Email | None:
    """Queue an e-mail rendered by the caller (e.g. Django's password-reset form). Same
    arguments and result as :func:`queue_email`."""
    from calportal.outbox.tasks import deliver_email
    from calportal.queue import enqueue_on_commit

    if key and OutboxMessage.objects.filter(key=key).exists():
        return None
    files = {
        filename: {"file": ContentFile(content), "mimetype": mimetype}
        for filename, content, mimetype in attachments
    }
    try:
        with transaction.atomic():
            email = mail.send(
                recipients=to,
                sender=settings.DEFAULT_FROM_EMAIL,
                subject=subject,
                message=text,
                html_message=html or "",
                attachments=files or None,
                priority="medium",
            )
            OutboxMessage.objects.create(
                email=email,
                template=template,
                language=language,
                regarding_type=(
                    ContentType.objects.get_for_model(regarding) if regarding is not None else None
                ),
                regarding_id=regarding.pk if regarding is not None else None,
                key=key,
            )
    except IntegrityError:
        if key and OutboxMessage.objects.filter(key=key).exists():
            return None  # a concurrent run queued it first
        raise
    enqueue_on_commit(deliver_email, email.pk)
    return email


def retry_delay(attempt: int) -> datetime.timedelta:
    """Wait before retry number ``attempt`` (1-based): ``OUTBOX_RETRY_BASE_SECONDS`` doubled
    each time, at most ``OUTBOX_RETRY_MAX_SECONDS``."""
    seconds = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** min(attempt - 1, 30)
    return datetime.timedelta(seconds=min(seconds, settings.OUTBOX_RETRY_MAX_SECONDS))


def deliver(email_id: int) -> int | None:
    """Send one queued message now, if it is due and nobody else is sending it.

    Returns the post_office status it ended in (``STATUS.sent``, ``STATUS.requeued`` or
    ``STATUS.failed``), or None when there was nothing to do (already sent, not yet due, or
    locked by another worker). Never raises for a mail-server failure: that is recorded in the
    message's log and retried after :func:`retry_delay`, until ``OUTBOX_RETRY_HOURS`` have
    passed since it was queued."""
    now = timezone.now()
    with transaction.atomic():
        email = (
            Email.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status__in=PENDING)
            .filter(Q(scheduled_time__isnull=True) | Q(scheduled_time__lte=now))
            .first()
        )
        if email is None:
            return None
        # The lock is held while the relay is talking: a second worker skips this message.
        status = email.dispatch(log_level=2)
        if status == STATUS.failed:
            attempt = (email.number_of_retries or 0) + 1
            email.number_of_retries = attempt
            give_up_at = email.created + datetime.timedelta(hours=settings.OUTBOX_RETRY_HOURS)
            if timezone.now() < give_up_at:
                email.status = STATUS.requeued
                email.scheduled_time = timezone.now() + retry_delay(attempt)
                status = STATUS.requeued
            else:
                logger.error("E-mail %s not delivered after %s attempts", email.pk, attempt)
            email.save(update_fields=["status", "number_of_retries", "scheduled_time"])
        return status


def due_email_ids(*, limit: int = 500) -> list[int]:
    """Ids of the queued messages whose time has come, oldest first (at most ``limit``)."""
    now = timezone.now()
    return list(
        Email.objects.filter(status__in=PENDING)
        .filter(Q(scheduled_time__isnull=True) | Q(scheduled_time__lte=now))
        .order_by("created", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def sweep() -> int:
    """Publish a delivery for every message that needs one: queued for more than
    ``OUTBOX_SWEEP_AFTER_SECONDS`` (its first publish was lost, or the broker was down), a
    retry whose time has come, or one handed on ``OUTBOX_REHAND_SECONDS`` ago and still not
    sent (its task was lost). A message is not handed on again while its task may still be
    waiting in the broker. Returns how many were handed on."""
    from calportal.outbox.tasks import deliver_email
    from calportal.queue import hand_on

    now = timezone.now()
    lost = now - datetime.timedelta(seconds=settings.OUTBOX_REHAND_SECONDS)
    handed_on = F("outbox_entry__handed_on_at")
    candidates = (
        Email.objects.filter(status__in=PENDING)
        .filter(
            Q(
                scheduled_time__isnull=True,
                created__lte=now - datetime.timedelta(seconds=settings.OUTBOX_SWEEP_AFTER_SECONDS),
            )
            | Q(scheduled_time__lte=now)
        )
        .filter(
            Q(outbox_entry__handed_on_at__isnull=True)
            | Q(outbox_entry__handed_on_at__lt=lost)
            | Q(scheduled_time__isnull=False, scheduled_time__gt=handed_on)
        )
        .order_by("created", "pk")
        .values_list("pk", flat=True)[:500]
    )
    return len(hand_on(deliver_email, candidates, OutboxMessage.objects, by="email_id"))


def forget_messages_regarding(model: type[models.Model], pk: int) -> int:
    """Delete every message about one record — e-mails with their log and their attachments'
    files, text messages, and the office's call-list items about it with their attempts: the
    erasure of a person's data also erases what was written or said to them. Returns how many
    e-mails were deleted."""
    from calportal.calls.services import forget_regarding
    from calportal.outbox.sms import forget_sms_regarding

    content_type = ContentType.objects.get_for_model(model)
    forget_sms_regarding(model, pk)
    forget_regarding(model, pk)
    email_ids = list(
        OutboxMessage.objects.filter(regarding_type=content_type, regarding_id=pk).values_list(
            "email_id", flat=True
        )
    )
    attachments = list(Attachment.objects.filter(emails__in=email_ids).distinct())
    _, deleted = Email.objects.filter(pk__in=email_ids).delete()
    for attachment in attachments:
        if not attachment.emails.exists():
            attachment.file.delete(save=False)
            attachment.delete()
    return deleted.get("post_office.Email", 0)


def deliver_due() -> int:
    """Deliver every due message here and now, in this process (``manage.py deliver_outbox``,
    and tests). Returns how many were sent."""
    return sum(deliver(email_id) == STATUS.sent for email_id in due_email_ids())


def forget_old_messages() -> int:
    """Delete the messages queued more than ``OUTBOX_KEEP_DAYS`` ago (sent or given up: no
    message is retried that long), with their logs and attachment files, the call-list items
    closed that long ago, and messages still to compose that were given up: they hold
    residents' names, phones and personal links. Returns how many e-mails were deleted."""
    from post_office.utils import cleanup_expired_mails

    from calportal.calls.services import forget_closed_before
    from calportal.outbox.models import PendingMessage

    cutoff = timezone.now() - datetime.timedelta(days=settings.OUTBOX_KEEP_DAYS)
    deleted, _attachments = cleanup_expired_mails(cutoff, delete_attachments=True)
    forget_closed_before(cutoff)
    # Messages whose composing was given up (logged as errors when it was).
    PendingMessage.objects.filter(created_at__lt=cutoff).delete()
    return deleted
