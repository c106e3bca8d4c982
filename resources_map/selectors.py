"""Reading the map: what the public may see, the layers, the gaps and the diagnosis's figures.

Everything here runs a fixed number of queries and aggregates in SQL.
"""

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from calportal.contacts import format_phone, phone_href
from initiatives.models import TargetGroup
from resources_map.models import (
    OPEN_NEED_STATUSES,
    Area,
    Need,
    Resource,
    ResourceClass,
)


def resources_public() -> QuerySet[Resource]:
    return Resource.objects.filter(is_public=True)


def needs_public() -> QuerySet[Need]:
    return Need.objects.filter(is_public=True)


def resources_visible(user) -> QuerySet[Resource]:
    return (
        Resource.objects.all()
        if user.has_perm("resources_map.view_resource")
        else (resources_public())
    )


def needs_visible(user) -> QuerySet[Need]:
    return Need.objects.all() if user.has_perm("resources_map.view_need") else needs_public()


def resources_for_list(queryset: QuerySet[Resource]) -> QuerySet[Resource]:
    return queryset.select_related("area", "organisation").prefetch_related(
        Prefetch("target_groups", queryset=TargetGroup.objects.order_by("pk"))
    )


def needs_for_list(queryset: QuerySet[Need], *, answered_by: bool = True) -> QuerySet[Need]:
    """Needs with what a list shows, in a fixed number of queries.

    With ``answered_by`` (the staff lists, the gaps and the diagnosis) each need also gets its
    initiatives, ``answering_groups`` (running self-help groups, by name) and
    ``answering_opportunities`` (open volunteering opportunities, by title) as lists; a closed
    group or a closed opportunity linked to the need is left out: it no longer answers it.
    """
    from selfhelp.selectors import running_groups
    from volunteers.models import Opportunity

    queryset = queryset.prefetch_related(
        Prefetch("areas", queryset=Area.objects.order_by("name")),
        Prefetch("target_groups", queryset=TargetGroup.objects.order_by("pk")),
    )
    if not answered_by:
        return queryset
    return queryset.prefetch_related(
        Prefetch("initiatives"),
        Prefetch(
            "self_help_groups",
            queryset=running_groups().order_by("name"),
            to_attr="answering_groups",
        ),
        Prefetch(
            "opportunities",
            queryset=Opportunity.objects.filter(is_open=True).order_by("title", "pk"),
            to_attr="answering_opportunities",
        ),
    )


def needs_unanswered() -> QuerySet[Need]:
    """Open needs nothing answers (``NeedQuerySet.unanswered``): the gap view and the dashboard
    tile both count these."""
    return Need.objects.filter(status__in=OPEN_NEED_STATUSES).unanswered()


def _target_group_codes(through_model, owner_field: str, owner_ids) -> dict[int, list[str]]:
    codes: dict[int, list[str]] = {}
    rows = through_model.objects.filter(**{f"{owner_field}__in": owner_ids}).values_list(
        owner_field, "targetgroup__code"
    )
    for owner_id, code in rows.order_by("targetgroup_id"):
        codes.setdefault(owner_id, []).append(code)
    return codes


def geojson(resources: QuerySet[Resource], needs: QuerySet[Need], *, internal: bool) -> dict:
    """The map's layers as one GeoJSON FeatureCollection: areas, resources, needs.

    Built from ``values()`` rows rather than model instances so that 5,000 points stay fast.
    ``internal`` adds what only staff may see (never the internal notes: those stay on the
    detail pages).
    """
    areas = list(
        Area.objects.values(
            "pk", "name", "kind", "boundary", "latitude", "longitude", "population_total"
        )
    )
    centres = {
        area["pk"]: [float(area["longitude"]), float(area["latitude"])]
        for area in areas
        if area["latitude"] is not None
    }
    features = [
        {
            "type": "Feature",
            "geometry": area["boundary"],
            "properties": {
                "layer": "area",
                "id": area["pk"],
                "name": area["name"],
                "kind": area["kind"],
                "population": area["population_total"],
            },
        }
        for area in areas
        if area["boundary"]
    ]

    resource_fields = [
        "pk",
        "name",
        "resource_class",
        "kind",
        "topic",
        "address",
        "latitude",
        "longitude",
        "opening_hours",
        "contact_phone",
        "area_id",
    ]
    if internal:
        resource_fields.append("is_public")
    resource_rows = list(
        resources.filter(latitude__isnull=False).order_by().values(*resource_fields)
    )
    for row in resource_rows:
        properties = {
            "layer": "resource",
            "id": row["pk"],
            "name": row["name"],
            "class": row["resource_class"],
            "kind": row["kind"],
            "topic": row["topic"],
            "address": row["address"],
            "hours": row["opening_hours"],
            "phone": format_phone(row["contact_phone"]),
            "phone_href": phone_href(row["contact_phone"]),
            "area": row["area_id"],
        }
        if internal:
            properties["public"] = row["is_public"]
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [float(row["longitude"]), float(row["latitude"])],
                },
                "properties": properties,
            }
        )

    need_fields = [
        "pk",
        "title",
        "severity",
        "status",
        "is_answered",
        *(["is_public"] if internal else []),
    ]
    need_rows = list(needs.with_answered().order_by().values(*need_fields))
    need_areas: dict[int, list[int]] = {}
    for need_id, area_id in Need.areas.through.objects.filter(
        need_id__in=[row["pk"] for row in need_rows]
    ).values_list("need_id", "area_id"):
        need_areas.setdefault(need_id, []).append(area_id)
    for row in need_rows:
        points = [
            centres[area_id] for area_id in need_areas.get(row["pk"], []) if area_id in centres
        ]
        if not points:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "MultiPoint", "coordinates": points},
                "properties": {
                    "layer": "need",
                    "id": row["pk"],
                    "title": row["title"],
                    "severity": row["severity"],
                    "status": row["status"],
                    "answered": row["is_answered"],
                    "areas": need_areas.get(row["pk"], []),
                    **({"public": row["is_public"]} if internal else {}),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def guide_order(resources: QuerySet[Resource]) -> QuerySet[Resource]:
    """The guide's order: by topic in the order of the topics' list, then by name."""
    from resources_map.models import Topic

    position = Case(
        *[When(topic=value, then=Value(index)) for index, value in enumerate(Topic.values)],
        default=Value(len(Topic.values)),
        output_field=IntegerField(),
    )
    return resources.select_related("area").order_by(position, "name", "pk")


def guide_sections(resources) -> list[tuple[str, list[Resource]]]:
    """Resources (already in :func:`guide_order`, e.g. one page of them) grouped by topic:
    ``[(topic label, [resource, …]), …]`` in the order of the topics' list. Each resource gets
    ``conditions_label`` (its conditions of use, translated once per value, not per row)."""
    from resources_map.models import Conditions, Topic

    conditions = dict(Conditions.choices)
    by_topic: dict[str, list[Resource]] = {}
    for resource in resources:
        resource.conditions_label = conditions.get(resource.conditions, "")
        by_topic.setdefault(resource.topic, []).append(resource)
    return [(label, by_topic[value]) for value, label in Topic.choices if value in by_topic]


def gaps() -> dict:
    """Open needs nothing answers (no initiative, running self-help group or open volunteering
    opportunity) and resources no initiative uses, by area."""
    unanswered = needs_for_list(needs_unanswered())
    unused = resources_for_list(
        Resource.objects.filter(
            ~Exists(Resource.used_by.through.objects.filter(resource_id=OuterRef("pk")))
        )
    )
    unanswered, unused = list(unanswered), list(unused)
    by_area: dict = {}
    for need in unanswered:
        for area in need.areas.all() or [None]:
            by_area.setdefault(area, {"needs": [], "resources": []})["needs"].append(need)
    for resource in unused:
        by_area.setdefault(resource.area, {"needs": [], "resources": []})["resources"].append(
            resource
        )
    ordered = sorted(
        by_area.items(), key=lambda item: (item[0] is None, item[0].name if item[0] else "")
    )
    return {
        "rows": [
            {"area": area, "needs": entry["needs"], "resources": entry["resources"]}
            for area, entry in ordered
        ],
        "unanswered_count": len(unanswered),
        "unused_count": len(unused),
    }


def area_figures() -> dict:
    """Areas with their figures and the counts of resources and open needs in each."""
    areas = list(
        Area.objects.annotate(
            resource_count=Count("resources", distinct=True),
            open_need_count=Count(
                "needs", filter=Q(needs__status__in=OPEN_NEED_STATUSES), distinct=True
            ),
        ).order_by("kind", "name")
    )
    totals = Area.objects.aggregate(
        total=Sum("population_total"),
        aged_60=Sum("population_60_plus"),
        aged_55=Sum("population_55_plus"),
        children=Sum("population_children"),
    )
    return {"areas": areas, "totals": totals}


def resource_counts_by_class() -> list[dict]:
    counts = dict(
        Resource.objects.values_list("resource_class").annotate(count=Count("pk")).order_by()
    )
    return [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in ResourceClass.choices
    ]


def population_60_plus_by_area_name() -> dict[str, int]:
    """``{lower-case area name: residents aged 60+}`` — for reach as a share of the population."""
    return {
        name.strip().lower(): number
        for name, number in Area.objects.filter(population_60_plus__isnull=False).values_list(
            "name", "population_60_plus"
        )
    }


def reports_waiting() -> QuerySet:
    """Residents' reports waiting for moderation: the queue lists them, the dashboard counts
    them."""
    from resources_map.models import ReportStatus, ResidentReport

    return ResidentReport.objects.filter(status=ReportStatus.NEW)


def dashboard_counts() -> dict:
    """Reports waiting for moderation (``reports_waiting``, as the moderation queue lists them)
    and open needs nothing answers (``unanswered``, as the gap view lists them), one query each."""
    return {
        "reports_waiting": reports_waiting().count(),
        "unanswered": needs_unanswered().count(),
    }
