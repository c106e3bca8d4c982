"""The register of data-subject requests and the subject-access package (PRIVACY.md §3).

The DPO and OPS staff with the Data requests role read (``privacy.view_subjectrequest``); only
the latter record, search, confirm, prepare and deliver (``privacy.change_subjectrequest``);
a POST by anyone else is refused. The person reaches their package only through the e-mailed
one-time link plus the PIN read out to them by phone (:func:`package_public`).
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from calportal.privacy import documents, package, search  # noqa: F401 (documents: the package's kind)
from calportal.privacy.forms_requests import (
    LinkForm,
    PinForm,
    SearchForm,
    SubjectRequestFilter,
    SubjectRequestForm,
)
from calportal.privacy.models import RequestStatus, SubjectRequest

PAGE_SIZE = 25
VIEW = "privacy.view_subjectrequest"
CHANGE = "privacy.change_subjectrequest"
OPEN_STATUSES = [RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS, RequestStatus.EXTENDED]


def permission(perm: str):
    """Anonymous visitors go to log in; a logged-in user without ``perm`` gets 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perm(perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _overdue(subject_request: SubjectRequest, today) -> bool:
    return subject_request.status in OPEN_STATUSES and subject_request.due_on < today


@permission(VIEW)
def request_list(request):
    """Every request, newest first, 25 a page, filtered by status and kind; open requests past
    their deadline are marked "overdue" in words. Two queries whatever the page."""
    requests = SubjectRequest.objects.select_related("handled_by")
    filtered = SubjectRequestFilter(request.GET, queryset=requests)
    rows = filtered.qs if filtered.is_valid() else requests.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for item in page:
        item.is_overdue = _overdue(item, today)
        item.is_open = item.status in OPEN_STATUSES
        item.days_left = (item.due_on - today).days
    return render(
        request, "privacy/request_list.html", {"page": page, "filter": filtered, "today": today}
    )


@permission("privacy.add_subjectrequest")
def request_create(request):
    form = SubjectRequestForm(request.POST or None, creating=True)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            subject_request = form.save(commit=False)
            subject_request.created_by = request.user
            subject_request.handled_by = request.user
            subject_request.save()
        messages.success(
            request,
            _("The request was recorded. The answer is due by {date}.").format(
                date=subject_request.deadline.strftime("%d.%m.%Y")
            ),
        )
        return redirect("privacy:request_detail", subject_request.pk)
    return render(request, "privacy/request_form.html", {"form": form, "subject_request": None})


@permission(CHANGE)
def request_edit(request, pk: int):
    subject_request = get_object_or_404(SubjectRequest, pk=pk)
    form = SubjectRequestForm(request.POST or None, instance=subject_request)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("The request was saved."))
        return redirect("privacy:request_detail", subject_request.pk)
    return render(
        request, "privacy/request_form.html", {"form": form, "subject_request": subject_request}
    )


def _initial_search(subject_request: SubjectRequest) -> dict:
    contact = subject_request.requester_contact.strip()
    parts = subject_request.requester_name.split()
    return {
        "email": contact if "@" in contact else "",
        "phone": contact if contact and "@" not in contact else "",
        "first_name": parts[0] if len(parts) > 1 else "",
        "last_name": " ".join(parts[1:]) if len(parts) > 1 else "",
        "birth_year": subject_request.birth_year,
    }


@permission(VIEW)
def request_detail(request, pk: int):
    """The request, and for those who handle it: the search (POSTed with ``search=1``, so that
    the e-mail, phone and name searched for never land in an address, a browser's history or
    a server log), the confirmed records, the art. 15(4) review of facilitator notes, the
    packages and links."""
    subject_request = get_object_or_404(
        SubjectRequest.objects.select_related("handled_by", "created_by"), pk=pk
    )
    may_change = request.user.has_perm(CHANGE)
    if request.method == "POST" and not may_change:
        raise PermissionDenied
    confirmed_keys = search.existing_keys(search.keys_of(subject_request.matches))
    context = {
        "subject_request": subject_request,
        "may_change": may_change,
        "confirmed_count": len(confirmed_keys),
        "is_overdue": _overdue(subject_request, timezone.localdate()),
        "packages": list(package.packages(subject_request)[:10]),
        "links": list(subject_request.links.order_by("-created_at")[:10]),
    }
    if may_change:
        form = SearchForm(
            request.POST if request.method == "POST" and "search" in request.POST else None,
            initial=_initial_search(subject_request),
        )
        found = search.find(**form.cleaned_data) if form.is_bound and form.is_valid() else []
        candidates = {m.key: m for m in found}
        for match in search.describe(confirmed_keys):
            candidates.setdefault(match.key, match)
        notes = _notes_for_review(subject_request, confirmed_keys)
        emails = search.emails_on_file(confirmed_keys) if confirmed_keys else []
        context.update(
            {
                "search_form": form,
                "searched": form.is_bound,
                "candidates": list(candidates.values()),
                "confirmed_keys": set(confirmed_keys),
                "notes": notes,
                "notes_reviewed": package.notes_reviewed(subject_request),
                "latest_package": package.latest_package(subject_request),
                "link_form": LinkForm(emails=emails) if emails else None,
            }
        )
    return render(request, "privacy/request_detail.html", context)


def _notes_for_review(subject_request: SubjectRequest, keys: list[str]) -> list[dict]:
    """The facilitator's notes the package would hold: each request's note and the notes of
    the meetings the person attended, for staff to read before ticking the review."""
    data = search.records(
        [k for k in keys if k.split(":")[0] in search.NOTE_MODELS], include_facilitator_notes=True
    )
    notes = []
    for req in data["selfhelp"]["requests"]:
        if req.get("facilitator_note"):
            notes.append(
                {
                    "where": _("Request to join „{group}”").format(group=req["group"]),
                    "text": req["facilitator_note"],
                }
            )
    for member in data["selfhelp"]["memberships"]:
        for meeting in member["meetings_attended"]:
            if meeting.get("facilitator_notes"):
                notes.append(
                    {
                        "where": _("Meeting of „{group}”, {date}").format(
                            group=member["group"], date=meeting["date"]
                        ),
                        "text": meeting["facilitator_notes"],
                    }
                )
    return notes


def _get_request_for_change(pk: int) -> SubjectRequest:
    return get_object_or_404(SubjectRequest.objects.select_for_update(), pk=pk)


@require_POST
@permission(CHANGE)
def request_matches(request, pk: int):
    """Save the ticked records as the person's (``SubjectRequest.matches``); a record unticked
    is no longer the person's. A review of notes is kept for records still ticked."""
    with transaction.atomic():
        subject_request = _get_request_for_change(pk)
        keys = search.existing_keys(request.POST.getlist("match"))
        previous = {
            f"{m.get('model')}:{m.get('pk')}": m
            for m in subject_request.matches or []
            if isinstance(m, dict)
        }
        matches = []
        for key in keys:
            model, record_pk = search.parse_key(key)
            entry = {"model": model, "pk": record_pk}
            old = previous.get(key, {})
            for field in ("notes_reviewed", "notes_reviewed_by", "notes_reviewed_at"):
                if field in old:
                    entry[field] = old[field]
            matches.append(entry)
        subject_request.matches = matches
        if subject_request.status == RequestStatus.RECEIVED:
            subject_request.status = RequestStatus.IN_PROGRESS
        subject_request.save(update_fields=["matches", "status"])
    messages.success(
        request, _("Records confirmed as the person's: {count}.").format(count=len(matches))
    )
    return redirect("privacy:request_detail", pk)


@require_POST
@permission(CHANGE)
def request_notes_review(request, pk: int):
    """Art. 15(4): staff confirm they read the facilitator's notes and nothing in them
    discloses other people; then the notes go into the package."""
    if request.POST.get("reviewed") != "1":
        messages.error(request, _("Tick the box to confirm that you have reviewed the notes."))
        return redirect("privacy:request_detail", pk)
    with transaction.atomic():
        subject_request = _get_request_for_change(pk)
        now = timezone.now().isoformat()
        for entry in subject_request.matches or []:
            if entry.get("model") in search.NOTE_MODELS:
                entry.update(
                    {
                        "notes_reviewed": True,
                        "notes_reviewed_by": request.user.pk,
                        "notes_reviewed_at": now,
                    }
                )
        subject_request.save(update_fields=["matches"])
    messages.success(request, _("The facilitator's notes will be included in the next package."))
    return redirect("privacy:request_detail", pk)


@require_POST
@permission(CHANGE)
def package_prepare(request, pk: int):
    subject_request = get_object_or_404(SubjectRequest, pk=pk)
    try:
        package.package_create(
            subject_request=subject_request,
            user=request.user,
            large_print=request.POST.get("large_print") == "1",
        )
    except package.DeliveryError as error:
        messages.error(request, str(error))
    except Exception:  # the document is marked failed; the page says so
        messages.error(
            request, _("The package could not be prepared. Try again or tell the administrator.")
        )
    else:
        messages.success(request, _("The package is ready."))
    return redirect("privacy:request_detail", pk)


@never_cache
@permission(CHANGE)
def package_download(request, pk: int):
    """Staff download the newest package (to hand over in person); audited."""
    subject_request = get_object_or_404(SubjectRequest, pk=pk)
    document = package.latest_package(subject_request)
    if document is None:
        raise Http404
    package.record_access(request.user, subject_request, "downloaded by staff")
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.filename,
        content_type=document.content_type,
    )


@require_POST
@never_cache
@permission(CHANGE)
def link_create(request, pk: int):
    """Create the one-time link, e-mail it, and show the PIN once (this response only)."""
    subject_request = get_object_or_404(SubjectRequest, pk=pk)
    keys = search.existing_keys(search.keys_of(subject_request.matches))
    form = LinkForm(request.POST, emails=search.emails_on_file(keys) if keys else [])
    if not form.is_valid():
        messages.error(request, _("Choose an e-mail address on file."))
        return redirect("privacy:request_detail", pk)
    try:
        link, pin = package.link_create(
            subject_request=subject_request,
            document=package.latest_package(subject_request),
            email=form.cleaned_data["email"],
            user=request.user,
        )
    except package.DeliveryError as error:
        messages.error(request, str(error))
        return redirect("privacy:request_detail", pk)
    return render(
        request,
        "privacy/package_link_created.html",
        {
            "subject_request": subject_request,
            "link": link,
            "pin": pin,
            "email": form.cleaned_data["email"],
        },
    )


GONE_STATUS = {"missing": 404}


@never_cache
def package_public(request, token: str):
    """The person's page behind the e-mailed link: asks for the PIN, serves the zip once. A
    link that is unknown is 404; used, expired, locked or without its file is 410."""
    link = package.link_find(token)
    state = package.link_state(link)
    form = PinForm(request.POST or None)
    attempts_left = None
    if state == "open" and request.method == "POST" and form.is_valid():
        state, link, attempts_left = package.link_use(token=token, pin=form.cleaned_data["pin"])
        if state == "ok":
            document = link.document
            response = FileResponse(
                document.file.open("rb"),
                as_attachment=True,
                filename=document.filename,
                content_type=document.content_type,
            )
            response["Referrer-Policy"] = "same-origin"
            return response
        if state == "wrong_pin":
            if attempts_left <= 0:
                state = "locked"
            else:
                form = PinForm()
                state = "open"
    status = 200 if state == "open" else GONE_STATUS.get(state, 410)
    response = render(
        request,
        "privacy/package_public.html",
        {
            "state": state,
            "form": form,
            "attempts_left": attempts_left,
            "DPO_EMAIL": settings.DPO_EMAIL,
        },
        status=status,
    )
    # The address holds the token: never sent to another site. Not "no-referrer": with it the
    # browser sends "Origin: null" with the PIN form and Django's CSRF check refuses it.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response
