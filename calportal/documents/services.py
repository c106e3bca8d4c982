"""Requesting and producing documents."""

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from calportal.accounts.models import User
from calportal.documents.models import Document, DocumentStatus
from calportal.documents.registry import get_builder
from calportal.pdf import render_pdf


def document_request(
    *, kind: str, params: dict, title: str, requested_by: User, language: str
) -> Document:
    """Record the request and start the background job once the transaction commits."""
    from calportal.documents.tasks import render_document

    if not requested_by.has_perm(get_builder(kind).permission):
        raise PermissionDenied
    document = Document.objects.create(
        kind=kind, params=params, title=title, requested_by=requested_by
    )
    transaction.on_commit(lambda: render_document.delay(document.pk, language))
    return document


def document_render(*, document_id: int, language: str) -> None:
    """Build and store the PDF. Idempotent: a finished document is left as it is."""
    with transaction.atomic():
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.is_finished:
            return
        document.status = DocumentStatus.RUNNING
        document.save(update_fields=["status"])
    try:
        build = get_builder(document.kind).build(document.params)
        pdf = render_pdf(build.template, build.context, language=language)
    except Exception as exc:
        Document.objects.filter(pk=document_id).update(
            status=DocumentStatus.FAILED, error=repr(exc)[:2000], finished_at=timezone.now()
        )
        raise
    document.file.save(build.filename, ContentFile(pdf), save=False)
    document.filename = build.filename
    document.status = DocumentStatus.READY
    document.finished_at = timezone.now()
    document.save(update_fields=["file", "filename", "status", "finished_at"])
