"""OPS staff pages: projects (funding agreements), their reporting periods and indicators, R4
for a reporting period, and the restricted participant list."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calportal.accounts.decorators import permission_required
from calportal.documents.models import Document
from calportal.projects import services
from calportal.projects.documents import KIND
from calportal.projects.forms import (
    IndicatorValuesForm,
    ProjectForm,
    ProjectIndicatorFormSet,
    ReportingPeriodFormSet,
)
from calportal.projects.models import Project, ReportingPeriod

PAGE_SIZE = 25


@permission_required("projects.view_project")
def project_list(request):
    projects = Project.objects.annotate(
        initiative_count=Count("initiatives", distinct=True),
        period_count=Count("periods", distinct=True),
    ).order_by("-start", "name")
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "projects/project_list.html", {"page": page})


@permission_required("projects.view_project")
def project_detail(request, pk: int):
    project = get_object_or_404(Project, pk=pk)
    assigned = project.staff.filter(pk=request.user.pk).exists()
    lists = []
    if assigned:
        lists = Document.objects.filter(
            kind=KIND, requested_by=request.user, params__project=project.pk
        ).only("pk", "title", "status", "created_at", "params")[:10]
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "periods": project.periods.all(),
            "indicators": project.indicators.all(),
            "initiatives": project.initiatives.order_by("title").only("pk", "title"),
            "staff": project.staff.order_by("full_name").only("pk", "full_name", "email"),
            "assigned": assigned,
            "lists": lists,
        },
    )


@permission_required("projects.add_project")
def project_create(request):
    return _project_form(request, Project())


@permission_required("projects.change_project")
def project_edit(request, pk: int):
    return _project_form(request, get_object_or_404(Project, pk=pk))


def _project_form(request, project: Project):
    data = request.POST if request.method == "POST" else None
    form = ProjectForm(data, instance=project)
    dates = None
    if data is not None and form.is_valid():
        dates = (form.cleaned_data.get("start"), form.cleaned_data.get("end"))
    periods = ReportingPeriodFormSet(data, instance=project, prefix="period", project_dates=dates)
    indicators = ProjectIndicatorFormSet(data, instance=project, prefix="indicator")
    if data is not None and form.is_valid() and periods.is_valid() and indicators.is_valid():
        saved = services.project_save(form=form, periods=periods, indicators=indicators)
        messages.success(request, _("The project has been saved."))
        return redirect(saved)
    return render(
        request,
        "projects/project_form.html",
        {
            "form": form,
            "periods": periods,
            "indicators": indicators,
            "project": project if project.pk else None,
        },
    )


@permission_required("projects.change_indicatorvalue")
def indicator_values(request, pk: int, period_pk: int):
    period = get_object_or_404(
        ReportingPeriod.objects.select_related("project"), pk=period_pk, project_id=pk
    )
    form = IndicatorValuesForm(request.POST or None, period=period)
    if request.method == "POST" and form.is_valid():
        services.indicator_values_save(form=form)
        messages.success(request, _("The values have been saved."))
        return redirect(period.project)
    return render(
        request,
        "projects/indicator_values.html",
        {"form": form, "period": period, "project": period.project},
    )


@require_POST
@permission_required("projects.view_project", "reports.view_internal_report")
def period_report(request, pk: int, period_pk: int):
    """Prepare R4 for one reporting period, in the variant asked for."""
    from calportal.reports import services as report_services

    period = get_object_or_404(ReportingPeriod, pk=period_pk, project_id=pk)
    variant = request.POST.get("variant")
    if variant not in {"internal", "shared"}:
        variant = "internal"
    try:
        with transaction.atomic():
            run = report_services.report_request(
                parameters={
                    "kind": "R4",
                    "scope": {"project": pk},
                    "timeframe": f"project:{pk}/{period.pk}",
                    "comparison": "none",
                    "variant": variant,
                    "language": get_language() or "pl",
                    "k": 3,
                },
                requested_by=request.user,
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("projects:detail", pk=pk)
    return redirect(run)


@require_POST
@permission_required("projects.view_project")
def participant_list(request, pk: int):
    """Ask for the restricted participant list: OPS staff assigned to the project only."""
    project = get_object_or_404(Project, pk=pk)
    # Raises PermissionDenied (403) for anyone not assigned to the project.
    document = services.participant_list_request(
        project=project, user=request.user, language=get_language() or "pl"
    )
    return redirect(document)
