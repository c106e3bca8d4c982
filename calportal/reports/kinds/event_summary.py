"""R11 – the summary of one event or initiative for its organiser (REPORTS.md §6 R11): the
registrations by status and source, attendance, companions, fill rate, unmet demand, the
participants by gender × age band and by area, and how many asked for accessibility help
(a count, never the texts). Internal: the organiser's own working document."""

from django.utils.translation import gettext as _

import initiatives.figures as event_figures
import resources_map.figures as map_figures
from calportal.reports import dataset as ds
from calportal.reports.figures import INDICATORS, NUMBER
from calportal.reports.kinds import common
from calportal.reports.kinds.common import rate
from calportal.reports.registry import KindSpec, Request, register


def build(request: Request) -> dict:
    from initiatives.selectors import scope_title

    period, scope = request.period, request.scope
    data = common.head(
        request,
        _("Event summary") if scope.kind == "event" else _("Initiative summary"),
        scope_title(initiative_id=scope.initiative, event_id=scope.event),
        scope_title(initiative_id=scope.initiative, event_id=scope.event),
    )
    used = ["EV1", "RG1", "AT1", "AT2", "AT3", "EV5", "RG2", "PE1"]
    present, asked = event_figures.attendance_rate(period, scope)
    confirmed_places, offered = event_figures.fill_rate(period, scope)
    data["kpis"] = [
        ds.kpi("EV1", event_figures.events_held(period, scope)),
        ds.kpi("PE1", event_figures.participants(period, scope)),
        ds.kpi("AT1", event_figures.attendances(period, scope)),
        ds.kpi("AT2", event_figures.companions(period, scope)),
        ds.kpi("RG2", event_figures.unmet_demand(period, scope)),
    ]
    summary_rows = [
        ds.row("AT3", INDICATORS["AT3"].name, [rate(present, asked)]),
        ds.row("EV5", INDICATORS["EV5"].name, [rate(confirmed_places, offered)]),
        ds.row("EV4", INDICATORS["EV4"].name, [{**ds.cell(offered), "unit": NUMBER}]),
        ds.row(
            "accessibility",
            _("Registrations asking for accessibility help"),
            [event_figures.accessibility_needs(period, scope)],
        ),
    ]
    used += ["EV4"]
    summary = ds.table(
        "summary", _("Attendance"), [ds.column("value", _("Value"))], summary_rows, stub=_("Figure")
    )

    registrations = event_figures.registrations(period, scope)
    labels = event_figures.labels()
    statuses = list(labels["registration_status"])
    sources = list(labels["source"])
    columns = [ds.column(s, labels["source"][s], indicator="RG1") for s in sources]
    columns.append(ds.column("total", _("Total"), indicator="RG1", total=True))
    rows = []
    for status in statuses:
        cells = [registrations.get((status, s), 0) for s in sources]
        rows.append(ds.row(status, labels["registration_status"][status], [*cells, sum(cells)]))
    sums = [sum(registrations.get((st, s), 0) for st in statuses) for s in sources]
    rows.append(ds.row("total", _("Total"), [*sums, sum(sums)], total=True))
    registrations_table = ds.table(
        "registrations",
        _("Registrations by status and how people signed up"),
        columns,
        rows,
        stub=_("Status"),
    )

    split = event_figures.participants_by_age_gender(period, scope)
    age_table = common.age_gender_table(split, "age_gender", skip_empty=True)

    areas = map_figures.areas()
    residence = event_figures.participants_by_residence(period, scope)
    rows = [
        ds.row(key, common.residence_label(key, areas), [residence[key]["participants"]])
        for key in common.residence_keys(areas)
        if residence.get(key, {}).get("participants")
    ]
    rows.append(
        ds.row(
            "total", _("Total"), [sum(v["participants"] for v in residence.values())], total=True
        )
    )
    area_table = ds.table(
        "residence",
        _("Participants by area of residence"),
        [ds.column("PE1", INDICATORS["PE1"].name, indicator="PE1")],
        rows,
        stub=_("Area"),
    )

    data["sections"] = [
        ds.section("attendance", _("Attendance"), tables=[summary, registrations_table]),
        ds.section("participants", _("Participants"), tables=[age_table, area_table]),
    ]
    data["definitions"] = [INDICATORS[id].as_dict() for id in used]
    return data


register(
    KindSpec(
        code="R11",
        build=build,
        scopes=("event", "initiative"),
        default_timeframe="year_to_date",
        variants=("internal",),
        own_scope=True,
        schedulable=False,
        is_empty=lambda dataset: not any(k["value"] for k in dataset["kpis"]),
    )
)
