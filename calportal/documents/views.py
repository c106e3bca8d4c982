from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string

from calportal.audit.models import Access
from calportal.audit.services import record_access
from calportal.documents.models import Document, DocumentStatus
from calportal.documents.registry import get_builder

PAGE_SIZE = 25  # documents per page of the list


def _get_document_for_user(request, pk: int) -> Document:
    document = get_object_or_404(Document, pk=pk)
    builder = get_builder(document.kind)
    shared = builder.shared_with is not None and builder.shared_with(request.user, document.params)
    if builder.requester_checked:
        allowed = request.user.is_superuser or shared
    else:
        allowed = document.requested_by_id == request.user.pk or request.user.is_superuser or shared
    if not allowed or not request.user.has_perm(builder.permission):
        raise Http404
    return document


def _state(document: Document) -> str:
    """What the page tells the user; the page's script replaces the message when it changes."""
    return "held-up" if document.is_held_up else document.status


@login_required
def document_list(request):
    documents = Document.objects.filter(requested_by=request.user).only(
        "pk", "title", "status", "content_type", "created_at", "finished_at"
    )
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "documents/list.html", {"documents": page, "page": page})


@login_required
def document_detail(request, pk: int):
    document = _get_document_for_user(request, pk)
    return render(
        request, "documents/detail.html", {"document": document, "state": _state(document)}
    )


@login_required
def document_status(request, pk: int):
    document = _get_document_for_user(request, pk)
    return JsonResponse(
        {
            "status": document.status,
            "state": _state(document),
            "label": str(document.get_status_display()),
            "finished": document.is_finished,
            "message": render_to_string(
                "documents/_status.html", {"document": document}, request=request
            ),
        }
    )


@login_required
def document_download(request, pk: int):
    document = _get_document_for_user(request, pk)
    if document.status != DocumentStatus.READY or not document.file:
        raise Http404  # not made yet, or deleted by its retention rule
    record_access(request.user, Access.EXPORT, document, detail=document.kind)
    if document.kind.startswith("reports."):
        from calportal.reports.documents import report_file_read

        report_file_read(request.user, document)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.filename,
        content_type=document.content_type,
    )
