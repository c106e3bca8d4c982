"""Erasure pages (art. 17, PRIVACY.md §4) and the notices to recipients (art. 19).

Who:

* OPS staff with the "Data requests" role (``privacy.add_erasurerecord``) erase anyone's data,
  from a data-subject request's confirmed records or from a volunteer's page.
* A partner coordinator erases only their own organisation's volunteers (another
  organisation's volunteer is a 404), through the same preview and confirmation.
* The DPO (``privacy.view_erasurerecord`` only) reads the previews and the records; a POST by
  them is a 403.
* The notices are read by the recipients: a partner coordinator their organisation's, venue
  staff their venue's (with "mark as read"); the DPO and the Data requests staff see all of them.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calportal.privacy import erasure
from calportal.privacy.forms_erasure import EraseForm
from calportal.privacy.models import ErasureRecord, RecipientNotice, SubjectRequest

PAGE_SIZE = 25
READ = "privacy.view_erasurerecord"
ERASE = "privacy.add_erasurerecord"


def erasure_page(view):
    """Anonymous visitors log in; a GET needs ``READ`` or ``ERASE``, a POST needs ``ERASE``."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        allowed = (
            user.has_perm(ERASE)
            if request.method == "POST"
            else (user.has_perm(READ) or user.has_perm(ERASE))
        )
        if not allowed:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _request_url(subject_request: SubjectRequest | None) -> str:
    """The request's own page, when the requests register has one."""
    if subject_request is None:
        return ""
    try:
        return reverse("privacy:request_detail", args=[subject_request.pk])
    except NoReverseMatch:
        return ""


def _preview_and_confirm(
    request, *, matches, subject_request=None, volunteer=None, may_erase: bool
):
    """The preview (GET) and the confirmed erasure (POST) of ``matches``."""
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_erase:
            raise PermissionDenied
        if form.is_valid():
            try:
                record = erasure.erase(
                    matches,
                    user=request.user,
                    request=subject_request,
                    reason=form.cleaned_data["claim_reason"],
                    hold_for_claim=form.cleaned_data["hold_for_claim"],
                )
            except erasure.ErasureError as error:
                form.add_error(None, str(error))
            else:
                if form.cleaned_data["hold_for_claim"]:
                    messages.success(
                        request, _("Recorded: the data is kept for the pending complaint or claim.")
                    )
                else:
                    messages.success(request, _("The data was erased."))
                return redirect("privacy:erasure_detail", record.pk)
    preview = erasure.preview(matches, user=request.user)
    return render(
        request,
        "privacy/erasure_preview.html",
        {
            "preview": preview,
            "form": form,
            "may_erase": may_erase and not preview.blocked and not preview.is_empty,
            "subject_request": subject_request,
            "request_url": _request_url(subject_request),
            "volunteer": volunteer,
            "earlier": (
                subject_request.erasures.order_by("-performed_at")[:10] if subject_request else []
            ),
        },
    )


@erasure_page
def erasure_preview(request, request_id: int):
    """What erasing a data-subject request's confirmed records would do, and the erasure."""
    subject_request = get_object_or_404(SubjectRequest, pk=request_id)
    return _preview_and_confirm(
        request,
        matches=subject_request.matches if isinstance(subject_request.matches, list) else [],
        subject_request=subject_request,
        may_erase=request.user.has_perm(ERASE),
    )


def _volunteer_for_eraser(request, volunteer_id: int):
    """(volunteer, may erase) for the user: anyone's for the Data requests staff (and the DPO,
    to read), only their own organisation's for a partner coordinator (another's: 404)."""
    from calportal.accounts.roles import Role
    from volunteers.models import Volunteer

    user = request.user
    volunteers = Volunteer.objects.filter(anonymised_year__isnull=True).select_related(
        "organisation"
    )
    if user.has_perm(ERASE) or user.has_perm(READ):
        return get_object_or_404(volunteers, pk=volunteer_id), user.has_perm(ERASE)
    if (
        user.organisation_id
        and user.has_role(Role.PARTNER_COORDINATOR)
        and user.has_perm("volunteers.change_volunteer")
    ):
        return get_object_or_404(
            volunteers, pk=volunteer_id, organisation_id=user.organisation_id
        ), True
    raise PermissionDenied


@login_required
def volunteer_erase(request, volunteer_id: int):
    """ "Erase the volunteer's data" from the volunteer's page (PRIVACY.md §4: partner
    coordinators for their own volunteers)."""
    volunteer, may_erase = _volunteer_for_eraser(request, volunteer_id)
    if request.method == "POST" and not may_erase:
        raise PermissionDenied
    return _preview_and_confirm(
        request,
        matches=[{"model": "volunteers.volunteer", "pk": volunteer.pk}],
        volunteer=volunteer,
        may_erase=may_erase,
    )


@erasure_page
def erasure_list(request):
    records = (
        ErasureRecord.objects.select_related("request", "performed_by")
        .annotate(notice_count=Count("notices"))
        .order_by("-performed_at", "-pk")
    )
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    for record in page:
        record.erased_total = sum(_as_int(count) for count in (record.erased or {}).values())
        record.kept_total = sum(_as_int(entry.get("count")) for entry in _entries(record.kept))
    return render(request, "privacy/erasure_list.html", {"page": page})


def _as_int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _entries(kept) -> list[dict]:
    return [entry for entry in (kept or []) if isinstance(entry, dict)]


@login_required
def erasure_detail(request, pk: int):
    """An erasure record: by the DPO and the Data requests staff, or by whoever performed it
    (a partner coordinator who erased their volunteer)."""
    record = get_object_or_404(
        ErasureRecord.objects.select_related("request", "performed_by"), pk=pk
    )
    user = request.user
    if not (user.has_perm(READ) or user.has_perm(ERASE) or record.performed_by_id == user.pk):
        raise PermissionDenied
    erased = [
        (erasure.category_label(code), _as_int(count))
        for code, count in (record.erased or {}).items()
    ]
    kept = [
        {
            "label": erasure.category_label(str(entry.get("category", ""))),
            "count": _as_int(entry.get("count")),
            "rule_label": erasure.rule_label(str(entry.get("rule", ""))),
            "provision": entry.get("provision")
            or erasure.rule_provision(str(entry.get("rule", ""))),
            "until": _date(entry.get("until")),
        }
        for entry in _entries(record.kept)
    ]
    notices = record.notices.select_related("organisation", "venue", "read_by").order_by("pk")
    return render(
        request,
        "privacy/erasure_detail.html",
        {
            "record": record,
            "erased": erased,
            "kept": kept,
            "notices": notices,
            "request_url": _request_url(record.request),
            "may_read_all": user.has_perm(READ),
        },
    )


def _date(value):
    import datetime

    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


# --- art. 19 notices ---------------------------------------------------------------------------


@login_required
def notice_list(request):
    """The notices of erasure sent to the user's organisation or venue; all of them for the DPO
    and the Data requests staff (read-only)."""
    user = request.user
    reads_all = user.has_perm("privacy.view_recipientnotice")
    own = erasure.notices_for(user)
    if own is None and not reads_all:
        raise PermissionDenied
    notices = RecipientNotice.objects.all() if reads_all and own is None else own
    notices = notices.select_related("organisation", "venue", "read_by").order_by(
        "-created_at", "-pk"
    )
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "privacy/notices.html",
        {"page": page, "may_mark": own is not None, "reads_all": reads_all and own is None},
    )


@require_POST
@login_required
def notice_read(request, pk: int):
    """Mark a notice as read (its recipients only)."""
    own = erasure.notices_for(request.user)
    if own is None:
        raise PermissionDenied
    notice = own.filter(pk=pk).first()
    if notice is None:
        raise Http404
    if notice.read_at is None:
        RecipientNotice.objects.filter(pk=notice.pk, read_at__isnull=True).update(
            read_at=timezone.now(), read_by=request.user
        )
        messages.success(request, _("The notice is marked as read."))
    return redirect("privacy:notice_list")
