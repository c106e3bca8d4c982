"""The DPO's area (PRIVACY.md §6): the overview, the records of processing (art. 30) with their
PDF and XLSX exports, and the data-breach register (art. 33(5)).

Who: anyone with a ``privacy.view_*`` permission reads (the DPO role and the OPS staff with the
"Data requests" role); only the latter add and change (``privacy.add_*`` / ``change_*``). The
DPO never changes anything: a POST by them is a 403, and the edit pages show them the record
read-only.
"""

import datetime
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Max, Q
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from calportal.navigation import may_read_privacy
from calportal.privacy import processing
from calportal.privacy.forms_dpo import BreachForm, ProcessingActivityForm
from calportal.privacy.models import (
    Breach,
    ConsentText,
    ErasureRecord,
    ProcessingActivity,
    RequestStatus,
    RetentionRule,
    RetentionRun,
    SubjectRequest,
)
from calportal.privacy.rules import RULES

PAGE_SIZE = 25
REPORT_WITHIN = datetime.timedelta(hours=72)  # art. 33(1)
DUE_SOON_DAYS = 7
CLOSED_REQUESTS = (RequestStatus.ANSWERED, RequestStatus.REFUSED)


def privacy_page(read: str | None, write: str | None = None):
    """Anonymous visitors are sent to log in; without ``read`` (None: any ``privacy.view_*``)
    a GET is 403; without ``write`` a POST is 403 (no ``write``: the page takes no POST)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            allowed = user.has_perm(read) if read else may_read_privacy(user)
            if request.method == "POST":
                allowed = bool(write) and user.has_perm(write)
            if not allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# -- reading -------------------------------------------------------------------------------


def subject_request_deadlines(*, today: datetime.date | None = None) -> dict:
    """Counts of the open data-subject requests (not answered or refused) by their answer date
    (the extension's when there is one): ``{"open", "overdue", "due_soon"}``, ``due_soon``
    meaning due today or in the next :data:`DUE_SOON_DAYS` days. One query."""
    today = today or timezone.localdate()
    return _open_requests().aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=Q(due__lt=today)),
        due_soon=Count(
            "pk",
            filter=Q(due__gte=today, due__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)),
        ),
    )


def _open_requests():
    return SubjectRequest.objects.exclude(status__in=CLOSED_REQUESTS).annotate(
        due=Coalesce("extended_until", "deadline")
    )


@dataclass(frozen=True)
class BreachState:
    """Where a breach stands against the 72 hours of art. 33(1)."""

    code: str  # "on_time", "late", "not_required", "pending", "overdue"
    text: str
    flagged: bool  # not reported and not explained after 72 hours
    within_72_hours: bool | None  # for a reported breach; None otherwise


def breach_state(breach: Breach, *, now: datetime.datetime | None = None) -> BreachState:
    """``reported_at - found_at <= 72 h`` is "reported in time"; a breach neither reported nor
    explained (``not_reported_reason``) 72 hours after it was found is flagged."""
    now = now or timezone.now()
    if breach.reported_at:
        taken = breach.reported_at - breach.found_at
        hours = int(taken.total_seconds() // 3600)
        if taken <= REPORT_WITHIN:
            return BreachState("on_time", _("Yes, reported within 72 hours."), False, True)
        return BreachState(
            "late",
            _("No: reported after %(hours)d hours.") % {"hours": hours},
            False,
            False,
        )
    if breach.not_reported_reason.strip():
        return BreachState("not_required", _("Not reported: the reason is recorded."), False, None)
    due = timezone.localtime(breach.report_due)
    if now <= breach.report_due:
        return BreachState(
            "pending",
            _("Not reported yet: report or record why not by %(due)s.")
            % {"due": due.strftime("%d.%m.%Y %H:%M")},
            False,
            None,
        )
    return BreachState(
        "overdue",
        _("Overdue: not reported and not explained 72 hours after it was found."),
        True,
        None,
    )


def _flagged_breaches(now):
    return Q(reported_at=None, not_reported_reason="", found_at__lt=now - REPORT_WITHIN)


@require_GET
@privacy_page(None)
def dpo_overview(request):
    """The DPO's page: requests with their deadlines, retention, the registers, erasures and
    consent texts — each part only for who may read it. A fixed number of queries."""
    user = request.user
    today = timezone.localdate()
    now = timezone.now()
    context = {"today": today, "due_soon_days": DUE_SOON_DAYS}
    if user.has_perm("privacy.view_subjectrequest"):
        context["request_counts"] = subject_request_deadlines(today=today)
        requests = list(_open_requests().order_by("due", "pk")[:20])
        for item in requests:
            item.overdue = item.due < today
            item.due_soon = not item.overdue and (item.due - today).days <= DUE_SOON_DAYS
        context["open_requests"] = requests
    if user.has_perm("privacy.view_retentionrun"):
        context["last_run"] = RetentionRun.objects.filter(dry_run=False).first()
        context["last_dry_run"] = RetentionRun.objects.filter(dry_run=True).first()
        for run in (context["last_run"], context["last_dry_run"]):
            if run is not None:
                run.lines = _run_lines(run)
    if user.has_perm("privacy.view_processingactivity"):
        context["activity_count"] = ProcessingActivity.objects.count()
        context["hosts_without_row"] = processing.volunteer_hosts_without_row()
    if user.has_perm("privacy.view_erasurerecord"):
        context["erasure_count"] = ErasureRecord.objects.count()
        context["erasures"] = list(
            ErasureRecord.objects.select_related("request", "performed_by")[:5]
        )
    if user.has_perm("privacy.view_breach"):
        context["breach_counts"] = Breach.objects.aggregate(
            total=Count("pk"),
            flagged=Count("pk", filter=_flagged_breaches(now)),
            latest=Max("found_at"),
        )
        breaches = list(Breach.objects.all()[:5])
        for breach in breaches:
            breach.state = breach_state(breach, now=now)
        context["breaches"] = breaches
    if user.has_perm("privacy.view_consenttext"):
        context["consent_counts"] = ConsentText.objects.aggregate(
            total=Count("pk"),
            in_force=Count(
                "pk",
                filter=Q(valid_from__lte=now) & (Q(valid_to=None) | Q(valid_to__gt=now)),
            ),
        )
    return render(request, "privacy/dpo_overview.html", context)


def _run_lines(run: RetentionRun) -> list[tuple[str, int]]:
    """A run's counts as (the rule's data kind, count), in the order of the retention table."""
    order = list(RULES)
    codes = sorted(run.counts, key=lambda c: order.index(c) if c in order else len(order))
    return [(str(RULES[c].data) if c in RULES else c, run.counts[c]) for c in codes]


# -- records of processing (art. 30) -------------------------------------------------------


@require_GET
@privacy_page("privacy.view_processingactivity")
def processing_list(request):
    """The register as a table, one row per activity (three queries whatever the rows)."""
    context = processing.register_context()
    context["hosts_without_row"] = processing.volunteer_hosts_without_row()
    return render(request, "privacy/processing_list.html", context)


@require_GET
@privacy_page("privacy.view_processingactivity")
def processing_pdf(request):
    """The register as a PDF (A4 landscape), rendered now: it is short and holds no one's
    personal data, and the DPO (who may not POST) must be able to take it."""
    response = HttpResponse(processing.register_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = _attachment("pdf")
    return response


@require_GET
@privacy_page("privacy.view_processingactivity")
def processing_xlsx(request):
    response = HttpResponse(
        processing.register_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = _attachment("xlsx")
    return response


def _attachment(extension: str) -> str:
    name = f"rejestr-czynnosci-przetwarzania-{timezone.localdate():%Y-%m-%d}.{extension}"
    return f'attachment; filename="{name}"'


@privacy_page("privacy.add_processingactivity", "privacy.add_processingactivity")
def processing_create(request):
    """A new row; ``?volunteers_of=<name>`` starts from the default volunteer row of that host
    organisation (the list offers it for every host without a row)."""
    initial = {
        "controller": processing.CONTROLLER,
        "security_measures": processing.SECURITY,
        "transfers": "brak",
    }
    host = request.GET.get("volunteers_of", "").strip()[:200]
    if host and host in processing.volunteer_hosts_without_row():
        values = processing.volunteer_activity(host)
        codes = values.pop("rules")
        initial.update(values)
        initial["retention_rules"] = list(
            RetentionRule.objects.filter(code__in=codes).values_list("pk", flat=True)
        )
    return _processing_form(request, ProcessingActivity(), initial)


@privacy_page("privacy.view_processingactivity", "privacy.change_processingactivity")
def processing_edit(request, pk: int):
    activity = get_object_or_404(ProcessingActivity, pk=pk)
    return _processing_form(request, activity, {})


def _processing_form(request, activity: ProcessingActivity, initial: dict):
    permission = "change" if activity.pk else "add"
    read_only = not request.user.has_perm(f"privacy.{permission}_processingactivity")
    data = request.POST if request.method == "POST" else None
    form = ProcessingActivityForm(data, instance=activity, initial=initial, read_only=read_only)
    if data is not None and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("The register is saved."))
        return redirect("privacy:processing_list")
    return render(
        request,
        "privacy/processing_form.html",
        {"form": form, "activity": activity if activity.pk else None, "read_only": read_only},
    )


# -- data-breach register (art. 33(5)) -----------------------------------------------------


@require_GET
@privacy_page("privacy.view_breach")
def breach_list(request):
    """Every breach, newest found first, with where it stands against the 72 hours; the
    overdue ones are counted above the table. Three queries whatever the page."""
    now = timezone.now()
    page = Paginator(Breach.objects.select_related("recorded_by"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for breach in page:
        breach.state = breach_state(breach, now=now)
    flagged = Breach.objects.filter(_flagged_breaches(now)).count()
    return render(request, "privacy/breach_list.html", {"page": page, "flagged": flagged})


@privacy_page("privacy.add_breach", "privacy.add_breach")
def breach_create(request):
    return _breach_form(request, Breach(recorded_by=request.user))


@privacy_page("privacy.view_breach", "privacy.change_breach")
def breach_edit(request, pk: int):
    breach = get_object_or_404(Breach, pk=pk)
    return _breach_form(request, breach)


def _breach_form(request, breach: Breach):
    permission = "change" if breach.pk else "add"
    read_only = not request.user.has_perm(f"privacy.{permission}_breach")
    data = request.POST if request.method == "POST" else None
    form = BreachForm(data, instance=breach, read_only=read_only)
    if data is not None and form.is_valid():
        with transaction.atomic():
            saved = form.save()
        state = breach_state(saved)
        messages.success(request, _("The breach is recorded.") + " " + state.text)
        return redirect("privacy:breach_list")
    return render(
        request,
        "privacy/breach_form.html",
        {
            "form": form,
            "breach": breach if breach.pk else None,
            "state": breach_state(breach) if breach.pk else None,
            "read_only": read_only,
        },
    )
