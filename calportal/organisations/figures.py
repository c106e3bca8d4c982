"""Report figures of the stakeholder catalogue (REPORTS.md §2, NW1), in aggregate SQL."""

import datetime

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from calportal.organisations.models import Organisation, Sector
from calportal.reports.figures import NUMBER, define
from calportal.reports.periods import Period

NW1 = define(
    "NW1",
    _("Stakeholders"),
    _("Organisations in the stakeholder catalogue by sector (the state on the given day)."),
    unit=NUMBER,
)


def stakeholders_by_sector(day: datetime.date) -> dict[str, int]:
    """NW1. ``{sector: organisations}`` (every sector, zeros included): organisations entered
    in the catalogue by the end of ``day`` (local date of ``created_at``). One query."""
    _start, until = Period(day, day).bounds()
    counts = dict(
        Organisation.objects.filter(created_at__lt=until)
        .order_by()
        .values_list("sector")
        .annotate(count=Count("pk"))
    )
    return {sector: counts.get(sector, 0) for sector in Sector.values}


def organisations() -> dict[int, str]:
    """``{organisation id: name}`` for the whole catalogue, ordered by name — the labels of
    the rows other apps' figures key by organisation id. One query."""
    return dict(Organisation.objects.order_by("name", "pk").values_list("pk", "name"))


def labels() -> dict[str, dict[str, str]]:
    """``{"sector": {sector: label}}`` in the active language."""
    return {"sector": {value: str(label) for value, label in Sector.choices}}


# --- R7: the forms of cooperation of each organisation (REPORTS.md §6 R7) ---------------------


def _count(queryset, field: str):
    """A correlated subquery: the number of distinct ``field`` values of ``queryset`` (which
    filters on ``OuterRef("pk")``, the organisation)."""
    from django.db.models import IntegerField, Subquery, Value
    from django.db.models.functions import Coalesce

    counted = (
        queryset.order_by()
        .annotate(group=Value(1))
        .values("group")
        .annotate(n=Count(field, distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def cooperation_by_organisation(period: Period) -> dict[int, dict]:
    """The non-financial forms of cooperation of each organisation in ``period``, for R7::

        {organisation id: {"name": str, "sector": str,
                           "led": initiatives it led with an event in E(P),
                           "partnered": initiatives it was a partner of with an event in E(P),
                           "joint_events": events of E(P) of initiatives it led or partnered,
                           "team_member": bool, someone represented it on the CAL team on at
                                          least one day of P,
                           "venue": bool, it ran a venue of the senior programme active on at
                                    least one day of P,
                           "recipients": distinct persons present at an event of E(P) of an
                                         initiative it led (PE1 of its initiatives)}}

    Only organisations with at least one of these. E(P) and "present" as in REPORTS.md §2.
    One query (a subquery per figure)."""
    from django.db.models import Exists, OuterRef, Q

    from initiatives.figures import PRESENT, held_events
    from initiatives.models import Registration

    events = held_events(period)
    of_led = Q(initiative__lead_organisation=OuterRef("pk"))
    of_partnered = Q(initiative__partner_organisations=OuterRef("pk"))
    on_team = Organisation.objects.filter(
        Q(team_members__end_date__isnull=True) | Q(team_members__end_date__gte=period.start),
        pk=OuterRef("pk"),
        team_members__start_date__lte=period.end,
    )
    runs_venue = Organisation.objects.filter(
        Q(venue__active_until__isnull=True) | Q(venue__active_until__gte=period.start),
        pk=OuterRef("pk"),
        venue__active_from__lte=period.end,
    )
    present = Registration.objects.filter(
        PRESENT, event__in=events, event__initiative__lead_organisation=OuterRef("pk")
    )
    rows = (
        Organisation.objects.order_by("name", "pk")
        .annotate(
            led=_count(events.filter(of_led), "initiative"),
            partnered=_count(events.filter(of_partnered), "initiative"),
            joint_events=_count(events.filter(of_led | of_partnered), "pk"),
            team_member=Exists(on_team),
            senior_venue=Exists(runs_venue),
            recipients=_count(present, "participant"),
        )
        .values(
            "pk",
            "name",
            "sector",
            "led",
            "partnered",
            "joint_events",
            "team_member",
            "senior_venue",
            "recipients",
        )
    )
    result = {}
    for row in rows:
        row["venue"] = row.pop("senior_venue")
        if row["led"] or row["partnered"] or row["team_member"] or row["venue"]:
            result[row.pop("pk")] = row
    return result


def recipients_of_led_initiatives(period: Period, *, sector: str | None = None) -> int:
    """Distinct persons present at an event of E(P) of an initiative led by an organisation of
    ``sector`` (any sector when None) — R2's "recipients of NGO-run actions", R7's total; a
    person at two such initiatives counts once. One query."""
    from initiatives.figures import PRESENT, held_events
    from initiatives.models import Registration

    present = Registration.objects.filter(PRESENT, event__in=held_events(period))
    if sector is not None:
        present = present.filter(event__initiative__lead_organisation__sector=sector)
    return present.values("participant_id").distinct().count()


def joint_events(period: Period, sectors: list[str]) -> dict[str, int]:
    """R7's joint events as distinct events: ``{sector: n, "total": n}`` — the events of E(P)
    of initiatives led or partnered by an organisation of that sector (of any organisation for
    the total). An event two organisations share counts once in each sector it touches and
    once in the total, not once per organisation. One query."""
    from django.db.models import Count, Q

    from initiatives.figures import held_events

    def touching(sector=None):
        if sector is None:
            return Q(initiative__lead_organisation__isnull=False) | Q(
                initiative__partner_organisations__isnull=False
            )
        return Q(initiative__lead_organisation__sector=sector) | Q(
            initiative__partner_organisations__sector=sector
        )

    counts = held_events(period).aggregate(
        total=Count("pk", distinct=True, filter=touching()),
        **{f"s_{i}": Count("pk", distinct=True, filter=touching(s)) for i, s in enumerate(sectors)},
    )
    result = {sector: counts[f"s_{i}"] for i, sector in enumerate(sectors)}
    result["total"] = counts["total"]
    return result


def sectors() -> dict[int, str]:
    """``{organisation id: sector}`` for the whole catalogue. One query."""
    return dict(Organisation.objects.order_by().values_list("pk", "sector"))
