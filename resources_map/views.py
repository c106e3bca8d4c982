"""Pages of the map of needs and resources: the public map and guide, reports, staff pages."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_POST

from calportal.accounts.decorators import permission_required
from calportal.csv_files import csv_response
from calportal.documents.services import document_request
from calportal.forms import ImportForm
from calportal.public_forms import public_form_accepted
from resources_map import csv_io, geo, selectors, services
from resources_map.filters import (
    GuideFilter,
    NeedFilter,
    ResourceFilter,
    StaffNeedFilter,
    StaffResourceFilter,
)
from resources_map.forms import (
    AreaForm,
    DiagnosisForm,
    NeedForm,
    RejectReportForm,
    ReportForm,
    ResourceForm,
)
from resources_map.models import (
    Area,
    Diagnosis,
    Need,
    NeedStatus,
    ReportStatus,
    ResidentReport,
    Resource,
    ResourceClass,
    ResourceKind,
    Severity,
)

PAGE_SIZE = 25
MAP_PAGE_SIZE = 30
# Entries of the guide on one page: a few printed pages' worth.
GUIDE_PAGE_SIZE = 50


def _map_filters(request):
    """The resource and need filters of the map, each limited to what this user may see."""
    return (
        ResourceFilter(request.GET, queryset=selectors.resources_visible(request.user)),
        NeedFilter(request.GET, queryset=selectors.needs_visible(request.user)),
    )


def _layers(request) -> tuple[bool, bool]:
    layer = request.GET.get("layer", "")
    return layer in ("", "resources"), layer in ("", "needs")


# --- Public -----------------------------------------------------------------------------------


def map_page(request):
    resource_filter, need_filter = _map_filters(request)
    show_resources, show_needs = _layers(request)
    resources = Paginator(
        selectors.resources_for_list(resource_filter.qs)
        if show_resources
        else Resource.objects.none(),
        MAP_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    needs = Paginator(
        # The public map's list shows no answers, so it skips their queries.
        selectors.needs_for_list(need_filter.qs, answered_by=False)
        if show_needs
        else Need.objects.none(),
        MAP_PAGE_SIZE,
    ).get_page(request.GET.get("needs_page"))
    query = request.GET.copy()
    for key in ("page", "needs_page"):
        query.pop(key, None)
    return render(
        request,
        "resources_map/map.html",
        {
            "resource_filter": resource_filter,
            "need_filter": need_filter,
            "resources": resources,
            "needs": needs,
            "show_resources": show_resources,
            "show_needs": show_needs,
            "layer": request.GET.get("layer", ""),
            "data_url": reverse("resources_map:geojson")
            + ("?" + query.urlencode() if query else ""),
            "classes": ResourceClass.choices,
            "severities": Severity.choices,
            "internal": request.user.has_perm("resources_map.view_resource"),
            "bounds_json": json.dumps(geo.bounds()),
            "map_labels": _map_labels(),
        },
    )


def _map_labels() -> dict:
    """Words the map's script shows in pop-ups, in the page's language."""
    return {
        "classes": {value: str(label) for value, label in ResourceClass.choices},
        "symbols": {value: str(label)[:1] for value, label in ResourceClass.choices},
        "kinds": {value: str(label) for value, label in ResourceKind.choices},
        "severities": {value: str(label) for value, label in Severity.choices},
        "statuses": {value: str(label) for value, label in NeedStatus.choices},
        "severity": _("Severity"),
        "status": _("Status"),
        "internal": _("Not public"),
        "layers": {"areas": _("Areas"), "resources": _("Resources"), "needs": _("Needs")},
    }


@gzip_page
def geojson(request):
    resource_filter, need_filter = _map_filters(request)
    show_resources, show_needs = _layers(request)
    data = selectors.geojson(
        resource_filter.qs if show_resources else Resource.objects.none(),
        need_filter.qs if show_needs else Need.objects.none(),
        internal=request.user.has_perm("resources_map.view_resource"),
    )
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")),
        content_type="application/geo+json; charset=utf-8",
    )
    # Staff see non-public resources: never keep their copy in a (possibly shared) browser.
    internal = request.user.has_perm("resources_map.view_resource")
    response["Cache-Control"] = "private, no-store" if internal else "public, max-age=60"
    return response


def guide(request):
    """The public guide "Where to get help": public resources by topic, a page of
    :data:`GUIDE_PAGE_SIZE` at a time (the filters stay in the page links), with the page's
    places on a small map. A fixed number of queries however many resources there are."""
    guide_filter = GuideFilter(request.GET, queryset=selectors.resources_public())
    page = Paginator(selectors.guide_order(guide_filter.qs), GUIDE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    resources = list(page)
    points = [
        {
            "name": resource.name,
            "address": resource.address,
            "lat": float(resource.latitude),
            "lng": float(resource.longitude),
        }
        for resource in resources
        if resource.latitude is not None and resource.longitude is not None
    ]
    return render(
        request,
        "resources_map/guide.html",
        {
            "filter": guide_filter,
            "page": page,
            "sections": selectors.guide_sections(resources),
            "map_points": points,
            "printed_on": timezone.localdate(),
        },
    )


def report(request):
    form = ReportForm(request.POST or None, initial={"kind": request.GET.get("kind")})
    status = 200
    if request.method == "POST":
        accepted, status = public_form_accepted(
            request,
            form,
            group="resources_map.report",
            limit_message=_(
                "Too many reports from your connection. Please try again in a while or call us."
            ),
        )
        if accepted:
            services.report_create(data=form.cleaned_data)
            return redirect("resources_map:report_thanks")
    return render(request, "resources_map/report.html", {"form": form}, status=status)


def report_thanks(request):
    return render(request, "resources_map/report_thanks.html")


# --- Staff: resources and needs ----------------------------------------------------------------


@permission_required("resources_map.view_resource")
def resource_list(request):
    resource_filter = StaffResourceFilter(request.GET, queryset=Resource.objects.all())
    page = Paginator(
        selectors.resources_for_list(resource_filter.qs)
        .annotate(
            need_count=Count("needs", distinct=True), use_count=Count("used_by", distinct=True)
        )
        .order_by("name", "pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request, "resources_map/resource_list.html", {"filter": resource_filter, "page": page}
    )


@permission_required("resources_map.view_resource")
def resource_detail(request, pk: int):
    resource = get_object_or_404(
        selectors.resources_for_list(Resource.objects.prefetch_related("used_by", "needs")), pk=pk
    )
    return render(request, "resources_map/resource_detail.html", {"resource": resource})


@permission_required("resources_map.add_resource")
def resource_create(request):
    return _edit(request, ResourceForm, None, services.resource_save, "resource_form.html")


@permission_required("resources_map.change_resource")
def resource_edit(request, pk: int):
    resource = get_object_or_404(Resource, pk=pk)
    return _edit(request, ResourceForm, resource, services.resource_save, "resource_form.html")


@permission_required("resources_map.view_need")
def need_list(request):
    need_filter = StaffNeedFilter(request.GET, queryset=Need.objects.all())
    page = Paginator(selectors.needs_for_list(need_filter.qs), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "resources_map/need_list.html", {"filter": need_filter, "page": page})


@permission_required("resources_map.view_need")
def need_detail(request, pk: int):
    need = get_object_or_404(
        selectors.needs_for_list(Need.objects.prefetch_related("resources", "reports")), pk=pk
    )
    return render(request, "resources_map/need_detail.html", {"need": need})


@permission_required("resources_map.add_need")
def need_create(request):
    return _edit(request, NeedForm, None, services.need_save, "need_form.html")


@permission_required("resources_map.change_need")
def need_edit(request, pk: int):
    need = get_object_or_404(Need, pk=pk)
    return _edit(request, NeedForm, need, services.need_save, "need_form.html")


def _edit(request, form_class, instance, save, template, *, extra=None):
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        saved = save(form=form)
        messages.success(request, _("Saved: %(name)s.") % {"name": saved})
        return redirect(_detail_url(saved))
    return render(
        request,
        f"resources_map/{template}",
        {
            "form": form,
            "object": instance,
            "bounds_json": json.dumps(geo.bounds()),
            **(extra or {}),
        },
    )


def _detail_url(saved) -> str:
    if isinstance(saved, Resource):
        return reverse("resources_map:resource_detail", args=[saved.pk])
    if isinstance(saved, Need):
        return reverse("resources_map:need_detail", args=[saved.pk])
    return reverse("resources_map:area_list")


# --- Staff: areas -----------------------------------------------------------------------------


@permission_required("resources_map.view_area")
def area_list(request):
    return render(request, "resources_map/area_list.html", selectors.area_figures())


@permission_required("resources_map.add_area")
def area_create(request):
    return _edit(request, AreaForm, None, services.area_save, "area_form.html")


@permission_required("resources_map.change_area")
def area_edit(request, pk: int):
    area = get_object_or_404(Area, pk=pk)
    return _edit(request, AreaForm, area, services.area_save, "area_form.html")


# --- Staff: moderation ------------------------------------------------------------------------


@permission_required("resources_map.view_residentreport")
def report_list(request):
    """The reports waiting for moderation, oldest first, a page at a time, and the last 20
    handled."""
    reports = selectors.reports_waiting().select_related("area").order_by("created_at", "pk")
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    handled = (
        ResidentReport.objects.exclude(status=ReportStatus.NEW)
        .select_related("area", "handled_by", "need", "resource")
        .order_by("-handled_at")[:20]
    )
    return render(
        request,
        "resources_map/report_list.html",
        {"page": page, "handled": handled, "reject_form": RejectReportForm()},
    )


@permission_required("resources_map.change_residentreport")
def report_accept(request, pk: int):
    report = get_object_or_404(ResidentReport, pk=pk)
    if report.status != ReportStatus.NEW:
        messages.info(request, _("This report has already been handled."))
        return redirect("resources_map:report_list")
    needed = "resources_map.add_need" if report.is_need else "resources_map.add_resource"
    if not request.user.has_perm(needed):
        raise PermissionDenied
    form_class = NeedForm if report.is_need else ResourceForm
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                created = services.report_accept(report=report, form=form, user=request.user)
            except services.ReportError as error:
                messages.error(request, str(error))
                return redirect("resources_map:report_list")
            messages.success(request, _("Added to the map: %(name)s.") % {"name": created})
            return redirect(_detail_url(created))
    else:
        form = form_class(initial=services.report_initial(report))
    return render(
        request,
        "resources_map/report_accept.html",
        {"form": form, "report": report, "bounds_json": json.dumps(geo.bounds())},
    )


@require_POST
@permission_required("resources_map.change_residentreport")
def report_reject(request, pk: int):
    report = get_object_or_404(ResidentReport, pk=pk)
    form = RejectReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for rejecting the report."))
        return redirect("resources_map:report_list")
    try:
        services.report_reject(report=report, reason=form.cleaned_data["reason"], user=request.user)
    except services.ReportError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The report was rejected."))
    return redirect("resources_map:report_list")


# --- Staff: gaps, diagnosis, export and import -------------------------------------------------


@permission_required("resources_map.view_need", "resources_map.view_resource")
def gaps(request):
    return render(request, "resources_map/gaps.html", selectors.gaps())


@permission_required("resources_map.view_diagnosis")
def diagnosis(request):
    diagnosis_row = Diagnosis.current()
    can_edit = request.user.has_perm("resources_map.change_diagnosis")
    form = DiagnosisForm(request.POST or None, instance=diagnosis_row)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            services.diagnosis_save(form=form, user=request.user)
            messages.success(request, _("The diagnosis's texts were saved."))
            return redirect("resources_map:diagnosis")
    return render(
        request,
        "resources_map/diagnosis.html",
        {
            "diagnosis": diagnosis_row,
            "form": form if can_edit else None,
            "class_counts": selectors.resource_counts_by_class(),
            **selectors.area_figures(),
        },
    )


@require_POST
@permission_required("resources_map.view_diagnosis")
def diagnosis_pdf(request):
    document = document_request(
        kind="resources_map.diagnosis",
        params={},
        title=_("Map of needs and resources"),
        requested_by=request.user,
        language=get_language(),
    )
    return redirect(document)


EXPORTS = {
    "areas": ("resources_map.view_area", "obszary"),
    "resources": ("resources_map.view_resource", "zasoby"),
    "needs": ("resources_map.view_need", "potrzeby"),
}


def export(request, what: str):
    if what not in EXPORTS:
        raise Http404
    permission, filename = EXPORTS[what]

    @permission_required(permission)
    def view(request):
        if what == "areas":
            body = csv_io.export_areas(selectors.area_figures()["areas"])
        elif what == "resources":
            body = csv_io.export_resources(Resource.objects.order_by("name", "pk"))
        else:
            body = csv_io.export_needs(Need.objects.all())
        return csv_response(body, f"{filename}-{timezone.localdate().isoformat()}.csv")

    return view(request)


IMPORTS = {
    "resources": ("resources_map.add_resource", csv_io.import_resources, csv_io.RESOURCE_COLUMNS),
    "needs": ("resources_map.add_need", csv_io.import_needs, csv_io.NEED_COLUMNS),
}


def import_csv(request, what: str):
    if what not in IMPORTS:
        raise Http404
    permission, run_import, columns = IMPORTS[what]

    @permission_required(permission)
    def view(request):
        form = ImportForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            # Rows with an id update records: that takes the right to change them as well.
            result = run_import(
                form.cleaned_data["file"].read(),
                may_update=request.user.has_perm(permission.replace(".add_", ".change_")),
            )
            if result.ok:
                messages.success(
                    request,
                    _("Imported: %(created)s new, %(updated)s updated.")
                    % {"created": result.created, "updated": result.updated},
                )
                return redirect(
                    "resources_map:resource_list"
                    if what == "resources"
                    else "resources_map:need_list"
                )
        return render(
            request,
            "resources_map/import.html",
            {"form": form, "result": result, "what": what, "columns": columns},
        )

    return view(request)
