"""Requesting and producing documents.

The :class:`~calportal.documents.models.Document` row is the record of the work: publishing the
render job is only a way to start it sooner (:mod:`calportal.queue`). A job that is never
published, lost by the broker, or lost with a worker that died while rendering is sent again by
:func:`document_sweep`, which runs every minute; :func:`document_render` makes sure that however
many times a job arrives, the document is rendered into one file, and only while nobody else is
rendering it.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from calportal.accounts.models import User
from calportal.documents.models import Document, DocumentFailure, DocumentStatus
from calportal.documents.registry import get_builder
from calportal.queue import enqueue_on_commit

logger = logging.getLogger(__name__)

# The sweep sends a waiting job again at most this far apart.
RESEND_MAX_DELAY = datetime.timedelta(hours=1)


def document_request(
    *, kind: str, params: dict, title: str, requested_by: User, language: str
) -> Document:
    """Record the request and start the background job once the transaction commits. Never
    fails because the broker is down: the sweep starts the job later."""
    from calportal.documents.tasks import render_document

    if not requested_by.has_perm(get_builder(kind).permission):
        raise PermissionDenied
    document = Document.objects.create(
        kind=kind, params=params, title=title, requested_by=requested_by, language=language or ""
    )
    enqueue_on_commit(render_document, document.pk)
    return document


def document_render(*, document_id: int, language: str | None = None) -> None:
    """Build and store the document (a PDF, or the file its builder makes), once, however
    many times the job is delivered.

    A job for a finished document, or for one another worker is rendering right now (it holds
    the row's lock until the file is stored), does nothing. A document left "being prepared"
    by a worker that died (its lock went with its database connection) is rendered again, into
    the same file. After ``DOCUMENTS_MAX_ATTEMPTS`` renders have started, the document is marked
    failed instead. ``language`` is used only for documents that do not store their own."""
    attempt = _document_start(document_id)
    if attempt is None:
        return
    try:
        with transaction.atomic():
            # Held until the file is stored, so a second delivery or the sweep leaves it alone.
            document = (
                Document.objects.select_for_update(skip_locked=True)
                .filter(pk=document_id, status=DocumentStatus.RUNNING, attempts=attempt)
                .first()
            )
            if document is None:
                return  # another delivery took it over between the two transactions
            build = get_builder(document.kind).build(document.params)
            content = build.render(language=document.language or language or None)
            document.content_type = build.content_type  # before saving: it names the file
            document.file.save(build.filename, ContentFile(content), save=False)
            document.filename = build.filename
            document.status = DocumentStatus.READY
            document.finished_at = timezone.now()
            document.save(
                update_fields=["file", "filename", "content_type", "status", "finished_at"]
            )
    except Exception as exc:
        Document.objects.filter(
            pk=document_id, status=DocumentStatus.RUNNING, attempts=attempt
        ).update(
            status=DocumentStatus.FAILED,
            failure=DocumentFailure.RENDER_ERROR,
            error=repr(exc)[:2000],
            finished_at=timezone.now(),
        )
        raise


def _document_start(document_id: int) -> int | None:
    """Mark the document as being prepared and count the attempt. Returns the attempt's number,
    or None when there is nothing to render (finished, gone, being rendered by another worker,
    or out of attempts, which marks it failed)."""
    with transaction.atomic():
        document = (
            Document.objects.select_for_update(skip_locked=True).filter(pk=document_id).first()
        )
        if document is None or document.is_finished:
            return None
        if document.attempts >= settings.DOCUMENTS_MAX_ATTEMPTS:
            _document_give_up(document)
            return None
        document.status = DocumentStatus.RUNNING
        document.started_at = timezone.now()
        document.attempts += 1
        document.save(update_fields=["status", "started_at", "attempts"])
        return document.attempts


def _document_give_up(document: Document) -> None:
    """Mark a document whose renders kept dying with their worker as failed. The caller holds
    the row's lock."""
    logger.error("Document %s given up after %s attempts", document.pk, document.attempts)
    document.status = DocumentStatus.FAILED
    document.failure = DocumentFailure.WORKER_LOST
    document.error = f"The worker was lost during each of {document.attempts} attempts."
    document.finished_at = timezone.now()
    document.save(update_fields=["status", "failure", "error", "finished_at"])


def resend_delay(sends: int) -> datetime.timedelta:
    """How long a job sent ``sends`` times may wait for a worker before it is sent again:
    ``DOCUMENTS_RESEND_SECONDS``, doubled each time, at most an hour."""
    seconds = settings.DOCUMENTS_RESEND_SECONDS * 2 ** min(max(sends, 1) - 1, 20)
    return min(datetime.timedelta(seconds=seconds), RESEND_MAX_DELAY)


def document_sweep(*, limit: int = 200) -> int:
    """Send again the render jobs that were lost; returns how many were sent.

    * A document waiting longer than :func:`resend_delay` was never published (the broker was
      down), lost by the broker, or is behind a long queue (a duplicate job then does nothing).
    * A document "being prepared" for longer than the render's time limit, whose row nobody
      holds, lost its worker; it waits again, or fails after ``DOCUMENTS_MAX_ATTEMPTS``.

    Each document is re-checked under its row lock (skipping locked rows), so two sweeps at
    once, or a sweep and a worker, never both act on it."""
    from calportal.documents.tasks import RENDER_TIME_LIMIT, render_document

    now = timezone.now()
    stuck_since = now - datetime.timedelta(seconds=RENDER_TIME_LIMIT)
    waiting_since = now - datetime.timedelta(seconds=settings.DOCUMENTS_RESEND_SECONDS)
    candidates = list(
        Document.objects.filter(status=DocumentStatus.PENDING, queued_at__lt=waiting_since)
        .order_by("queued_at")
        .values_list("pk", flat=True)[:limit]
    ) + list(
        Document.objects.filter(status=DocumentStatus.RUNNING, started_at__lt=stuck_since)
        .order_by("started_at")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for document_id in candidates:
        with transaction.atomic():
            document = (
                Document.objects.select_for_update(skip_locked=True).filter(pk=document_id).first()
            )
            if document is None:
                continue
            if document.status == DocumentStatus.PENDING:
                if now - document.queued_at <= resend_delay(document.sends):
                    continue
            elif document.status == DocumentStatus.RUNNING and document.started_at < stuck_since:
                if document.attempts >= settings.DOCUMENTS_MAX_ATTEMPTS:
                    _document_give_up(document)
                    continue
                logger.warning("Document %s lost its worker; sending it again", document.pk)
                document.status = DocumentStatus.PENDING
            else:
                continue  # finished or started again since the list was read
            document.queued_at = now
            document.sends += 1
            document.save(update_fields=["status", "queued_at", "sends"])
            enqueue_on_commit(render_document, document.pk)
        sent += 1
    return sent
