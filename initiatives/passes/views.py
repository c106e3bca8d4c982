"""Pages of „Śremski Przyjaciel Seniora”: public, staff, and the venue counter."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from calportal.accounts.decorators import permission_required
from calportal.audit.models import Access
from calportal.audit.services import record_access
from calportal.documents.services import document_request
from calportal.parsing import int_list
from calportal.public_forms import public_form_accepted
from initiatives.forms import residence_initial_for
from initiatives.passes import selectors, services
from initiatives.passes.documents import CARDS_PER_SHEET
from initiatives.passes.filters import PassFilter, RedemptionFilter
from initiatives.passes.forms import (
    ApplicationForm,
    IssueForm,
    NumberForm,
    ProgrammeSettingsForm,
    RejectForm,
    StatusForm,
    VenueForm,
)
from initiatives.passes.models import (
    ApplicationStatus,
    PartnerVenue,
    PassApplication,
    PassStatus,
    ProgrammeSettings,
    Redemption,
    SeniorPass,
)
from initiatives.services import PersonData

PAGE_SIZE = 25


# --- Public -----------------------------------------------------------------------------------


def programme(request):
    venues = list(selectors.venues_public())
    points = [
        {
            "name": venue.name,
            "address": venue.address,
            "lat": float(venue.latitude),
            "lng": float(venue.longitude),
        }
        for venue in venues
        if venue.latitude is not None and venue.longitude is not None
    ]
    return render(
        request,
        "passes/programme.html",
        {"programme": ProgrammeSettings.current(), "venues": venues, "map_points": points},
    )


def apply(request):
    form = ApplicationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        accepted, status = public_form_accepted(
            request,
            form,
            group="passes.apply",
            limit_message=_(
                "Too many applications from your connection. "
                "Please try again in a while or call us."
            ),
        )
        if accepted:
            data = form.cleaned_data
            try:
                services.application_create(
                    person=PersonData.from_data(data),
                    call_back=data["call_back"],
                    message=data["message"],
                )
            except services.PassError as error:
                form.add_error(None, str(error))
            else:
                thanks = reverse("passes:applied")
                return redirect(thanks + ("?call_back=1" if data["call_back"] else ""))
    return render(
        request,
        "passes/apply.html",
        {"form": form, "programme": ProgrammeSettings.current()},
        status=status,
    )


def applied(request):
    return render(
        request, "passes/applied.html", {"call_back": request.GET.get("call_back") == "1"}
    )


# --- Staff ------------------------------------------------------------------------------------


@permission_required("initiatives.view_passapplication")
def application_list(request):
    """The applications waiting for a decision, oldest first, a page at a time."""
    applications = PassApplication.objects.filter(status=ApplicationStatus.NEW).order_by(
        "created_at", "pk"
    )
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    record_access(request.user, Access.PASS_APPLICATIONS)
    return render(request, "passes/application_list.html", {"page": page})


@permission_required("initiatives.add_seniorpass")
def application_issue(request, pk: int):
    application = get_object_or_404(PassApplication, pk=pk, status=ApplicationStatus.NEW)
    initial = {
        field: getattr(application, field)
        for field in ("first_name", "last_name", "birth_year", "district", "phone", "email")
    }
    initial["residence"] = residence_initial_for(application.district)
    return _issue(request, initial=initial, application=application)


@require_POST
@permission_required("initiatives.change_passapplication")
def application_reject(request, pk: int):
    application = get_object_or_404(PassApplication, pk=pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for rejecting the application."))
        return redirect("passes:application_list")
    try:
        services.application_reject(
            application=application, reason=form.cleaned_data["reason"], handled_by=request.user
        )
    except services.PassError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The application was rejected."))
    return redirect("passes:application_list")


@permission_required("initiatives.add_seniorpass")
def pass_issue(request):
    return _issue(request, initial={}, application=None)


def _issue(request, *, initial: dict, application):
    form = IssueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            senior_pass = services.pass_issue(
                person=PersonData.from_data(data),
                issued_by=request.user,
                application=application,
            )
        except services.PassError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Pass %(number)s issued.") % {"number": senior_pass.number})
            return redirect(senior_pass)
    return render(request, "passes/issue.html", {"form": form, "application": application})


@permission_required("initiatives.view_seniorpass")
def pass_list(request):
    # Pass holders are people: the pieces of anonymised holders' passes (PRIVACY.md §2) only
    # feed the figures and the programme's statistics.
    pass_filter = PassFilter(
        request.GET,
        queryset=selectors.passes_with_use(
            SeniorPass.objects.identifiable().order_by("-issued_on", "-number")
        ),
    )
    page = Paginator(pass_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    record_access(request.user, Access.PASS_HOLDERS)
    return render(
        request,
        "passes/pass_list.html",
        {"filter": pass_filter, "page": page, "cards_per_sheet": CARDS_PER_SHEET},
    )


@permission_required("initiatives.view_seniorpass")
def pass_detail(request, pk: int):
    senior_pass = get_object_or_404(
        selectors.passes_with_use(SeniorPass.objects.identifiable().select_related("replaced_by")),
        pk=pk,
    )
    redemptions = senior_pass.redemptions.select_related("venue")[:20]
    record_access(request.user, Access.PASS_HOLDER, senior_pass)
    return render(
        request,
        "passes/pass_detail.html",
        {
            "senior_pass": senior_pass,
            "redemptions": redemptions,
            "programme": ProgrammeSettings.current(),
            "status_form": StatusForm(),
        },
    )


@require_POST
@permission_required("initiatives.change_seniorpass")
def pass_action(request, pk: int, action: str):
    senior_pass = get_object_or_404(SeniorPass.objects.identifiable(), pk=pk)
    form = StatusForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if action == "replace":
            new = services.pass_replace(senior_pass=senior_pass, issued_by=request.user, note=note)
            messages.success(
                request,
                _("The old pass no longer works. New pass: %(number)s.") % {"number": new.number},
            )
            return redirect(new)
        status = {
            "suspend": PassStatus.SUSPENDED,
            "reactivate": PassStatus.ACTIVE,
            "revoke": PassStatus.REVOKED,
        }.get(action)
        if status is None:
            raise services.PassError(_("Unknown action."))
        services.pass_set_status(
            senior_pass=senior_pass, status=status, note=note, changed_by=request.user
        )
        messages.success(request, _("Pass %(number)s: saved.") % {"number": senior_pass.number})
    except services.PassError as error:
        messages.error(request, str(error))
    return redirect(senior_pass)


@require_POST
@permission_required("initiatives.view_seniorpass")
def pass_print(request, pk: int):
    senior_pass = get_object_or_404(SeniorPass.objects.identifiable(), pk=pk)
    if senior_pass.status != PassStatus.ACTIVE:
        messages.error(request, _("Only an active pass can be printed."))
        return redirect(senior_pass)
    layout = "sheet" if request.POST.get("layout") == "sheet" else "card"
    document = document_request(
        kind="passes.cards",
        params={"pass_ids": [senior_pass.pk], "layout": layout},
        title=_("Pass %(number)s") % {"number": senior_pass.number},
        requested_by=request.user,
        language=get_language(),
    )
    return redirect(document)


@require_POST
@permission_required("initiatives.view_seniorpass")
def pass_print_sheet(request):
    ids = int_list(request.POST.getlist("pass"))[:100]
    active = list(
        SeniorPass.objects.identifiable()
        .filter(pk__in=ids, status=PassStatus.ACTIVE)
        .values_list("pk", flat=True)
    )
    if not active:
        messages.error(request, _("Choose at least one active pass to print."))
        return redirect("passes:pass_list")
    document = document_request(
        kind="passes.cards",
        params={"pass_ids": active, "layout": "sheet"},
        title=_("Passes to print (%(count)s)") % {"count": len(active)},
        requested_by=request.user,
        language=get_language(),
    )
    return redirect(document)


@permission_required("initiatives.view_partnervenue")
def venue_list(request):
    return render(
        request,
        "passes/venue_list.html",
        {
            "venues": PartnerVenue.objects.select_related("organisation"),
            "today": timezone.localdate(),
        },
    )


@permission_required("initiatives.add_partnervenue")
def venue_create(request):
    return _venue_form(request, PartnerVenue())


@permission_required("initiatives.change_partnervenue")
def venue_edit(request, pk: int):
    return _venue_form(request, get_object_or_404(PartnerVenue, pk=pk))


def _venue_form(request, venue: PartnerVenue):
    form = VenueForm(request.POST or None, instance=venue)
    if request.method == "POST" and form.is_valid():
        services.venue_save(form=form)
        messages.success(request, _("Venue saved."))
        return redirect("passes:venue_list")
    return render(
        request, "passes/venue_form.html", {"form": form, "venue": venue if venue.pk else None}
    )


@permission_required("initiatives.change_programmesettings")
def programme_settings(request):
    form = ProgrammeSettingsForm(request.POST or None, instance=ProgrammeSettings.current())
    if request.method == "POST" and form.is_valid():
        services.programme_settings_save(form=form)
        messages.success(request, _("Changes saved."))
        return redirect("passes:statistics")
    return render(request, "passes/settings.html", {"form": form})


@permission_required("initiatives.view_redemption")
def redemption_list(request):
    """Staff see every venue's redemptions; venue staff only their own (on the counter)."""
    redemption_filter = RedemptionFilter(
        request.GET,
        queryset=Redemption.objects.select_related("venue", "senior_pass__holder", "recorded_by"),
    )
    page = Paginator(redemption_filter.qs, 50).get_page(request.GET.get("page"))
    return render(
        request, "passes/redemption_list.html", {"filter": redemption_filter, "page": page}
    )


@permission_required("initiatives.view_seniorpass", "initiatives.view_redemption")
def statistics(request):
    return render(request, "passes/statistics.html", selectors.programme_statistics())


# --- Venue counter ----------------------------------------------------------------------------


def _get_venue_for_user(request) -> PartnerVenue:
    """The venue the logged-in venue staff member works for; 403 for anyone else."""
    organisation = request.user.organisation
    venue = getattr(organisation, "venue", None) if organisation else None
    if venue is None or not request.user.has_perm("initiatives.add_redemption"):
        raise PermissionDenied
    return venue


@login_required
def counter(request):
    venue = _get_venue_for_user(request)
    form = NumberForm(request.GET or None)
    if request.GET and is_ratelimited(
        request, group="passes.counter", key="user", rate="120/h", method="GET", increment=True
    ):
        form.is_valid()
        form.add_error(None, _("Too many checks in a short time. Please wait a while."))
    elif request.GET and form.is_valid():
        senior_pass = services.pass_from_number(form.cleaned_data["number"])
        check = (
            services.pass_check(senior_pass=senior_pass, venue=venue)
            if senior_pass
            else services.Check(False, _("There is no pass with this number."))
        )
        return _counter_result(request, venue, check)
    return render(
        request, "passes/counter.html", {"venue": venue, "form": form, **_venue_today(venue)}
    )


def check(request, token: str):
    """The link in a pass's QR code: venue staff see the check; staff the pass; others log in."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    senior_pass = services.pass_from_token(token)
    organisation = request.user.organisation
    has_venue = organisation is not None and hasattr(organisation, "venue")
    if request.user.has_perm("initiatives.view_seniorpass") and not has_venue:
        if senior_pass is None:
            messages.error(request, _("The code is not a genuine pass: it is forged or damaged."))
            return redirect("passes:pass_list")
        return redirect(senior_pass)
    venue = _get_venue_for_user(request)
    check_result = services.pass_check(
        senior_pass=senior_pass, venue=venue, forged=senior_pass is None
    )
    return _counter_result(request, venue, check_result)


def _counter_result(request, venue, check_result):
    token = (
        services.redeem_token(senior_pass=check_result.senior_pass, venue=venue)
        if check_result.valid
        else ""
    )
    return render(
        request,
        "passes/counter_result.html",
        {"venue": venue, "check": check_result, "form": NumberForm(), "redeem_token": token},
    )


@require_POST
@login_required
def redeem(request):
    """The counter's button. Redirects afterwards, so reloading the page records nothing."""
    venue = _get_venue_for_user(request)
    data = services.redeem_token_read(request.POST.get("token", ""))
    if data is None or data.get("v") != venue.pk:
        check_result = services.Check(False, _("This check is too old: scan the pass again."))
        return _counter_result(request, venue, check_result)
    try:
        result = services.redemption_record(
            pass_id=data["p"], venue_id=venue.pk, recorded_by=request.user, nonce=data["n"]
        )
    except services.AllowanceUsedUp as error:
        check_result = services.Check(
            False,
            str(error),
            error.senior_pass,
            limit_reached=True,
            available_again=error.available_again,
        )
        return _counter_result(request, venue, check_result)
    except services.PassError as error:
        return _counter_result(request, venue, services.Check(False, str(error)))
    return redirect("passes:recorded", pk=result.redemption.pk)


@login_required
def recorded(request, pk: int):
    venue = _get_venue_for_user(request)
    redemption = get_object_or_404(
        Redemption.objects.select_related("senior_pass__holder"), pk=pk, venue=venue
    )
    check_result = services.pass_check(senior_pass=redemption.senior_pass, venue=venue)
    return render(
        request,
        "passes/redeemed.html",
        {
            "venue": venue,
            "redemption": redemption,
            "uses_left": check_result.uses_left or 0,
            "first_name": redemption.senior_pass.holder.first_name,
            "form": NumberForm(),
        },
    )


@login_required
def counter_history(request):
    venue = _get_venue_for_user(request)
    redemptions = Redemption.objects.filter(venue=venue).select_related("senior_pass")[:200]
    return render(
        request, "passes/counter_history.html", {"venue": venue, "redemptions": redemptions}
    )


def _venue_today(venue: PartnerVenue) -> dict:
    today = timezone.localdate()
    return {
        "today_count": venue.redemptions.filter(redeemed_at__date=today).count(),
        "month_count": venue.redemptions.filter(
            redeemed_at__date__gte=today.replace(day=1)
        ).count(),
    }


def check_url(senior_pass: SeniorPass) -> str:
    return settings.SITE_URL + reverse("passes:check", args=[services.pass_token(senior_pass)])
