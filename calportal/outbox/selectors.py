"""Reading the outbox: which messages (e-mails and text messages) went to a person, and how
each one fared."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import OuterRef, Subquery
from post_office.models import STATUS, Log

from calportal.outbox.models import OutboxMessage, SMSMessage, SMSStatus


@dataclass(frozen=True)
class MessageState:
    """One message as staff see it. ``channel`` is ``"email"`` or ``"sms"`` (a text message:
    ``to`` is its phone number, ``subject`` its text); ``state`` is ``"sent"``, ``"waiting"``
    (queued or waiting to be retried) or ``"failed"`` (given up; a failed text message is on
    the office's call list); ``error`` is the last failure's text."""

    template: str
    to: list[str]
    subject: str
    queued_at: datetime
    state: str
    sent_at: datetime | None
    attempts: int
    next_attempt_at: datetime | None
    error: str
    channel: str = "email"


def messages_regarding(record: models.Model) -> list[MessageState]:
    """Every message (e-mail or text) queued about ``record``, newest first, in at most three
    queries."""
    return messages_regarding_many(type(record), [record.pk]).get(record.pk, [])


def messages_regarding_many(
    model: type[models.Model], ids: list[int]
) -> dict[int, list[MessageState]]:
    """``{id: [MessageState, …]}`` for the records of ``model`` with these ids: their e-mails
    and text messages together, newest first (records without messages are absent), in at
    most three queries whatever the number of ids."""
    content_type = ContentType.objects.get_for_model(model)
    attempts = Log.objects.filter(email=OuterRef("email")).order_by("-date", "-pk")
    rows = (
        OutboxMessage.objects.filter(regarding_type=content_type, regarding_id__in=ids)
        .select_related("email")
        .annotate(
            last_error=Subquery(attempts.filter(status=STATUS.failed).values("message")[:1]),
            sent_at=Subquery(attempts.filter(status=STATUS.sent).values("date")[:1]),
        )
        .order_by("-created_at", "-pk")
    )
    texts = SMSMessage.objects.filter(regarding_type=content_type, regarding_id__in=ids).order_by(
        "-created_at", "-pk"
    )
    by_record: dict[int, list[MessageState]] = {}
    for row in rows:
        by_record.setdefault(row.regarding_id, []).append(_state(row))
    for text in texts:
        by_record.setdefault(text.regarding_id, []).append(_sms_state(text))
    for states in by_record.values():
        states.sort(key=lambda state: state.queued_at, reverse=True)  # stable: ties keep order
    return by_record


def _state(row: OutboxMessage) -> MessageState:
    email = row.email
    state = {STATUS.sent: "sent", STATUS.failed: "failed"}.get(email.status, "waiting")
    return MessageState(
        template=row.template,
        to=list(email.to),
        subject=email.subject,
        queued_at=row.created_at,
        state=state,
        sent_at=row.sent_at if state == "sent" else None,
        attempts=(email.number_of_retries or 0) + (1 if state == "sent" else 0),
        next_attempt_at=email.scheduled_time if state == "waiting" else None,
        error=(row.last_error or "") if state != "sent" else "",
    )


def _sms_state(row: SMSMessage) -> MessageState:
    state = {
        SMSStatus.SENT: "sent",
        SMSStatus.FAILED: "failed",
        SMSStatus.CANCELLED: "cancelled",
    }.get(row.status, "waiting")
    return MessageState(
        template=row.template,
        to=[row.to],
        subject=row.text,
        queued_at=row.created_at,
        state=state,
        sent_at=row.sent_at if state == "sent" else None,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at if state == "waiting" else None,
        error=row.last_error if state != "sent" else "",
        channel="sms",
    )
