"""The diagnosis document (mapa zasobów i potrzeb) in the CAL method's structure, as a PDF."""

from django.utils import timezone

from calportal.documents.registry import Build, register
from resources_map import selectors
from resources_map.models import Diagnosis, Need, Resource, ResourceClass


@register("resources_map.diagnosis", permission="resources_map.view_diagnosis")
def diagnosis(params: dict) -> Build:
    resources = list(
        selectors.resources_for_list(Resource.objects.all()).order_by("resource_class", "name")
    )
    sections = [
        (label, [resource for resource in resources if resource.resource_class == value])
        for value, label in ResourceClass.choices
    ]
    now = timezone.localtime()
    return Build(
        template="pdf/diagnosis.html",
        context={
            "diagnosis": Diagnosis.current(),
            **selectors.area_figures(),
            "resource_sections": sections,
            "needs": list(
                selectors.needs_for_list(Need.objects.all()).prefetch_related("resources")
            ),
            "generated_at": now,
        },
        filename=f"mapa-zasobow-i-potrzeb-{now:%Y-%m-%d}.pdf",
    )
