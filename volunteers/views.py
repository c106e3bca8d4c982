"""Volunteering pages: the public application, the partner coordinator's and the OPS's pages.

Every object is looked up through the user's scope (``selectors.*_for(user)``), so another
organisation's id is simply not found (404).
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, Sum
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calportal import autocomplete
from calportal.accounts.decorators import permission_required
from calportal.accounts.roles import Role
from calportal.audit.models import Access
from calportal.audit.services import record_access
from calportal.csv_files import csv_stream_response
from calportal.dates import parse_week, week_label
from calportal.organisations.models import Organisation
from calportal.parsing import int_list
from calportal.privacy import consent
from calportal.public_forms import public_form_accepted
from volunteers import hours_csv, selectors, services
from volunteers.filters import (
    SHIFT_CANDIDATES_SOURCE,
    EntryFilter,
    VolunteerFilter,
    shift_candidates,
)
from volunteers.forms import (
    WITH_CHILDREN_CHOICES,
    AgreementForm,
    ApplyForm,
    CertificateForm,
    CheckForm,
    DecisionForm,
    HoursForm,
    HoursImportForm,
    OpportunityForm,
    RateForm,
    SettingsForm,
    ShiftForm,
    VolunteerForm,
    WorkKindForm,
    offered_work_kinds,
    parse_quarters,
    parse_with_children,
)
from volunteers.models import (
    Assignment,
    EntryStatus,
    Shift,
    VolunteeringSettings,
    VolunteerRate,
    VolunteerStatus,
    WorkKind,
)

PAGE_SIZE = 25


def parse_iso_date(text: str) -> datetime.date | None:
    """A date typed as YYYY-MM-DD (a date input), or None when it is not one."""
    try:
        day = datetime.date.fromisoformat(text[:10])
    except ValueError:
        return None
    return day if 1900 <= day.year <= 2100 else None


def _url_of_each(name: str):
    """``url(pk)`` for the URL ``name`` with one ``pk``: reversed once, not once a row."""
    prefix, suffix = reverse(name, args=[987654321]).split("987654321")
    return lambda pk: f"{prefix}{pk}{suffix}"


def _entry_rows(page, request, *, selectable: bool = False) -> None:
    """Prepare a page of hours entries for ``_entry_table.html`` once, not per row in the
    template: ``status_label``, ``edit_url`` (when the user may change the entry: not approved,
    not in the approval queue) and, in the queue, ``choose_label`` (the tick box's name)."""
    statuses = {value: str(label) for value, label in EntryStatus.choices}
    may_edit = not selectable and request.user.has_perm("volunteers.change_hoursentry")
    edit_url = _url_of_each("volunteers:hours_edit")
    for entry in page:
        entry.status_label = statuses.get(entry.status, entry.status)
        entry.edit_url = (
            edit_url(entry.pk) if may_edit and entry.status != EntryStatus.APPROVED else ""
        )
        if selectable:
            entry.choose_label = (
                f"{entry.volunteer}, {date_format(entry.date, 'SHORT_DATE_FORMAT')}"
            )


QUEUE_PAGE_SIZE = 100
TOTALS_PAGE_SIZE = 100
# Candidates for a shift offered as a drop-down; more are a search field with suggestions.
CANDIDATES_LISTED = 100
# Volunteers per page of the weekly hours grid (one form per page: a page is saved at a time).
GRID_PAGE_SIZE = 50


# --- Public -----------------------------------------------------------------------------------


def _hosts():
    """Partner organisations with an active coordinator, the default host first."""
    default = VolunteeringSettings.current().default_host_id
    hosts = list(
        Organisation.objects.filter(
            is_partner=True,
            users__is_active=True,
            users__groups__name=Role.PARTNER_COORDINATOR.value,
        )
        .distinct()
        .order_by("name")
    )
    hosts.sort(key=lambda organisation: organisation.pk != default)
    return hosts


def apply(request):
    hosts = _hosts()
    queryset = Organisation.objects.filter(pk__in=[host.pk for host in hosts])
    form = ApplyForm(
        request.POST or None, hosts=queryset, initial={"organisation": hosts[0] if hosts else None}
    )
    form.fields["organisation"].choices = [(host.pk, host.name) for host in hosts]
    status = 200
    if request.method == "POST":
        accepted, status = public_form_accepted(
            request,
            form,
            group="volunteers.apply",
            limit_message=_(
                "Too many applications from your connection. "
                "Please try again in a while or call us."
            ),
        )
        if accepted:
            services.volunteer_apply(data=form.cleaned_data)
            return redirect("volunteers:applied")
    return render(request, "volunteers/apply.html", {"form": form, "hosts": hosts}, status=status)


def applied(request):
    return render(request, "volunteers/applied.html")


# --- Volunteers -------------------------------------------------------------------------------


def _volunteer(request, pk: int):
    return get_object_or_404(selectors.volunteers_for(request.user), pk=pk)


def _organisations(request) -> list[Organisation]:
    return list(selectors.organisations_for(request.user))


@permission_required("volunteers.view_volunteer")
def volunteer_list(request):
    scoped = selectors.volunteers_for(request.user)
    volunteer_filter = VolunteerFilter(
        request.GET,
        queryset=selectors.with_compliance(scoped)
        .select_related("organisation")
        .order_by("last_name", "first_name", "pk"),
        request=request,
    )
    page = Paginator(volunteer_filter.qs.prefetch_related("skills"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    statuses = {value: str(label) for value, label in VolunteerStatus.choices}
    detail_url = _url_of_each("volunteers:volunteer_detail")
    for volunteer in page:
        volunteer.status_label = statuses.get(volunteer.status, volunteer.status)
        volunteer.detail_url = detail_url(volunteer.pk)
    record_access(request.user, Access.VOLUNTEERS)
    return render(
        request,
        "volunteers/volunteer_list.html",
        {
            "filter": volunteer_filter,
            "page": page,
            "lacking": list(selectors.lacking_agreement(scoped)[:50]),
            "applicants": scoped.filter(status=VolunteerStatus.APPLICANT).count(),
            "sees_all": selectors.sees_all(request.user),
        },
    )


@permission_required("volunteers.add_volunteer")
def volunteer_create(request):
    form = VolunteerForm(
        request.POST or None, organisations=selectors.organisations_for(request.user)
    )
    if request.method == "POST" and form.is_valid():
        volunteer = services.volunteer_save(form=form)
        messages.success(request, _("Saved: %(name)s.") % {"name": volunteer})
        return redirect(volunteer)
    return render(request, "volunteers/volunteer_form.html", {"form": form})


@permission_required("volunteers.change_volunteer")
def volunteer_edit(request, pk: int):
    volunteer = _volunteer(request, pk)
    form = VolunteerForm(
        request.POST or None,
        instance=volunteer,
        organisations=selectors.organisations_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        services.volunteer_save(form=form)
        messages.success(request, _("Saved: %(name)s.") % {"name": volunteer})
        return redirect(volunteer)
    return render(request, "volunteers/volunteer_form.html", {"form": form, "volunteer": volunteer})


@permission_required("volunteers.view_volunteer")
def volunteer_detail(request, pk: int):
    volunteer = get_object_or_404(
        selectors.with_compliance(selectors.volunteers_for(request.user))
        .select_related("organisation")
        .prefetch_related("skills", "areas", "agreements", "checks", "certificates"),
        pk=pk,
    )
    hours = volunteer.hours.values("status").annotate(quarters=Sum("quarters"))
    record_access(request.user, Access.VOLUNTEER, volunteer)
    today = timezone.localdate()
    user = request.user
    may_erase = user.has_perm("privacy.view_erasurerecord") or (
        user.has_perm("volunteers.change_volunteer")
        and user.organisation_id is not None
        and user.organisation_id == volunteer.organisation_id
    )
    return render(
        request,
        "volunteers/volunteer_detail.html",
        {
            "volunteer": volunteer,
            "may_erase": may_erase,
            "reconsent": consent.reconsent_needed(volunteer),
            "hours_by_status": {row["status"]: row["quarters"] / 4 for row in hours},
            "upcoming": Assignment.objects.filter(
                volunteer=volunteer, shift__ends_at__gte=timezone.now()
            ).select_related("shift__opportunity"),
            "recent_hours": volunteer.hours.select_related("opportunity", "initiative")[:10],
            "agreement_form": AgreementForm(
                initial={"starts_on": today, "signed_on": today}, prefix="agreement"
            ),
            "check_form": CheckForm(
                initial={
                    "checked_on": today,
                    "checked_by": request.user.full_name,
                    "valid_until": today.replace(year=today.year + 2)
                    if not (today.month == 2 and today.day == 29)
                    else today + datetime.timedelta(days=730),
                },
                prefix="check",
            ),
            "certificate_form": CertificateForm(
                initial={"period_from": today.replace(month=1, day=1), "period_to": today},
                prefix="certificate",
            ),
            "statuses": VolunteerStatus,
        },
    )


@require_POST
@permission_required("volunteers.change_volunteer")
def volunteer_status(request, pk: int):
    volunteer = _volunteer(request, pk)
    status = request.POST.get("status")
    typed_end = request.POST.get("ended_on", "").strip()
    ended_on = parse_iso_date(typed_end) if typed_end else None
    if status not in VolunteerStatus.values:
        messages.error(request, _("Choose a status from the list."))
    elif typed_end and ended_on is None:
        messages.error(request, _("The end date is not a date."))
    else:
        try:
            services.volunteer_set_status(volunteer=volunteer, status=status, ended_on=ended_on)
        except services.VolunteeringError as error:
            messages.error(request, str(error))
            return redirect(volunteer)
        messages.success(
            request,
            _("%(name)s: %(status)s.")
            % {"name": volunteer, "status": VolunteerStatus(status).label},
        )
    return redirect(volunteer)


def _add_on_detail(request, pk, form_class, prefix, save, success):
    volunteer = _volunteer(request, pk)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        save(volunteer, form)
        messages.success(request, success)
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
    return redirect(volunteer)


@require_POST
@permission_required("volunteers.add_agreement")
def agreement_create(request, pk: int):
    return _add_on_detail(
        request,
        pk,
        AgreementForm,
        "agreement",
        lambda volunteer, form: services.agreement_add(volunteer=volunteer, form=form),
        _("The agreement was recorded."),
    )


@require_POST
@permission_required("volunteers.add_childsafetycheck")
def check_create(request, pk: int):
    return _add_on_detail(
        request,
        pk,
        CheckForm,
        "check",
        lambda volunteer, form: services.check_add(
            volunteer=volunteer, form=form, user=request.user
        ),
        _("The check was recorded."),
    )


@require_POST
@permission_required("volunteers.add_certificate")
def certificate_create(request, pk: int):
    volunteer = _volunteer(request, pk)
    form = CertificateForm(request.POST, prefix="certificate")
    if not form.is_valid():
        messages.error(request, _("Give the period of the certificate."))
        return redirect(volunteer)
    try:
        certificate = services.certificate_issue(
            volunteer=volunteer,
            period_from=form.cleaned_data["period_from"],
            period_to=form.cleaned_data["period_to"],
            user=request.user,
            language=get_language(),
        )
    except services.VolunteeringError as error:
        messages.error(request, str(error))
        return redirect(volunteer)
    return redirect(certificate.document)


# --- Opportunities and shifts -------------------------------------------------------------------


def _opportunity(request, pk: int):
    return get_object_or_404(selectors.opportunities_for(request.user), pk=pk)


@permission_required("volunteers.view_opportunity")
def opportunity_list(request):
    show_closed = request.GET.get("closed") == "1"
    opportunities = selectors.opportunities_for(request.user)
    if not show_closed:
        opportunities = opportunities.filter(is_open=True)
    opportunities = (
        opportunities.select_related("organisation", "initiative", "event__initiative")
        .prefetch_related("skills")
        .annotate(
            upcoming_shifts=Count("shifts", filter=Q(shifts__ends_at__gte=timezone.now())),
            places_left=Sum("shifts__needed", filter=Q(shifts__ends_at__gte=timezone.now()))
            - Sum("shifts__assigned_count", filter=Q(shifts__ends_at__gte=timezone.now())),
        )
        .order_by("title", "pk")
    )
    page = Paginator(opportunities, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "volunteers/opportunity_list.html",
        {"opportunities": page, "page": page, "show_closed": show_closed},
    )


@permission_required("volunteers.add_opportunity")
def opportunity_create(request):
    initial = {}
    event_ids = int_list([request.GET.get("event")])
    if event_ids:
        event = (
            selectors.events_for(request.user)
            .filter(pk=event_ids[0])
            .select_related("initiative")
            .first()
        )
        if event:
            initial = {"event": event, "initiative": event.initiative, "title": event.display_title}
    form = OpportunityForm(
        request.POST or None,
        organisations=selectors.organisations_for(request.user),
        initiatives=selectors.initiatives_for(request.user),
        events=selectors.events_for(request.user),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        opportunity = form.save()
        return redirect(opportunity)
    return render(request, "volunteers/opportunity_form.html", {"form": form})


@permission_required("volunteers.change_opportunity")
def opportunity_edit(request, pk: int):
    opportunity = _opportunity(request, pk)
    form = OpportunityForm(
        request.POST or None,
        instance=opportunity,
        organisations=selectors.organisations_for(request.user),
        initiatives=selectors.initiatives_for(request.user),
        events=selectors.events_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect(opportunity)
    return render(
        request, "volunteers/opportunity_form.html", {"form": form, "opportunity": opportunity}
    )


@permission_required("volunteers.view_opportunity")
def opportunity_detail(request, pk: int):
    opportunity = get_object_or_404(
        selectors.opportunities_for(request.user)
        .select_related("organisation", "initiative", "event")
        .prefetch_related(
            "skills",
            Prefetch(
                "shifts",
                queryset=Shift.objects.prefetch_related(
                    Prefetch("assignments", queryset=Assignment.objects.select_related("volunteer"))
                ),
            ),
        ),
        pk=pk,
    )
    candidates = shift_candidates(selectors.volunteers_for(request.user), opportunity).order_by(
        "last_name", "first_name"
    )
    # A drop-down while it is short (without those already on the shift); a search field
    # with suggestions beyond that.
    listed = list(candidates[: CANDIDATES_LISTED + 1])
    for shift in opportunity.shifts.all():
        shift.assigned_ids = {assignment.volunteer_id for assignment in shift.assignments.all()}
    return render(
        request,
        "volunteers/opportunity_detail.html",
        {
            "opportunity": opportunity,
            "candidates": listed if len(listed) <= CANDIDATES_LISTED else None,
            "candidates_url": reverse("autocomplete", args=[SHIFT_CANDIDATES_SOURCE])
            + f"?opportunity={opportunity.pk}",
            "shift_form": _shift_form(opportunity),
        },
    )


def _shift_form(opportunity, data=None) -> ShiftForm:
    form = ShiftForm(data)
    form.helper.form_action = reverse("volunteers:shift_create", args=[opportunity.pk])
    return form


@require_POST
@permission_required("volunteers.add_shift")
def shift_create(request, pk: int):
    opportunity = _opportunity(request, pk)
    form = ShiftForm(request.POST)
    if form.is_valid():
        form.instance.opportunity = opportunity
        form.save()
        messages.success(request, _("The shift was added."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(opportunity)


@require_POST
@permission_required("volunteers.add_assignment")
def assignment_create(request, pk: int):
    shift = get_object_or_404(
        Shift.objects.filter(opportunity__in=selectors.opportunities_for(request.user)), pk=pk
    )
    volunteer = _chosen_candidate(request, shift.opportunity)
    if volunteer is None:
        messages.error(request, _("Choose a volunteer."))
        return redirect(shift.opportunity)
    try:
        result = services.assignment_create(
            shift_id=shift.pk, volunteer=volunteer, user=request.user
        )
    except services.VolunteeringError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s is on the shift.") % {"name": volunteer})
        for warning in result.warnings:
            messages.warning(request, warning)
    return redirect(shift.opportunity)


def _chosen_candidate(request, opportunity):
    """The volunteer the assignment form names: an id (the drop-down), a picked suggestion
    ("Nowak Anna #42") or typed text that matches exactly one candidate of the shift. None
    otherwise, or when the user may not see them."""
    raw = " ".join(request.POST.get("volunteer", "").replace("\x00", "").split())[:100]
    volunteers = selectors.volunteers_for(request.user)
    picked = autocomplete.picked_id(raw)
    if picked is None and raw.isdigit():
        picked = int_list([raw])[0] if int_list([raw]) else None
    if picked is not None:
        return volunteers.filter(pk=picked).first()
    if not raw:
        return None
    found = list(
        shift_candidates(volunteers, opportunity).filter(
            autocomplete.text_query(("first_name", "last_name", "email"), raw)
        )[:2]
    )
    return found[0] if len(found) == 1 else None


@require_POST
@permission_required("volunteers.delete_assignment")
def assignment_delete(request, pk: int):
    # An anonymised volunteer's assignment (PRIVACY.md §2) is a fact of the figures: kept.
    assignment = get_object_or_404(
        Assignment.objects.filter(
            shift__opportunity__in=selectors.opportunities_for(request.user),
            volunteer__anonymised_year__isnull=True,
        ).select_related("shift__opportunity", "volunteer"),
        pk=pk,
    )
    services.assignment_delete(assignment=assignment)
    messages.success(request, _("%(name)s is off the shift.") % {"name": assignment.volunteer})
    return redirect(assignment.shift.opportunity)


# --- Hours ------------------------------------------------------------------------------------


def _hours_form(request, data=None, **kwargs):
    return HoursForm(
        data,
        volunteers=selectors.volunteers_for(request.user)
        .exclude(status=VolunteerStatus.APPLICANT)
        .order_by("last_name", "first_name"),
        opportunities=selectors.opportunities_for(request.user).order_by("title"),
        initiatives=selectors.initiatives_for(request.user),
        **kwargs,
    )


def _hours_data(cleaned) -> services.HoursData:
    return services.HoursData(
        volunteer=cleaned["volunteer"],
        date=cleaned["date"],
        quarters=cleaned["hours"],
        opportunity=cleaned.get("opportunity"),
        initiative=cleaned.get("initiative"),
        activity=cleaned.get("activity", "").strip(),
        description=cleaned.get("description", "").strip(),
        with_children=cleaned.get("with_children"),
        additional=bool(cleaned.get("additional")),
        work_kind=cleaned.get("work_kind"),
    )


def _add_hours_errors(form, failure: services.HoursErrors, *, hours_read: bool = True) -> None:
    """Every problem the rules found, beside what the form itself found; a repeat of logged
    hours asks for the confirmation (only when the hours could be read: unreadable hours
    repeat nothing)."""
    shown = {str(message) for messages_ in form.errors.values() for message in messages_}
    for problem in failure.errors.get(0, []):
        if str(problem) not in shown:
            form.add_error(None, problem)
    if hours_read and 0 in failure.duplicates:
        form.ask_additional()
        form.add_error("additional", failure.duplicates[0])


def _save_hours(form, save, *, editing: int | None = None) -> bool:
    """Validate the form and the rules together, so every problem shows at once, as in the
    weekly grid; ``save`` runs the service when all is well. Returns whether it saved.

    Hours that cannot be read are checked as a quarter of an hour (that breaks no rule of its
    own), so the form's message about them shows together with the other rules' messages."""
    valid = form.is_valid()
    if not all(form.cleaned_data.get(name) for name in ("volunteer", "date")):
        return False  # the rules cannot be checked without these; the form says what is wrong
    hours_read = bool(form.cleaned_data.get("hours"))
    cleaned = form.cleaned_data if hours_read else {**form.cleaned_data, "hours": 1}
    data = _hours_data(cleaned)
    try:
        if not valid:
            failure = services.hours_validate(entries=[data], exclude_pk=editing)
            if failure is not None:
                raise failure
            return False
        save(data)
    except services.HoursErrors as failure:
        _add_hours_errors(form, failure, hours_read=hours_read)
        return False
    return True


@permission_required("volunteers.view_hoursentry")
def hours_list(request):
    entry_filter = EntryFilter(
        request.GET,
        queryset=selectors.entries_for(request.user)
        .select_related("volunteer__organisation", "opportunity", "initiative", "logged_by")
        .order_by("-date", "volunteer__last_name", "pk"),
        request=request,
    )
    page = Paginator(entry_filter.qs, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    _entry_rows(page, request)
    return render(
        request,
        "volunteers/hours_list.html",
        {
            "filter": entry_filter,
            "page": page,
            "sum_hours": (entry_filter.qs.aggregate(quarters=Sum("quarters"))["quarters"] or 0) / 4,
        },
    )


@permission_required("volunteers.add_hoursentry")
def hours_create(request):
    form = _hours_form(request, request.POST or None)
    if request.method == "POST" and _save_hours(
        form, lambda data: services.hours_log(entries=[data], logged_by=request.user)
    ):
        messages.success(request, _("The hours were saved and wait for approval."))
        return redirect("volunteers:hours_list")
    return render(request, "volunteers/hours_form.html", {"form": form})


@permission_required("volunteers.change_hoursentry")
def hours_edit(request, pk: int):
    entry = get_object_or_404(selectors.entries_for(request.user), pk=pk)
    if entry.status == EntryStatus.APPROVED:
        messages.error(request, _("Approved hours are locked and cannot be changed."))
        return redirect("volunteers:hours_list")
    initial = {
        "volunteer": entry.volunteer,
        "date": entry.date,
        "hours": services.format_hours(entry.quarters),
        "opportunity": entry.opportunity,
        "initiative": entry.initiative,
        "activity": entry.activity,
        "work_kind": entry.work_kind_id,
        "with_children": {True: "yes", False: "no"}.get(entry.with_children, ""),
        "description": entry.description,
    }
    form = _hours_form(request, request.POST or None, initial=initial, editing=True)
    if request.method == "POST":
        try:
            saved = _save_hours(
                form,
                lambda data: services.hours_update(entry=entry, data=data),
                editing=entry.pk,
            )
        except services.VolunteeringError as error:
            messages.error(request, str(error))
            return redirect("volunteers:hours_list")
        if saved:
            messages.success(request, _("The hours were changed and wait for approval."))
            return redirect("volunteers:hours_list")
    return render(request, "volunteers/hours_form.html", {"form": form, "entry": entry})


def _week_start(value: str | None) -> datetime.date:
    """The Monday of the week given as shown ("23–29 Nov 2026", "23–29.11.2026"), as one of its
    days or as an ISO week (``2026-W47``, older links). Without a week: coordinators log at the
    end of a week, so early in the week (Monday, Tuesday) the grid opens on the week that just
    ended."""
    today = timezone.localdate()
    monday = parse_week(value or "")
    if monday is not None and 2000 <= monday.year <= 2100:
        return monday
    monday = today - datetime.timedelta(days=today.weekday())
    return monday - datetime.timedelta(days=7) if today.weekday() <= 1 else monday


def _week_query(monday, organisation, organisations) -> QueryDict:
    """The address's query of a week of the grid (its page links keep it, after a POST too)."""
    query = QueryDict(mutable=True)
    query["week"] = monday.isoformat()
    if organisation and len(organisations) > 1:
        query["organisation"] = organisation.pk
    return query


@permission_required("volunteers.add_hoursentry")
def hours_week(request):
    """The weekly grid: a row per active volunteer, a column per day, one submit; a page of
    :data:`GRID_PAGE_SIZE` volunteers at a time (each page saved on its own)."""
    typed_week = (request.GET.get("week") or request.POST.get("week") or "").strip()
    monday = _week_start(typed_week)
    week_error = ""
    if typed_week and parse_week(typed_week) != monday:
        week_error = _(
            "“%(value)s” is not a week: type it as %(example)s or as one of its days."
        ) % {
            "value": typed_week[:40],
            "example": week_label(monday),
        }
    days = selectors.week_days(monday)
    organisations = _organisations(request)
    chosen = request.GET.get("organisation") or request.POST.get("organisation")
    organisation = next((o for o in organisations if str(o.pk) == chosen), None) or (
        organisations[0] if organisations else None
    )
    in_grid = (
        selectors.volunteers_for(request.user)
        .filter(
            organisation=organisation, status__in=[VolunteerStatus.ACTIVE, VolunteerStatus.PAUSED]
        )
        .order_by("last_name", "first_name", "pk")
    )
    grid_page = Paginator(in_grid, GRID_PAGE_SIZE).get_page(
        request.GET.get("page") or request.POST.get("page")
    )
    volunteers = list(grid_page)
    if request.method == "POST":
        # The rows typed in, even if the page's slice moved since it was shown (a volunteer
        # added or gone): hours typed for a volunteer of the grid are never dropped.
        shown = {volunteer.pk for volunteer in volunteers}
        typed = set(
            int_list(
                key.split("-")[1]
                for key in list(request.POST)[: GRID_PAGE_SIZE * 7 * 3]
                if key.startswith("h-") and key.count("-") >= 2
            )
        )
        if typed - shown:
            volunteers = list(in_grid.filter(pk__in=shown | typed))
    opportunities = list(
        selectors.opportunities_for(request.user)
        .filter(organisation=organisation)
        .order_by("title")
    )
    values: dict[str, str] = {}
    cell_errors: dict[str, list[str]] = {}
    cell_duplicates: dict[str, str] = {}
    activity = request.POST.get("activity", "").strip()[:200]
    opportunity_id = request.POST.get("opportunity", "")
    opportunity = next((o for o in opportunities if str(o.pk) == opportunity_id), None)
    work_kinds = list(offered_work_kinds())
    work_kind_id = request.POST.get("work_kind", "")
    work_kind = next((k for k in work_kinds if str(k.pk) == work_kind_id), None)
    with_children_raw = request.POST.get("with_children", "")
    with_children = parse_with_children(with_children_raw)
    additional = {key[2:] for key in request.POST if key.startswith("a-h-")}
    general_errors: list[str] = []
    if request.method == "POST":
        entries: list[tuple[str, services.HoursData]] = []
        for volunteer in volunteers:
            for day in days:
                key = f"h-{volunteer.pk}-{day.isoformat()}"
                raw = request.POST.get(key, "").strip()
                if not raw:
                    continue
                values[key] = raw[:10]
                try:
                    quarters = parse_quarters(raw)
                except ValidationError as error:
                    cell_errors[key] = list(error.messages)
                    # The other rules are still checked for this cell, with the hours that
                    # cannot break them, so that every problem shows at once.
                    quarters = 1
                entries.append(
                    (
                        key,
                        services.HoursData(
                            volunteer=volunteer,
                            date=day,
                            quarters=quarters,
                            opportunity=opportunity,
                            activity=activity,
                            with_children=with_children,
                            additional=key in additional,
                            work_kind=work_kind,
                        ),
                    )
                )
        # Problems of the work itself are said once, above the grid, not in every cell.
        work_problems = {services.no_work_message(), services.children_undeclared_message()}
        if not activity and not opportunity:
            general_errors.append(
                _("Say what the work was: choose an opportunity or describe it in a few words.")
            )
        elif opportunity is None and with_children is None:
            general_errors.append(services.children_undeclared_message())
        if not entries:
            general_errors.append(_("Type the hours in at least one cell."))
        parsed = [(key, data) for key, data in entries if key not in cell_errors]
        unreadable = {key for key, _data in entries if key in cell_errors}
        try:
            if cell_errors or general_errors:
                failure = services.hours_validate(entries=[data for _key, data in entries])
                if failure is not None:
                    raise failure
            else:
                services.hours_log(entries=[data for _key, data in parsed], logged_by=request.user)
        except services.HoursErrors as failure:
            for index, problems in failure.errors.items():
                key = entries[index][0]
                kept = [problem for problem in problems if problem not in work_problems]
                if kept:
                    cell_errors.setdefault(key, []).extend(kept)
            for index, warning in failure.duplicates.items():
                key = entries[index][0]
                if key not in unreadable:
                    cell_duplicates[key] = warning
        else:
            if not cell_errors and not general_errors:
                total = sum(data.quarters for _key, data in parsed)
                messages.success(
                    request,
                    ngettext(
                        "Saved %(count)s entry, %(hours)s; it waits for approval.",
                        "Saved %(count)s entries, %(hours)s in all; they wait for approval.",
                        len(parsed),
                    )
                    % {"count": len(parsed), "hours": services.hours_text(total)},
                )
                query = _week_query(monday, organisation, organisations)
                if grid_page.number > 1:
                    query["page"] = grid_page.number
                return redirect(reverse("volunteers:hours_week") + "?" + query.urlencode())
    logged = selectors.week_grid(volunteers, monday)
    rows = [
        {
            "volunteer": volunteer,
            "cells": [
                {
                    "key": f"h-{volunteer.pk}-{day.isoformat()}",
                    "day": day,
                    "value": values.get(f"h-{volunteer.pk}-{day.isoformat()}", ""),
                    "errors": cell_errors.get(f"h-{volunteer.pk}-{day.isoformat()}", []),
                    "duplicate": cell_duplicates.get(f"h-{volunteer.pk}-{day.isoformat()}", ""),
                    "additional": f"h-{volunteer.pk}-{day.isoformat()}" in additional,
                    "logged": logged.get((volunteer.pk, day), []),
                    "future": day > timezone.localdate(),
                }
                for day in days
            ],
        }
        for volunteer in volunteers
    ]
    return render(
        request,
        "volunteers/hours_week.html",
        {
            "rows": rows,
            "days": days,
            "monday": monday,
            "week": monday.isoformat(),
            "grid_page": grid_page,
            "page_query": _week_query(monday, organisation, organisations),
            "week_error": week_error,
            "week_hint": week_label(monday - datetime.timedelta(days=7)),
            "previous_week": (monday - datetime.timedelta(days=7)).isoformat(),
            "next_week": (monday + datetime.timedelta(days=7)).isoformat(),
            "organisation": organisation,
            "organisations": organisations,
            "opportunities": opportunities,
            "activity": activity,
            "opportunity_id": opportunity_id,
            "work_kinds": work_kinds,
            "work_kind_id": work_kind_id,
            "general_errors": general_errors,
            "with_children": with_children_raw,
            "with_children_choices": WITH_CHILDREN_CHOICES,
            "error_count": len(cell_errors) + len(general_errors) + len(cell_duplicates),
            "cell_errors": [
                (row["volunteer"], cell)
                for row in rows
                for cell in row["cells"]
                if cell["errors"] or cell["duplicate"]
            ],
        },
    )


@permission_required("volunteers.add_hoursentry")
def hours_import(request):
    form = HoursImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = hours_csv.import_hours(
            form.cleaned_data["file"].read(),
            volunteers=selectors.volunteers_for(request.user),
            opportunities=selectors.opportunities_for(request.user),
            user=request.user,
            repeated=form.cleaned_data["repeated"],
        )
        if result.ok:
            if result.created or not result.skipped:  # every row left out: the warning says it
                messages.success(
                    request,
                    ngettext(
                        "Imported %(count)s entry; it waits for approval.",
                        "Imported %(count)s entries; they wait for approval.",
                        result.created,
                    )
                    % {"count": result.created},
                )
            if result.skipped:
                messages.warning(
                    request,
                    ngettext(
                        "Left out %(count)s row identical to hours already logged: %(rows)s",
                        "Left out %(count)s rows identical to hours already logged: %(rows)s",
                        result.skipped,
                    )
                    % {"count": result.skipped, "rows": " ".join(result.duplicates)},
                )
            return redirect("volunteers:hours_list")
    return render(
        request,
        "volunteers/hours_import.html",
        {"form": form, "result": result, "columns": hours_csv.COLUMNS},
    )


# --- OPS: approval, totals, exports, settings ---------------------------------------------------


@permission_required("volunteers.approve_hoursentry")
def approval(request):
    if request.method == "POST":
        decision_form = DecisionForm(request.POST)
        ids = int_list(request.POST.getlist("entry"))[: QUEUE_PAGE_SIZE * 5]
        action = request.POST.get("action")
        approve = action == "approve"
        back = reverse("volunteers:approval") + "?" + request.POST.get("query", "")[:500]
        if action not in ("approve", "reject"):
            messages.error(request, _("Choose whether to approve or reject the ticked entries."))
            return redirect(back)
        if not ids:
            messages.error(request, _("Tick the entries to approve or reject."))
            return redirect(back)
        scoped = list(
            selectors.entries_for(request.user, with_anonymised=True)
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        )
        decision_form.is_valid()
        try:
            decision = services.entries_decide(
                entry_ids=scoped,
                approve=approve,
                reason=decision_form.cleaned_data.get("reason", ""),
                user=request.user,
            )
        except services.VolunteeringError as error:
            messages.error(request, str(error))
            return redirect(back)
        if approve:
            text = ngettext(
                "Approved %(count)s entry.", "Approved %(count)s entries.", decision.changed
            )
        else:
            text = ngettext(
                "Rejected %(count)s entry.", "Rejected %(count)s entries.", decision.changed
            )
        messages.success(request, text % {"count": decision.changed})
        for problem in decision.blocked:
            messages.error(
                request, _("Not approved, left in the queue: %(problem)s") % {"problem": problem}
            )
        if decision.skipped:
            messages.warning(
                request,
                ngettext(
                    "%(count)s entry had already been decided by someone else and was left "
                    "as it was.",
                    "%(count)s entries had already been decided by someone else and were left "
                    "as they were.",
                    decision.skipped,
                )
                % {"count": decision.skipped},
            )
        return redirect(back)
    data = request.GET.copy()
    data.setdefault("status", EntryStatus.SUBMITTED)
    # Hours an anonymised volunteer (PRIVACY.md §2) submitted before the erasure still wait
    # for a decision (the digest counts them): shown as "Anonymised volunteer".
    entry_filter = EntryFilter(
        data,
        queryset=selectors.entries_for(request.user, with_anonymised=True)
        .select_related("volunteer__organisation", "opportunity", "initiative", "logged_by")
        .order_by("date", "volunteer__last_name", "pk"),
        request=request,
    )
    page = Paginator(entry_filter.qs, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    _entry_rows(page, request, selectable=True)
    return render(
        request,
        "volunteers/approval.html",
        {
            "filter": entry_filter,
            "page": page,
            "sum_hours": (entry_filter.qs.aggregate(quarters=Sum("quarters"))["quarters"] or 0) / 4,
            "query": request.GET.urlencode(),
            "decision_form": DecisionForm(),
        },
    )


@permission_required("volunteers.view_hoursentry")
def totals(request):
    # The totals are the figures' hours: anonymised volunteers' too, as one row (PRIVACY.md §2).
    entry_filter = EntryFilter(
        request.GET,
        queryset=selectors.entries_for(request.user, with_anonymised=True),
        request=request,
    )
    entry_filter.filters.pop("status", None)
    volunteer_page = Paginator(
        selectors.VolunteerTotals(entry_filter.qs), TOTALS_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    detail_url = _url_of_each("volunteers:volunteer_detail")
    for row in volunteer_page:
        row["detail_url"] = detail_url(row["volunteer_id"]) if row["volunteer_id"] else ""
    return render(
        request,
        "volunteers/totals.html",
        {
            "filter": entry_filter,
            "volunteer_page": volunteer_page,
            "page": volunteer_page,
            "by_volunteer": volunteer_page.object_list,
            **selectors.totals_summary(entry_filter.qs),
        },
    )


@permission_required("volunteers.view_hoursentry")
def export(request, what: str):
    # The totals count anonymised volunteers' hours as one row; the entries are people's.
    entry_filter = EntryFilter(
        request.GET,
        queryset=selectors.entries_for(request.user, with_anonymised=what == "totals"),
        request=request,
    )
    stamp = timezone.localdate().isoformat()
    if what == "totals":
        entry_filter.filters.pop("status", None)
        data = selectors.totals(entry_filter.qs)
        header, rows = (
            [_("Volunteer"), _("Organisation"), _("Entries"), _("Hours"), _("Value (zł)")],
            (
                [
                    f"{row['volunteer__first_name']} {row['volunteer__last_name']}".strip(),
                    row["volunteer__organisation__name"],
                    row["entries"],
                    services.csv_hours(row["quarters"]),
                    f"{row['value']:.2f}".replace(".", ","),
                ]
                for row in data["by_volunteer"]
            ),
        )
        filename = f"wolontariat-podsumowanie-{stamp}.csv"
    elif what == "entries":
        header, rows = (
            [
                _("Date"),
                _("Volunteer"),
                _("Organisation"),
                _("Hours"),
                _("Activity"),
                _("Description"),
                _("Status"),
                _("Reason for rejecting"),
            ],
            (
                [
                    entry.date.isoformat(),
                    str(entry.volunteer),
                    entry.volunteer.organisation.name,
                    services.csv_hours(entry.quarters),
                    entry.activity_label,
                    entry.description,
                    entry.get_status_display(),
                    entry.reject_reason,
                ]
                for entry in entry_filter.qs.select_related(
                    "volunteer__organisation", "opportunity", "initiative"
                )
                .order_by("date", "pk")
                .iterator(chunk_size=2000)
            ),
        )
        filename = f"wolontariat-godziny-{stamp}.csv"
    else:
        raise Http404
    record_access(request.user, Access.EXPORT, detail=f"volunteers.{what}")
    return csv_stream_response(header, rows, filename)


@permission_required("volunteers.change_volunteeringsettings")
def settings_edit(request):
    form = SettingsForm(request.POST or None, instance=VolunteeringSettings.current())
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The settings were saved."))
        return redirect("volunteers:totals")
    return render(request, "volunteers/settings.html", {"form": form})


# --- The rate table and the kinds of work ------------------------------------------------------


@permission_required("volunteers.view_volunteerrate")
def rates(request):
    """The dated rate table of the value of volunteer work (newest first, paginated) and the
    kinds of work; OPS staff add a rate (a rate in effect is never changed: a new one is a new
    row) or a kind of work."""
    which = request.POST.get("form") if request.method == "POST" else None
    rate_form = RateForm(request.POST if which == "rate" else None, prefix="rate")
    kind_form = WorkKindForm(request.POST if which == "kind" else None, prefix="kind")
    if which == "rate":
        if not request.user.has_perm("volunteers.add_volunteerrate"):
            raise PermissionDenied
        if rate_form.is_valid():
            services.rate_add(form=rate_form, user=request.user)
            messages.success(request, _("The rate was added."))
            return redirect("volunteers:rates")
    elif which == "kind":
        if not request.user.has_perm("volunteers.add_workkind"):
            raise PermissionDenied
        if kind_form.is_valid():
            kind_form.save()
            messages.success(request, _("The kind of work was added."))
            return redirect("volunteers:rates")
    elif which is not None:
        messages.error(request, _("Choose what to add."))
    history = VolunteerRate.objects.select_related("work_kind", "created_by").order_by(
        "-valid_from", "work_kind__name", "-pk"
    )
    page = Paginator(history, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "volunteers/rates.html",
        {
            "page": page,
            "today": timezone.localdate(),
            "rate_form": rate_form,
            "kind_form": kind_form,
            "kinds": WorkKind.objects.order_by("name"),
        },
    )


@require_POST
@permission_required("volunteers.delete_volunteerrate")
def rate_delete(request, pk: int):
    rate = get_object_or_404(VolunteerRate, pk=pk)
    try:
        services.rate_delete(rate=rate)
    except services.VolunteeringError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The rate was deleted."))
    return redirect("volunteers:rates")


@permission_required("volunteers.change_workkind")
def work_kind_edit(request, pk: int):
    kind = get_object_or_404(WorkKind, pk=pk)
    form = WorkKindForm(request.POST or None, instance=kind)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The kind of work was saved."))
        return redirect("volunteers:rates")
    return render(request, "volunteers/work_kind_form.html", {"form": form, "kind": kind})
