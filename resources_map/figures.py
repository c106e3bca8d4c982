"""Report figures of the map of needs and resources (REPORTS.md §2, MP1–MP4) and the areas'
population, in aggregate SQL: the number of queries never grows with the data.

The map keeps no history of a need's status or of a resource's existence, so "stock at the
end of P" means the rows that existed by then (resources by ``created_at``, needs by
``identified_on``) counted by their status *now*; each figure says where that matters.

Scopes (:class:`~calportal.reports.figures.Scope`): the whole CAL; an area (resources in it,
needs that name it, residents' reports about it); an organisation (resources it owns, needs
answered by initiatives it leads or partners); an initiative or an event (resources it uses,
needs it answers — an event stands for its initiative). Residents' reports belong to no
organisation or initiative: for those scopes MP4 is zero.
"""

import datetime
import statistics
from collections.abc import Collection

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    Exists,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from calportal.reports.figures import NUMBER, PERCENT, Scope, define
from calportal.reports.periods import WARSAW, Period
from initiatives.models import EventStatus
from resources_map.models import (
    OPEN_NEED_STATUSES,
    Area,
    AreaKind,
    AreaPopulation,
    Need,
    NeedStatus,
    ReportStatus,
    ResidentReport,
    Resource,
    ResourceClass,
    ResourceKind,
    Severity,
    Sex,
)
from resources_map.models import PopulationAgeGroup as Age

MP1 = define(
    "MP1",
    _("Resources"),
    _(
        "Resources on the map at the end of the period by class and kind; resources added in "
        "the period; the share of them verified in the 12 months up to the end of the period."
    ),
    unit=NUMBER,
)
MP2 = define(
    "MP2",
    _("Needs"),
    _(
        "Needs identified by the end of the period by status and severity (the status they have "
        "now: the map keeps no history of statuses); needs identified in the period."
    ),
    unit=NUMBER,
)
MP3 = define(
    "MP3",
    _("Needs coverage"),
    _(
        "Needs open or being addressed at any time in the period that are linked to at least "
        "one initiative with at least one event held in the period, divided by those needs. "
        "A need met or dropped counts as open in the period when it was identified by the end "
        "of the period and last changed on or after its start."
    ),
    unit=PERCENT,
)
MP4 = define(
    "MP4",
    _("Residents' reports"),
    _(
        "Residents' reports received in the period by outcome (added to the map, rejected, "
        "waiting); the median number of days from receiving a report to the decision on it, "
        "over the reports received in the period and decided."
    ),
)

# Severity keys of MP2: the choices' names ("low", …, "critical").
SEVERITY_KEYS = {severity.value: severity.name.lower() for severity in Severity}


# --- scopes -----------------------------------------------------------------------------------


def _led_or_partnered(organisation: int, prefix: str) -> Q:
    return Q(**{f"{prefix}lead_organisation": organisation}) | Q(
        **{f"{prefix}partner_organisations": organisation}
    )


def _resources(scope: Scope) -> QuerySet[Resource]:
    resources = Resource.objects.all()
    if scope.area is not None:
        return resources.filter(area=scope.area)
    if scope.organisation is not None:
        return resources.filter(organisation=scope.organisation)
    uses = Resource.used_by.through.objects.filter(resource_id=OuterRef("pk"))
    if scope.event is not None:
        return resources.filter(Exists(uses.filter(initiative__events=scope.event)))
    if scope.initiative is not None:
        return resources.filter(Exists(uses.filter(initiative_id=scope.initiative)))
    return resources


def _needs(scope: Scope) -> QuerySet[Need]:
    needs = Need.objects.all()
    if scope.area is not None:
        places = Need.areas.through.objects.filter(need_id=OuterRef("pk"), area_id=scope.area)
        return needs.filter(Exists(places))
    answers = Need.initiatives.through.objects.filter(need_id=OuterRef("pk"))
    if scope.event is not None:
        return needs.filter(Exists(answers.filter(initiative__events=scope.event)))
    if scope.initiative is not None:
        return needs.filter(Exists(answers.filter(initiative_id=scope.initiative)))
    if scope.organisation is not None:
        led = answers.filter(_led_or_partnered(scope.organisation, "initiative__"))
        return needs.filter(Exists(led))
    return needs


def _reports(scope: Scope) -> QuerySet[ResidentReport]:
    if scope.area is not None:
        return ResidentReport.objects.filter(area=scope.area)
    if scope.kind == "cal":
        return ResidentReport.objects.all()
    return ResidentReport.objects.none()


def _year_before(day: datetime.date) -> datetime.date:
    """The day after the same day a year earlier: the first day of the 12 months up to ``day``."""
    try:
        earlier = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        earlier = day.replace(year=day.year - 1, day=28)
    return earlier + datetime.timedelta(days=1)


def _event_in_period(period: Period, prefix: str) -> Q:
    """Events of E(P), through ``prefix`` (e.g. ``"initiative__events__"``)."""
    start, until = period.bounds()
    return Q(**{f"{prefix}starts_at__gte": start, f"{prefix}starts_at__lt": until}) & ~Q(
        **{f"{prefix}status": EventStatus.CANCELLED}
    )


# --- MP1 --------------------------------------------------------------------------------------


def resources(period: Period, scope: Scope) -> dict:
    """MP1. ``{"by_class": {class: n}, "by_kind": {kind: n}, "new": n,
    "verified_12_months": (verified, stock)}`` — counts of resources. The stock is the
    resources added by the end of P (every class and kind present, zeros included); "new" those
    added in P; "verified" those of the stock with ``verified_on`` in the 12 months up to the end
    of P (the rate is verified ÷ stock)."""
    start, until = period.bounds()
    stock = Q(created_at__lt=until)
    recently = Q(verified_on__gte=_year_before(period.end), verified_on__lte=period.end)
    aggregates = {f"class_{value}": Count("pk", filter=stock & Q(resource_class=value))
                  for value in ResourceClass.values}  # fmt: skip
    aggregates |= {f"kind_{value}": Count("pk", filter=stock & Q(kind=value))
                   for value in ResourceKind.values}  # fmt: skip
    row = _resources(scope).aggregate(
        **aggregates,
        stock=Count("pk", filter=stock),
        new=Count("pk", filter=Q(created_at__gte=start, created_at__lt=until)),
        verified=Count("pk", filter=stock & recently),
    )
    return {
        "by_class": {value: row[f"class_{value}"] for value in ResourceClass.values},
        "by_kind": {value: row[f"kind_{value}"] for value in ResourceKind.values},
        "new": row["new"],
        "verified_12_months": (row["verified"], row["stock"]),
    }


def share_of_resources_used(period: Period, scope: Scope) -> tuple[int, int]:
    """R5 "share of resources used by ≥ 1 initiative": ``(used, stock)`` — resources added by
    the end of P (as MP1's stock) that are used by at least one initiative with an event in
    E(P) (an initiative that did nothing in P does not make its resources "used" in P), and
    that stock."""
    _start, until = period.bounds()
    used = Resource.used_by.through.objects.filter(resource_id=OuterRef("pk")).filter(
        _event_in_period(period, "initiative__events__")
    )
    row = (
        _resources(scope)
        .filter(created_at__lt=until)
        .aggregate(stock=Count("pk"), used=Count("pk", filter=Q(Exists(used))))
    )
    return row["used"], row["stock"]


# --- MP2, MP3 ---------------------------------------------------------------------------------


def needs(period: Period, scope: Scope) -> dict:
    """MP2. ``{"by_status": {status: n}, "by_severity": {"low"|…|"critical": n}, "new": n}`` —
    counts of needs identified by the end of P, by their status now and their severity (every
    key present), and of needs identified in P."""
    stock = Q(identified_on__lte=period.end)
    aggregates = {f"status_{value}": Count("pk", filter=stock & Q(status=value))
                  for value in NeedStatus.values}  # fmt: skip
    aggregates |= {f"severity_{value}": Count("pk", filter=stock & Q(severity=value))
                   for value in Severity.values}  # fmt: skip
    row = _needs(scope).aggregate(
        **aggregates,
        new=Count("pk", filter=Q(identified_on__gte=period.start, identified_on__lte=period.end)),
    )
    return {
        "by_status": {value: row[f"status_{value}"] for value in NeedStatus.values},
        "by_severity": {key: row[f"severity_{value}"] for value, key in SEVERITY_KEYS.items()},
        "new": row["new"],
    }


def needs_coverage(
    period: Period, scope: Scope, *, initiatives_with_events: Collection[int] | None = None
) -> tuple[int, int]:
    """MP3. ``(covered, open)``: needs open or being addressed at some time in P, and of those
    the ones linked to an initiative with an event in E(P); the rate is covered ÷ open.

    Without a history of statuses, a need was open in P when it was identified by the end of P
    and is open now, or is met or dropped but last changed (``updated_at``) on or after the
    start of P. The initiatives with an event in E(P) are found over the need's own relation
    (an ``Exists``, one query); a caller that already holds their ids may pass them as
    ``initiatives_with_events`` instead — the same figure."""
    start, _until = period.bounds()
    answers = Need.initiatives.through.objects.filter(need_id=OuterRef("pk"))
    if initiatives_with_events is None:
        answered = answers.filter(_event_in_period(period, "initiative__events__"))
    else:
        answered = answers.filter(initiative_id__in=list(initiatives_with_events))
    row = (
        _needs(scope)
        .filter(identified_on__lte=period.end)
        .filter(Q(status__in=OPEN_NEED_STATUSES) | Q(updated_at__gte=start))
        .aggregate(open=Count("pk"), covered=Count("pk", filter=Q(Exists(answered))))
    )
    return row["covered"], row["open"]


# --- MP4 --------------------------------------------------------------------------------------


class _Median(Aggregate):
    """PostgreSQL's ``percentile_cont(0.5) WITHIN GROUP (ORDER BY …)``."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class _DaysBetween(Func):
    """Whole days from the date ``start`` to the date ``end`` (``end − start``) as an integer:
    PostgreSQL subtracts dates into days; SQLite through ``julianday``."""

    arity = 2
    output_field = IntegerField()

    def __init__(self, end, start):
        super().__init__(end, start)

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra
        )

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


def residents_reports(period: Period, scope: Scope) -> dict:
    """MP4. ``{"received": n, "by_outcome": {"accepted"|"rejected"|"new": n},
    "median_days_to_decision": float | None}`` — residents' reports received (local
    ``created_at`` date) in P, by where they stand now ("new": still waiting for a decision),
    and the median of whole local days from receiving to deciding (0: decided the same day)
    over those of them decided; None when none is.

    PostgreSQL takes the median with ``percentile_cont``; SQLite has no such function, so there
    the ordered day counts of the period's decided reports (a short list) are read and their
    median taken in Python."""
    start, until = period.bounds()
    received = _reports(scope).filter(created_at__gte=start, created_at__lt=until)
    row = received.aggregate(
        received=Count("pk"),
        **{value: Count("pk", filter=Q(status=value)) for value in ReportStatus.values},
    )
    decided = received.exclude(status=ReportStatus.NEW).filter(handled_at__isnull=False)
    days = _DaysBetween(
        TruncDate("handled_at", tzinfo=WARSAW), TruncDate("created_at", tzinfo=WARSAW)
    )
    if connection.vendor == "postgresql":
        median = decided.aggregate(median=_Median(days))["median"]
    else:
        spans = list(decided.annotate(days=days).order_by("days").values_list("days", flat=True))
        median = float(statistics.median(spans)) if spans else None
    return {
        "received": row["received"],
        "by_outcome": {value: row[value] for value in ReportStatus.values},
        "median_days_to_decision": None if median is None else float(median),
    }


# --- areas and their population ---------------------------------------------------------------

F_ = Sex.FEMALE
M_ = Sex.MALE
SENIOR = (Age.AGE_60_64, Age.AGE_65_PLUS)
FIFTY_FIVE = (Age.AGE_55_59, *SENIOR)

# Population groups: the (sex, age group) cells of AreaPopulation each one adds up.
POPULATION_GROUPS: dict[str, tuple[tuple[str, str], ...]] = {
    "total": tuple((sex, age) for sex in Sex.values for age in Age.values),
    "female": tuple((F_, age) for age in Age.values),
    "male": tuple((M_, age) for age in Age.values),
    "0-17": ((F_, Age.CHILDREN), (M_, Age.CHILDREN)),
    "55+": tuple((sex, age) for sex in Sex.values for age in FIFTY_FIVE),
    "60+": tuple((sex, age) for sex in Sex.values for age in SENIOR),
    "65+": ((F_, Age.AGE_65_PLUS), (M_, Age.AGE_65_PLUS)),
    "female_60+": ((F_, Age.AGE_60_64), (F_, Age.AGE_65_PLUS)),
    "male_60+": ((M_, Age.AGE_60_64), (M_, Age.AGE_65_PLUS)),
    "female_65+": ((F_, Age.AGE_65_PLUS),),
    "male_65+": ((M_, Age.AGE_65_PLUS),),
    # Post-working age (wiek poprodukcyjny): women 60+ and men 65+.
    "post_working_age": ((F_, Age.AGE_60_64), (F_, Age.AGE_65_PLUS), (M_, Age.AGE_65_PLUS)),
}
# The Area's own figures a group falls back to when the area has no population rows.
AREA_FALLBACK = {
    "total": "population_total",
    "0-17": "population_children",
    "55+": "population_55_plus",
    "60+": "population_60_plus",
}


def areas() -> dict[int, dict]:
    """``{area id: {"name", "urban", "kind"}}`` for every area, ordered by name (``kind``:
    ``"district"`` or ``"village"``; ``urban``: town or rural, as staff set it)."""
    return {
        pk: {"name": name, "urban": urban, "kind": kind}
        for pk, name, urban, kind in Area.objects.order_by("name", "pk").values_list(
            "pk", "name", "urban", "kind"
        )
    }


def area_boundaries() -> dict[int, dict]:
    """``{area id: GeoJSON Polygon or MultiPolygon (longitude, latitude)}`` of the areas that
    have a boundary, for the reports' maps. One query."""
    return dict(Area.objects.exclude(boundary=None).values_list("pk", "boundary"))


def _latest_year(year: int):
    return Subquery(
        AreaPopulation.objects.filter(area=OuterRef("pk"), year__lte=year)
        .order_by("-year")
        .values("year")[:1]
    )


def population_by_area(year: int, group: str) -> dict[int, int | None]:
    """``{area id: residents in group}`` for every area, from :class:`AreaPopulation` of the
    latest year ≤ ``year`` the area has figures for (None when that year lacks one of the
    group's sex × age cells). An area with no figures for any year ≤ ``year`` falls back to its
    own ``population_total`` / ``population_children`` / ``population_55_plus`` /
    ``population_60_plus`` (for ``"total"``, ``"0-17"``, ``"55+"``, ``"60+"``) when its
    ``population_year`` is ≤ ``year`` or empty; other groups (by sex, post-working age) have no
    fallback: None. ``group`` is a key of :data:`POPULATION_GROUPS` (``"60+"``,
    ``"post_working_age"`` = women 60+ and men 65+, ``"female_60+"``, ``"male_65+"``, …);
    raises ``KeyError`` for another. One query."""
    cells = POPULATION_GROUPS[group]
    in_group = Q(*[Q(sex=sex, age_group=age) for sex, age in cells], _connector=Q.OR)
    rows = (
        AreaPopulation.objects.filter(area=OuterRef("pk"), year=OuterRef("population_year_used"))
        .filter(in_group)
        .order_by()
        .values("area")
    )
    fallback = AREA_FALLBACK.get(group)
    queryset = Area.objects.annotate(
        population_year_used=_latest_year(year),
        residents=Subquery(rows.annotate(total=Sum("residents")).values("total")),
        cells=Subquery(rows.annotate(count=Count("pk")).values("count")),
    ).order_by("name", "pk")
    result = {}
    for area in queryset.values(
        "pk", "population_year_used", "residents", "cells", "population_year",
        *([fallback] if fallback else []),
    ):  # fmt: skip
        if area["population_year_used"] is not None:
            complete = area["cells"] == len(cells)
            result[area["pk"]] = area["residents"] if complete else None
        elif fallback and (area["population_year"] or 0) <= year:
            result[area["pk"]] = area[fallback]
        else:
            result[area["pk"]] = None
    return result


def population_year_used(year: int) -> dict[int, int | None]:
    """``{area id: year}``: the year whose figures :func:`population_by_area` uses for each area
    — the latest year ≤ ``year`` with :class:`AreaPopulation` rows, else the Area's own
    ``population_year`` when it is ≤ ``year`` (None when empty or later, or no figures)."""
    result = {}
    for pk, used, own in (
        Area.objects.annotate(used=_latest_year(year))
        .order_by("name", "pk")
        .values_list("pk", "used", "population_year")
    ):
        if used is not None:
            result[pk] = used
        else:
            result[pk] = own if own is not None and own <= year else None
    return result


def labels() -> dict[str, dict]:
    """The printed names of the keys above, in the active language: ``{"resource_class",
    "resource_kind", "need_status", "severity" (by MP2's keys), "report_status", "area_kind":
    {key: label}}``."""
    return {
        "resource_class": {value: str(label) for value, label in ResourceClass.choices},
        "resource_kind": {value: str(label) for value, label in ResourceKind.choices},
        "need_status": {value: str(label) for value, label in NeedStatus.choices},
        "severity": {SEVERITY_KEYS[value]: str(label) for value, label in Severity.choices},
        "report_status": {value: str(label) for value, label in ReportStatus.choices},
        "area_kind": {value: str(label) for value, label in AreaKind.choices},
    }
