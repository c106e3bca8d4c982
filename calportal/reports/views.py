from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from calportal.accounts.decorators import permission_required
from calportal.reports import access, selectors, services
from calportal.reports.documents import run_dataset
from calportal.reports.figures import SCOPE_KINDS
from calportal.reports.forms import (
    NarrativeForm,
    ReportRequestForm,
    ScheduleForm,
    SoftResultForm,
    TargetsForm,
)
from calportal.reports.models import (
    IndicatorTarget,
    ReportDefinition,
    ReportKind,
    ReportRun,
    ReportSchedule,
    SoftResult,
)
from calportal.reports.registry import get_kind, is_registered, narrative_fields

PAGE_SIZE = 25

DESCRIPTIONS = {
    "R1": gettext_lazy(
        "The CAL chapter of the OPS's annual report to the council: events, participants, "
        "reach of seniors, the senior pass, volunteering, self-help groups, the map and partners, "
        "compared with the year before."
    ),
    "R5": gettext_lazy(
        "The CAL team's yearly evaluation: indicators over five years against their targets."
    ),
    "R11": gettext_lazy(
        "For an event's or an initiative's organiser: registrations, attendance and who came."
    ),
    "R12": gettext_lazy(
        "Last month against the same month a year earlier, data to check, and deadlines."
    ),
}


def reports_user_required(view):
    """Anonymous visitors are sent to log in; a user with no report at all gets 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        if not access.may_use_reports(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@reports_user_required
def index(request):
    kinds = [
        {
            "code": kind.value,
            "label": kind.label,
            "description": DESCRIPTIONS.get(kind.value) or get_kind(kind.value).description,
        }
        for kind in ReportKind
        if is_registered(kind.value) and access.allowed_variants(request.user, kind.value)
    ]
    runs = selectors.runs_page_queryset(access.visible_runs(request.user))
    page = Paginator(runs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/index.html",
        {
            "kinds": kinds,
            "runs": page,
            "page": page,
            "may_manage": request.user.has_perm("reports.view_internal_report"),
        },
    )


@reports_user_required
def new(request, kind: str):
    if kind not in ReportKind.values or not is_registered(kind):
        raise Http404
    if not access.allowed_variants(request.user, kind):
        raise PermissionDenied
    # "Prepare the report" links from a task, a project or an event choose what it is about.
    initial = {name: value for name, value in request.GET.items() if name in SCOPE_KINDS}
    form = ReportRequestForm(request.POST or None, kind=kind, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                run = services.report_request(
                    parameters=form.parameters(), requested_by=request.user
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(run)
    return render(
        request,
        "reports/new.html",
        {
            "form": form,
            "kind": ReportKind(kind),
            "description": DESCRIPTIONS.get(kind) or get_kind(kind).description,
            "offers_shared": "shared" in access.allowed_variants(request.user, kind),
        },
    )


def _worker_down(run: ReportRun) -> bool:
    """Whether the run waits for a background worker that is not running (the page says so
    instead of waiting in silence)."""
    if run.status not in {"pending", "building"}:
        return False
    from calportal.health import check_worker

    return check_worker()["status"] == "down"


def _may_change(user, run: ReportRun) -> bool:
    """Who may write a run's texts or prepare it again: OPS staff, and a partner coordinator
    their own runs; the CAL team only reads (REPORTS.md §8)."""
    return user.has_perm("reports.view_internal_report") or (
        run.requested_by_id == user.pk and user.has_perm("reports.view_own_scope_report")
    )


def _run_for(request, pk: int) -> ReportRun:
    run = get_object_or_404(
        ReportRun.objects.select_related("pdf", "xlsx", "csv", "requested_by", "official_by"),
        pk=pk,
    )
    if not access.may_read(request.user, run):
        raise Http404
    return run


@reports_user_required
def run_detail(request, pk: int):
    run = _run_for(request, pk)
    spec = get_kind(run.kind)
    if spec.on_read is not None:
        spec.on_read(request.user, run)
    narrative_form = None
    may_edit = _may_change(request.user, run)
    if spec.narrative and not run.is_official and run.status == "ready" and may_edit:
        narrative_form = NarrativeForm(fields=narrative_fields(spec), initial_texts=run.narrative)
    return _run_page(request, run, narrative_form)


def _run_page(request, run: ReportRun, narrative_form) -> HttpResponse:
    return render(
        request,
        "reports/run.html",
        {
            "run": run,
            # As the files print it: the texts typed on the run in their sections, and the
            # typed values of kinds that take them (documents.run_dataset).
            "dataset": run_dataset(run) if run.dataset else None,
            "narrative_form": narrative_form,
            "worker_down": _worker_down(run),
            "may_edit": _may_change(request.user, run),
            "may_mark_official": request.user.has_perm("reports.view_internal_report"),
        },
    )


@reports_user_required
def run_status(request, pk: int):
    run = _run_for(request, pk)
    files = run.files()
    finished = run.is_finished and all(d.is_finished for d in files)
    worker_down = _worker_down(run)
    state = "no-worker" if worker_down else "held-up" if run.is_held_up else run.status
    state += "".join(f":{d.status}" for d in files)
    return JsonResponse(
        {
            "status": run.status,
            "state": state,
            "finished": finished,
            "message": render_to_string(
                "reports/_status.html", {"run": run, "worker_down": worker_down}, request=request
            ),
        }
    )


@require_POST
@reports_user_required
def run_narrative(request, pk: int):
    run = _run_for(request, pk)
    if not _may_change(request.user, run):
        raise PermissionDenied
    spec = get_kind(run.kind)
    form = NarrativeForm(request.POST, fields=narrative_fields(spec), initial_texts=run.narrative)
    if form.is_valid():
        try:
            services.narrative_save(run=run, texts=form.texts(), by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Texts saved; the files are being prepared again."))
        return redirect(run)
    return _run_page(request, run, form)


@require_POST
@permission_required("reports.view_internal_report")
def run_official(request, pk: int):
    run = _run_for(request, pk)
    if request.POST.get("confirm") != "yes":
        messages.error(
            request,
            _("Tick the box to confirm that the report is final before marking it official."),
        )
        return redirect(run)
    try:
        services.mark_official(run=run, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report is now official and can no longer be changed."))
    return redirect(run)


@require_POST
@reports_user_required
def run_again(request, pk: int):
    run = _run_for(request, pk)
    if not _may_change(request.user, run):
        raise PermissionDenied
    new_run = services.run_again(run=run, by=request.user)
    if new_run.pk != run.pk:
        messages.success(request, _("A new version is being prepared; the official one is kept."))
    else:
        messages.success(request, _("The report is being prepared again with today's data."))
    return redirect(new_run)


@permission_required("reports.view_internal_report")
def schedule_list(request):
    return render(
        request,
        "reports/schedules.html",
        {
            "schedules": selectors.schedules(),
            "new_kinds": [(code, ReportKind(code).label) for code in scheduled_kinds()],
        },
    )


def scheduled_kinds() -> list[str]:
    """The kinds a schedule can be made for, in the catalogue's order (R11 is about one event:
    it follows the event instead)."""
    return [
        code for code in ReportKind.values if is_registered(code) and get_kind(code).schedulable
    ]


@permission_required("reports.view_internal_report")
def schedule_create(request, kind: str):
    """A new saved report definition and its schedule, in one form."""
    if kind not in scheduled_kinds():
        raise Http404
    definition = ReportDefinition(
        kind=kind,
        owner=request.user,
        title=str(ReportKind(kind).label),
        timeframe=get_kind(kind).default_timeframe,
    )
    return _schedule_form(request, ReportSchedule(definition=definition, recurrence="monthly"))


@permission_required("reports.view_internal_report")
def schedule_edit(request, pk: int):
    schedule = get_object_or_404(ReportSchedule.objects.select_related("definition"), pk=pk)
    return _schedule_form(request, schedule)


def _schedule_form(request, schedule: ReportSchedule):
    form = ScheduleForm(request.POST or None, instance=schedule, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                definition = form.apply_to_definition()
                services.definition_save(definition=definition, by=request.user)
                saved = form.save(commit=False)
                saved.definition = definition
                services.schedule_save(
                    schedule=saved, recipients=form.cleaned_data["recipients"], by=request.user
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Schedule saved."))
            return redirect("reports:schedules")
    return render(request, "reports/schedule_form.html", {"form": form, "schedule": schedule})


@permission_required("reports.view_internal_report")
def targets(request):
    from calportal.reports.kinds.effectiveness import DEFAULT_TARGETS, _rows

    rows = [(key, label) for key, label, _unit, _compute in _rows()]
    current = {**DEFAULT_TARGETS, **selectors.targets()}
    form = TargetsForm(request.POST or None, rows=rows, current=current, prefix="targets")
    soft_form = SoftResultForm(prefix="soft")
    if request.method == "POST" and "add" not in request.POST:
        if form.is_valid():
            with transaction.atomic():
                for key, value in form.cleaned_data.items():
                    if value is None:
                        IndicatorTarget.objects.filter(indicator=key).delete()
                    else:
                        IndicatorTarget.objects.update_or_create(
                            indicator=key, defaults={"target": value, "updated_by": request.user}
                        )
            messages.success(request, _("Targets saved."))
            return redirect("reports:targets")
    elif request.method == "POST" and "add" in request.POST:
        soft_form = SoftResultForm(request.POST, prefix="soft")
        form = TargetsForm(rows=rows, current=current, prefix="targets")
        if soft_form.is_valid():
            soft_form.save()
            messages.success(request, _("Result added."))
            return redirect("reports:targets")
    return render(
        request,
        "reports/targets.html",
        {"form": form, "soft_form": soft_form, "soft_results": SoftResult.objects.all()[:200]},
    )


@require_POST
@permission_required("reports.view_internal_report")
def soft_result_delete(request, pk: int):
    get_object_or_404(SoftResult, pk=pk).delete()
    messages.success(request, _("Result removed."))
    return redirect("reports:targets")
