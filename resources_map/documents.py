"""The diagnosis document (mapa zasobów i potrzeb) in the CAL method's structure, as a PDF.

Up to ``RESOURCES_MAP_DIAGNOSIS_LIST_LIMIT`` resources (default
:data:`DEFAULT_LIST_LIMIT`) the document lists every resource, a table per class. Above it a
printed list stops being read (2,000 resources are some 80 pages) and takes WeasyPrint tens of
seconds and hundreds of megabytes, so section 2 becomes a summary — per class and kind: how
many, how many shown to the public, how many on the map — and says where the full list is: the
resources CSV export (the same columns the import takes), whose address the PDF gives.
"""

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from calportal.documents.registry import Build, register
from resources_map import selectors
from resources_map.models import Diagnosis, Need, Resource, ResourceClass, ResourceKind

# Resources in the whole map above which section 2 is a summary plus the CSV export.
DEFAULT_LIST_LIMIT = 500


def list_limit() -> int:
    """The largest number of resources the diagnosis still lists one by one."""
    return int(getattr(settings, "RESOURCES_MAP_DIAGNOSIS_LIST_LIMIT", DEFAULT_LIST_LIMIT))


def resource_summary() -> list[dict]:
    """Per class, its kinds with ``count``, ``public`` and ``on_map`` (resources with a point),
    in one query: ``[{"label", "count", "public", "on_map", "kinds": [{"label", …}]}]``; a
    class or kind without resources is left out."""
    rows = (
        Resource.objects.values("resource_class", "kind")
        .annotate(
            count=Count("pk"),
            public=Count("pk", filter=Q(is_public=True)),
            on_map=Count("pk", filter=Q(is_public=True, latitude__isnull=False)),
        )
        .order_by()
    )
    by_class: dict[str, dict[str, dict]] = {}
    for row in rows:
        by_class.setdefault(row["resource_class"], {})[row["kind"]] = row
    kind_labels = dict(ResourceKind.choices)
    summary = []
    for value, label in ResourceClass.choices:
        kinds = by_class.get(value, {})
        if not kinds:
            continue
        kind_rows = [
            {
                "label": kind_labels.get(kind, kind),
                **{k: row[k] for k in ("count", "public", "on_map")},
            }
            for kind, row in sorted(kinds.items(), key=lambda item: str(kind_labels.get(item[0])))
        ]
        summary.append(
            {
                "label": label,
                "kinds": kind_rows,
                **{
                    key: sum(row[key] for row in kind_rows) for key in ("count", "public", "on_map")
                },
            }
        )
    return summary


@register("resources_map.diagnosis", permission="resources_map.view_diagnosis")
def diagnosis(params: dict) -> Build:
    total = Resource.objects.count()
    limit = list_limit()
    context = {}
    if total > limit:
        summary = resource_summary()
        context["resource_summary"] = summary
        context["resource_summary_totals"] = {
            key: sum(row[key] for row in summary) for key in ("public", "on_map")
        }
        context["resources_csv_url"] = settings.SITE_URL.rstrip("/") + reverse(
            "resources_map:export", args=["resources"]
        )
    else:
        resources = list(
            selectors.resources_for_list(Resource.objects.all()).order_by("resource_class", "name")
        )
        context["resource_sections"] = [
            (label, [resource for resource in resources if resource.resource_class == value])
            for value, label in ResourceClass.choices
        ]
    now = timezone.localtime()
    return Build(
        template="pdf/diagnosis.html",
        context={
            "diagnosis": Diagnosis.current(),
            **selectors.area_figures(),
            **context,
            "resource_total": total,
            "resource_list_limit": limit,
            "needs": list(
                selectors.needs_for_list(Need.objects.all()).prefetch_related("resources")
            ),
            "generated_at": now,
        },
        filename=f"mapa-zasobow-i-potrzeb-{now:%Y-%m-%d}.pdf",
        # Tagged (headings, tables with their header cells) for screen readers, as the reports.
        pdf_variant="pdf/ua-1",
    )
