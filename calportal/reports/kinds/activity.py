"""R1 – the CAL's activity report: the CAL chapter of the OPS's annual report to the council
(art. 110 ust. 9 of the social-welfare act). Sections, tables and charts as REPORTS.md §6 R1."""

from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

import calportal.organisations.figures as organisation_figures
import calportal.team.figures as team_figures
import initiatives.figures as event_figures
import initiatives.passes.figures as pass_figures
import resources_map.figures as map_figures
import selfhelp.figures as selfhelp_figures
import volunteers.figures as volunteer_figures
from calportal.reports import dataset as ds
from calportal.reports.figures import (
    INDICATORS,
    NUMBER,
    Amount,
)
from calportal.reports.kinds import common
from calportal.reports.kinds.common import compare, rate
from calportal.reports.registry import KindSpec, Request, register

NARRATIVE = (
    ("conclusions", gettext_lazy("Conclusions")),
    ("needs", gettext_lazy("Needs for the next year")),
)
# Self-help topics with fewer members than this are merged into "other" (REPORTS.md §6 R1.7).
SELFHELP_TOPIC_MINIMUM = 5


def scope_label(request: Request) -> str:
    return _("The whole Local Activity Centre")


def build(request: Request) -> dict:
    data = common.head(
        request,
        _("Activity report of the Local Activity Centre"),
        _("The CAL chapter of the OPS's annual report to the municipal council"),
        scope_label(request),
    )
    used: list[str] = []
    sections = data["sections"]
    data["kpis"] = _kpis(request, used)
    sections.append(_initiatives(request, used))
    sections.append(_participants(request, used))
    sections.append(_attendance(request, used))
    sections.append(_passes(request, used))
    sections.append(_volunteering(request, used))
    sections.append(_selfhelp(request, used))
    sections.append(_map(request, used))
    sections.append(_partnership(request, used))
    sections.append(_funding(request, used))
    sections.append(
        ds.section(
            "conclusions",
            _("Conclusions and needs for the next year"),
            text=[_("Written by the CAL's staff before the report is marked official.")],
            narrative=[
                {"key": key, "label": str(label), "text": request.narrative.get(key, "")}
                for key, label in NARRATIVE
            ],
        )
    )
    data["definitions"] = [INDICATORS[id].as_dict() for id in dict.fromkeys(used)]
    return data


def _kpis(request: Request, used: list) -> list:
    period, compared = request.period, request.comparison
    reach_now = _reach(request, period)
    reach_then = _reach(request, compared) if compared else None

    def pair(function, *args):
        return compare(function, request, *args)

    values = [
        ("EV1", *pair(event_figures.events_held)),
        ("EV3", *pair(event_figures.activity_hours)),
        ("PE1", *pair(event_figures.participants)),
        ("AT1", *pair(event_figures.attendances)),
        ("PE3", *pair(event_figures.new_participants)),
        ("RE1", reach_now["60+"]["percent"], reach_then["60+"]["percent"] if reach_then else None),
        (
            "RE2",
            reach_now["post_working_age"]["percent"],
            reach_then["post_working_age"]["percent"] if reach_then else None,
        ),
        ("VO1", *pair(volunteer_figures.active_volunteers)),
        ("VO3", *pair(volunteer_figures.volunteer_hours)),
        ("VO4", *pair(volunteer_figures.volunteer_value)),
        (
            "PA1",
            pass_figures.passes_active_on(period.end, request.scope),
            pass_figures.passes_active_on(compared.end, request.scope) if compared else None,
        ),
        ("PA3", *pair(pass_figures.pass_uses)),
        (
            "SH1",
            sum(selfhelp_figures.groups_active(period.end, request.scope).values()),
            sum(selfhelp_figures.groups_active(compared.end, request.scope).values())
            if compared
            else None,
        ),
        (
            "SH2",
            selfhelp_figures.meetings(period, request.scope)["held"],
            selfhelp_figures.meetings(compared, request.scope)["held"] if compared else None,
        ),
        (
            "NW2",
            len(_active_partners(period)),
            len(_active_partners(compared)) if compared else None,
        ),
    ]
    used.extend(id for id, *_rest in values)
    return [ds.kpi(id, value, then) for id, value, then in values]


def _reach(request: Request, period) -> dict:
    """RE1/RE2 for the period: per area and for the municipality, with the persons whose area
    is not known counted apart. ``{"60+": {"percent", "persons", "residents", "by_area":
    {area: (persons, residents)}, "unknown": n}, "post_working_age": {…}}``."""
    persons = event_figures.reach_persons(period, request.scope)
    result = {}
    for group in ("60+", "post_working_age"):
        residents = map_figures.population_by_area(period.end.year, group)
        by_area = {}
        for area_id, population in residents.items():
            counted = persons.get(area_id, {}).get(group, 0)
            by_area[area_id] = (counted, population)
        known = [(n, p) for n, p in by_area.values() if p]
        total_persons = sum(n for n, _p in known)
        total_residents = sum(p for _n, p in known)
        result[group] = {
            "persons": total_persons,
            "residents": total_residents,
            "percent": round(total_persons * 100 / total_residents, 1) if total_residents else None,
            "by_area": by_area,
            "unknown": persons.get(common.NOT_GIVEN, {}).get(group, 0),
            # Residents of areas the population table has no figures for (e.g. a new area).
            "unpopulated": sum(n for n, p in by_area.values() if not p)
            + sum(
                values.get(group, 0)
                for key, values in persons.items()
                if key not in by_area and key not in (common.OUTSIDE, common.NOT_GIVEN)
            ),
        }
    return result


def _initiatives(request: Request, used: list) -> dict:
    rows_data = event_figures.events_by_category_kind(request.period, request.scope)
    labels = event_figures.labels()
    columns = [
        ds.column("initiatives", _("Initiatives"), unit=NUMBER),
        ds.column("EV1", INDICATORS["EV1"].name, indicator="EV1"),
        ds.column("EV3", INDICATORS["EV3"].name, indicator="EV3"),
        ds.column("EV4", INDICATORS["EV4"].name, indicator="EV4"),
        ds.column("EV5", INDICATORS["EV5"].name, indicator="EV5"),
        ds.column("AT1", INDICATORS["AT1"].name, indicator="AT1"),
        ds.column("PE1", INDICATORS["PE1"].name, indicator="PE1"),
    ]
    used.extend(["EV1", "EV3", "EV4", "EV5", "AT1", "PE1"])
    rows = []
    for (category, kind), values in sorted(rows_data.items()):
        label = f"{labels['category'].get(category, category)} – {labels['kind'].get(kind, kind)}"
        rows.append(ds.row(f"{category}:{kind}", label, _event_cells(values, len(rows))))
    period = request.period
    total = {
        "initiatives": sum(v["initiatives"] for v in rows_data.values()),
        "EV1": event_figures.events_held(period, request.scope),
        "EV3": event_figures.activity_hours(period, request.scope),
        "EV4": event_figures.places_offered(period, request.scope),
        "places_confirmed": event_figures.fill_rate(period, request.scope)[0],
        "AT1": event_figures.attendances(period, request.scope),
        "PE1": event_figures.participants(period, request.scope),
    }
    rows.append(ds.row("total", _("Total"), _event_cells(total, len(rows)), total=True))
    table = ds.table(
        "initiatives",
        _("Initiatives and events by category and kind"),
        columns,
        rows,
        stub=_("Category – kind"),
        note=_(
            "A person who took part in events of several kinds is counted once in each row and "
            "once in the total, so the rows of unique participants do not add up to the total."
        ),
    )
    return ds.section("initiatives", _("Initiatives and events"), tables=[table])


def _event_cells(values: dict, index: int) -> list:
    return [
        values["initiatives"],
        values["EV1"],
        values["EV3"],
        values["EV4"],
        rate(values["places_confirmed"], values["EV4"], derived_from=[[index, 3]]),
        values["AT1"],
        values["PE1"],
    ]


def _participants(request: Request, used: list) -> dict:
    period, scope = request.period, request.scope
    areas = map_figures.areas()
    tables, charts = [], []

    # (a) age band × gender
    split = event_figures.participants_by_age_gender(period, scope)
    tables.append(common.age_gender_table(split, "participants_age_gender"))
    sums = [cell["value"] for cell in tables[-1]["rows"][-1]["cells"][:3]]  # the total row
    charts.append(
        ds.chart(
            "pyramid",
            "pyramid",
            _("Participants by age and gender"),
            table="participants_age_gender",
            series=["female", "male"],
            summary=_(
                "%(women)s women and %(men)s men took part; %(unknown)s did not give their gender."
            )
            % {"women": sums[0], "men": sums[1], "unknown": sums[2]}
            if request.variant != "shared"  # the table's totals say it, as far as they may
            else _("Women are on the left, men on the right, one bar per age band."),
            alt=_(
                "A population pyramid of the participants: women on the left, men on the right, "
                "by age band."
            ),
        )
    )

    # (b) residence
    residence = event_figures.participants_by_residence(period, scope)
    reach = _reach(request, period)["60+"]
    columns = [
        ds.column("PE1", INDICATORS["PE1"].name, indicator="PE1"),
        ds.column("aged_60_plus", _("of whom 60+"), indicator="PE6"),
        ds.column("residents", _("Residents 60+"), unit="count"),
        ds.column("RE1", INDICATORS["RE1"].name, indicator="RE1"),
    ]
    rows = []
    for key in common.residence_keys(areas):
        values = residence.get(key, {})
        counted, population = reach["by_area"].get(key, (0, None))
        index = len(rows)
        rows.append(
            ds.row(
                key,
                common.residence_label(key, areas),
                [
                    values.get("participants", 0),
                    values.get("aged_60_plus", 0),
                    ds.cell(population, na=key in (common.OUTSIDE, common.NOT_GIVEN)),
                    rate(counted, population, derived_from=[[index, 1]])
                    if population
                    else ds.cell(None, na=True),
                ],
            )
        )
    rows.append(
        ds.row(
            "total",
            _("Total"),
            [
                sum(v.get("participants", 0) for v in residence.values()),
                sum(v.get("aged_60_plus", 0) for v in residence.values()),
                reach["residents"],
                rate(reach["persons"], reach["residents"]),
            ],
            total=True,
        )
    )
    tables.append(
        ds.table(
            "participants_residence",
            _("Participants and reach 60+ by area of residence"),
            columns,
            rows,
            stub=_("Area"),
            k=5,
            note=(
                _(
                    "Reach counts event participants and holders of an active senior pass aged "
                    "60+; persons aged 60+ whose area is not known, or whose area has no "
                    "population figures, are left out of it."
                )
                if request.variant == "shared"  # a sentence must not print a hidden count
                else _(
                    "Reach counts event participants and holders of an active senior pass aged "
                    "60+; %(unknown)s persons aged 60+ whose area is not known and %(unpopulated)s "
                    "living in areas without population figures are left out of it."
                )
                % {"unknown": reach["unknown"], "unpopulated": reach["unpopulated"]}
            ),
        )
    )
    charts.append(
        ds.chart(
            "reach_by_area",
            "hbar",
            _("Reach 60+ by area (%)"),
            table="participants_residence",
            series=["RE1"],
            summary=_(
                "In the whole municipality the CAL reached %(percent)s%% of residents aged 60+."
            )
            % {
                "percent": common.number(reach["percent"], 1)
                if common.shown(reach["persons"], request, k=5) == common.number(reach["persons"])
                else "x"
            },
            alt=_("Horizontal bars: the share of residents aged 60+ reached in each area."),
        )
    )

    boundaries = map_figures.area_boundaries()
    if boundaries:
        charts.append(
            {
                **ds.chart(
                    "reach_map",
                    "map",
                    _("Reach 60+ on the map of the municipality (%)"),
                    table="participants_residence",
                    series=["RE1"],
                    summary=_(
                        "The darker an area, the larger the share of its residents aged 60+ "
                        "the CAL reached; areas without a figure are white."
                    ),
                    alt=_("A map of the municipality's areas shaded by the reach 60+."),
                ),
                "geometry": {str(pk): geometry for pk, geometry in boundaries.items()},
            }
        )

    # (c) new and returning
    new, new_then = compare(event_figures.new_participants, request)
    total, total_then = compare(event_figures.participants, request)
    columns = [ds.column("current", _("This period"), indicator="PE1")]
    if request.comparison:
        columns.append(ds.column("comparison", _("Comparison period"), indicator="PE1"))

    def values_of(now, then):
        return [now, then] if request.comparison else [now]

    rows = [
        ds.row("new", _("New participants"), values_of(new, new_then)),
        ds.row(
            "returning",
            _("Returning participants"),
            values_of(total - new, (total_then - new_then) if request.comparison else None),
        ),
        ds.row("total", _("Total"), values_of(total, total_then), total=True),
    ]
    tables.append(
        ds.table(
            "participants_new",
            _("New and returning participants"),
            columns,
            rows,
            stub=_("Participants"),
        )
    )
    used.extend(["PE1", "PE3", "PE6", "RE1", "RE2"])

    # (d) declared disability
    disabled = event_figures.participants_with_disability(period, scope)
    tables.append(
        ds.table(
            "participants_disability",
            _("Participants with a declared disability"),
            [
                ds.column("PE5", INDICATORS["PE5"].name, indicator="PE5"),
                ds.column("share", _("Share of participants"), unit="percent", indicator=None),
            ],
            [
                ds.row(
                    "PE5",
                    _("Participants"),
                    [disabled, rate(disabled, total, derived_from=[[0, 0]])],
                )
            ],
            stub="",
            k=5,
        )
    )
    used.append("PE5")
    return ds.section("participants", _("Participants"), tables=tables, charts=charts)


def _attendance(request: Request, used: list) -> dict:
    period = request.period
    monthly = event_figures.monthly(period, request.scope)
    columns = [
        ds.column("confirmed", _("Confirmed"), indicator="RG1"),
        ds.column("waiting", _("Waiting list"), indicator="RG1"),
        ds.column("cancelled", _("Cancelled"), indicator="RG1"),
        ds.column("AT1", INDICATORS["AT1"].name, indicator="AT1"),
        ds.column("AT3", INDICATORS["AT3"].name, indicator="AT3"),
        ds.column("RG2", INDICATORS["RG2"].name, indicator="RG2"),
        ds.column("offline", _("Signed up by phone or on site"), unit="percent"),
    ]
    keys = [
        "confirmed",
        "waiting",
        "cancelled",
        "AT1",
        "present",
        "absent",
        "RG2",
        "online",
        "phone",
        "on_site",
    ]
    rows = []
    totals = dict.fromkeys(keys, 0)
    for month in common.months(period):
        values = monthly.get(month, {})
        for key in keys:
            totals[key] += values.get(key, 0)
        rows.append(ds.row(month, common.month_label(month), _attendance_cells(values, len(rows))))
    rows.append(ds.row("total", _("Total"), _attendance_cells(totals, len(rows)), total=True))
    used.extend(["RG1", "AT1", "AT3", "RG2"])
    table = ds.table(
        "attendance_monthly",
        _("Registrations and attendance by month"),
        columns,
        rows,
        stub=_("Month"),
    )

    # The chart: attendances per month with last year's line.
    chart_columns = [ds.column("AT1", _("This period"), indicator="AT1")]
    last_year = {}
    if request.comparison:
        chart_columns.append(ds.column("AT1_then", _("A year earlier"), indicator="AT1"))
        last_year = event_figures.monthly(request.comparison, request.scope)
    then_months = common.months(request.comparison) if request.comparison else []
    chart_rows = []
    for index, month in enumerate(common.months(period)):
        cells = [monthly.get(month, {}).get("AT1", 0)]
        if request.comparison:
            then_month = then_months[index] if index < len(then_months) else None
            cells.append(last_year.get(then_month, {}).get("AT1", 0) if then_month else None)
        chart_rows.append(ds.row(month, common.month_label(month), cells))
    chart_table = ds.table(
        "attendance_chart", _("Attendances per month"), chart_columns, chart_rows, stub=_("Month")
    )
    busiest = max(chart_rows, key=lambda r: r["cells"][0]["value"] or 0, default=None)
    chart = ds.chart(
        "attendances_per_month",
        "bar_line" if request.comparison else "bar",
        _("Attendances per month"),
        table="attendance_chart",
        series=["AT1"],
        line="AT1_then" if request.comparison else None,
        summary=(
            _("The busiest month was %(month)s with %(count)s attendances.")
            % {"month": busiest["label"], "count": busiest["cells"][0]["value"]}
            if request.variant != "shared"
            else _("The busiest month was %(month)s.") % {"month": busiest["label"]}
        )
        if busiest and busiest["cells"][0]["value"]
        else _("No attendances were recorded in the period."),
        alt=_("Bars: attendances in each month; a line: the same month a year earlier."),
    )
    return ds.section(
        "attendance",
        _("Registrations and attendance"),
        tables=[table, chart_table],
        charts=[chart],
    )


def _attendance_cells(values: dict, index: int) -> list:
    signups = values.get("online", 0) + values.get("phone", 0) + values.get("on_site", 0)
    present, absent = values.get("present", 0), values.get("absent", 0)
    return [
        values.get("confirmed", 0),
        values.get("waiting", 0),
        values.get("cancelled", 0),
        values.get("AT1", 0),
        rate(present, present + absent, derived_from=[[index, 3]]),
        values.get("RG2", 0),
        rate(values.get("phone", 0) + values.get("on_site", 0), signups),
    ]


def _passes(request: Request, used: list) -> dict:
    period, scope = request.period, request.scope
    users, holders = pass_figures.pass_users(period, scope)
    summary_columns = [ds.column("value", _("Value"), unit="count")]
    uses = pass_figures.pass_uses(period, scope)
    summary_rows = [
        ds.row("PA1a", INDICATORS["PA1"].name, [pass_figures.passes_active_on(period.end, scope)]),
        ds.row(
            "PA1b",
            _("Passes active on at least one day of the period"),
            [pass_figures.passes_active_in(period, scope)],
        ),
        ds.row("PA2", INDICATORS["PA2"].name, [pass_figures.passes_new(period, scope)]),
        ds.row("PA3", INDICATORS["PA3"].name, [ds.cell(uses)]),
        ds.row("PA4", INDICATORS["PA4"].name, [users]),
        ds.row(
            "usage",
            _("Usage rate (users ÷ holders of an active pass)"),
            [rate(users, holders, derived_from=[[4, 0]])],
        ),
    ]
    used.extend(["PA1", "PA2", "PA3", "PA4", "PA5"])
    summary = ds.table(
        "passes", _("The senior pass programme"), summary_columns, summary_rows, stub=_("Figure")
    )

    venues = pass_figures.venues()
    # Counted per cell in SQL: a holder who used a venue in three months is one contributor
    # to its quarter, not three (the magnitude rule needs distinct persons).
    by_venue_quarter = pass_figures.pass_uses_by_venue_quarter(period, scope)
    by_venue = pass_figures.pass_uses_by_venue(period, scope)
    pool = pass_figures.pool_use_by_venue(period, scope)
    quarters = _quarters(common.months(period))
    columns = [ds.column(q, q, indicator="PA3") for q in quarters]
    columns.append(ds.column("total", _("Total"), indicator="PA3", total=True))
    columns.append(ds.column("PA5", INDICATORS["PA5"].name, unit="percent", indicator=None))
    rows = []
    for venue_id, name in venues.items():
        per_quarter = {q: by_venue_quarter.get((venue_id, q), Amount(0)) for q in quarters}
        total = by_venue.get(venue_id, Amount(0))
        share = pool.get(venue_id, {}).get("mean_share")
        pool_cell = ds.cell(
            None if share is None else round(float(share) * 100, 1),
            derived_from=[[len(rows), len(quarters)]],
        )
        pool_cell["base"] = pool.get(venue_id, {}).get("weeks", 0) * 10  # a mean over weeks
        rows.append(
            ds.row(
                venue_id,
                name,
                [*(ds.cell(per_quarter[q]) for q in quarters), ds.cell(total), pool_cell],
            )
        )
    venue_table = ds.table(
        "pass_uses_by_venue", _("Pass uses by venue and quarter"), columns, rows, stub=_("Venue")
    )

    monthly = pass_figures.pass_uses_by_month(period, scope)
    month_rows = [
        ds.row(m, common.month_label(m), [ds.cell(monthly.get(m, Amount(0)))])
        for m in common.months(period)
    ]
    month_table = ds.table(
        "pass_uses_monthly",
        _("Pass uses per month"),
        [ds.column("PA3", INDICATORS["PA3"].name, indicator="PA3")],
        month_rows,
        stub=_("Month"),
    )
    chart = ds.chart(
        "pass_uses_per_month",
        "bar",
        _("Pass uses per month"),
        table="pass_uses_monthly",
        series=["PA3"],
        summary=_("Holders used their passes %(uses)s times in the period.")
        % {"uses": common.shown(uses, request)},
        alt=_("Bars: the number of pass uses in each month."),
    )
    return ds.section(
        "passes",
        _("The senior pass programme"),
        tables=[summary, venue_table, month_table],
        charts=[chart],
    )


def _quarters(months: list[str]) -> list[str]:
    return list(dict.fromkeys(_quarter_of(m) for m in months))


def _quarter_of(month: str) -> str:
    year, number = month.split("-")
    return f"{year} Q{(int(number) - 1) // 3 + 1}"


def _volunteering(request: Request, used: list) -> dict:
    period, scope = request.period, request.scope
    organisations = organisation_figures.organisations()
    by_org = volunteer_figures.by_organisation(period, scope)
    columns = [
        ds.column("VO1", INDICATORS["VO1"].name, indicator="VO1"),
        ds.column("VO2", INDICATORS["VO2"].name, indicator="VO2"),
        ds.column("VO3", INDICATORS["VO3"].name, indicator="VO3"),
        ds.column("VO4", INDICATORS["VO4"].name, indicator="VO4"),
        ds.column("under_30_days", _("Under 30 days"), indicator="VO5"),
        ds.column("30_days_or_more", _("30 days or more"), indicator="VO5"),
    ]
    rows = []
    for org_id, values in sorted(by_org.items(), key=lambda item: organisations.get(item[0], "")):
        rows.append(ds.row(org_id, organisations.get(org_id, "?"), _volunteer_cells(values)))
    total = {
        "VO1": volunteer_figures.active_volunteers(period, scope),
        "VO2": volunteer_figures.new_volunteers(period, scope),
        "VO3": volunteer_figures.volunteer_hours(period, scope),
        "VO4": volunteer_figures.volunteer_value(period, scope),
        **volunteer_figures.volunteer_span(period, scope),
    }
    rows.append(ds.row("total", _("Total"), _volunteer_cells(total), total=True))
    used.extend(["VO1", "VO2", "VO3", "VO4", "VO5"])
    from calportal.reports.kinds.volunteering import rates_text

    table = ds.table(
        "volunteering",
        _("Volunteering by organisation"),
        columns,
        rows,
        stub=_("Organisation"),
        note=rates_text(period),
    )

    per_month = volunteer_figures.hours_by_month_organisation(period, scope)
    org_ids = sorted({org for (_month, org) in per_month}, key=lambda o: organisations.get(o, ""))
    month_columns = [ds.column(str(o), organisations.get(o, "?"), indicator="VO3") for o in org_ids]
    month_rows = [
        ds.row(
            m, common.month_label(m), [ds.cell(per_month.get((m, o), Amount(0))) for o in org_ids]
        )
        for m in common.months(period)
    ]
    tables = [table]
    charts = []
    if org_ids:
        tables.append(
            ds.table(
                "volunteer_hours_monthly",
                _("Volunteer hours per month by organisation"),
                month_columns,
                month_rows,
                stub=_("Month"),
            )
        )
        charts.append(
            ds.chart(
                "volunteer_hours_per_month",
                "stacked",
                _("Volunteer hours per month by organisation"),
                table="volunteer_hours_monthly",
                series=[str(o) for o in org_ids],
                summary=_("Volunteers gave %(hours)s hours in the period.")
                % {"hours": common.shown(total["VO3"], request)},
                alt=_("Stacked bars: volunteer hours in each month, one colour per organisation."),
            )
        )
    return ds.section("volunteering", _("Volunteering"), tables=tables, charts=charts)


def _volunteer_cells(values: dict) -> list:
    return [
        values["VO1"],
        values["VO2"],
        ds.cell(values["VO3"]),
        ds.cell(values["VO4"]),
        values.get("under_30_days", 0),
        values.get("30_days_or_more", 0),
    ]


def _selfhelp(request: Request, used: list) -> dict:
    period, scope = request.period, request.scope
    topics = selfhelp_figures.by_topic(period, scope)
    labels = selfhelp_figures.labels()["topic"]
    merged: dict[str, dict] = {}
    for topic, values in topics.items():
        key = topic if values.get("members_stock", 0) >= SELFHELP_TOPIC_MINIMUM else "other"
        into = merged.setdefault(key, defaultdict(int))
        for name, value in values.items():
            into[name] += value
    columns = [
        ds.column("SH1", INDICATORS["SH1"].name, indicator="SH1"),
        ds.column("SH2", _("Meetings held"), indicator="SH2"),
        ds.column("SH3", INDICATORS["SH3"].name, indicator="SH3"),
        ds.column("stock", _("Members at the end"), indicator="SH4"),
        ds.column("joined", _("Joined"), indicator="SH4"),
        ds.column("left", _("Left"), indicator="SH4"),
    ]
    rows = []
    for topic in sorted(merged, key=lambda t: (t == "other", str(labels.get(t, t)))):
        v = merged[topic]
        rows.append(
            ds.row(
                topic,
                labels.get(topic, _("Other")),
                [
                    v.get("SH1", 0),
                    v.get("meetings_held", 0),
                    common.mean(
                        v.get("attendees", 0),
                        v.get("meetings_held", 0),
                        derived_from=[[len(rows), 1]],
                    ),
                    v.get("members_stock", 0),
                    v.get("joined", 0),
                    v.get("left", 0),
                ],
            )
        )
    used.extend(["SH1", "SH2", "SH3", "SH4"])
    table = ds.table(
        "selfhelp",
        _("Self-help groups by topic"),
        columns,
        rows,
        stub=_("Topic"),
        k=5,
        note=_("Topics with fewer than 5 members are shown together as other."),
    )
    if not any(any(values.values()) for values in merged.values()):
        return ds.section(
            "selfhelp",
            _("Self-help groups"),
            text=[_("No self-help group met in the period.")],
        )
    return ds.section("selfhelp", _("Self-help groups"), tables=[table])


def _map(request: Request, used: list) -> dict:
    period, scope = request.period, request.scope
    labels = map_figures.labels()
    resources = map_figures.resources(period, scope)
    needs = map_figures.needs(period, scope)
    covered, open_needs = map_figures.needs_coverage(
        period, scope, initiatives_with_events=event_figures.initiatives_with_events(period, scope)
    )
    reports = map_figures.residents_reports(period, scope)
    verified, stock = resources["verified_12_months"]
    rows = [
        ds.row(f"class:{key}", labels["resource_class"].get(key, key), [value])
        for key, value in resources["by_class"].items()
    ]
    rows.append(ds.row("new_resources", _("Resources added in the period"), [resources["new"]]))
    rows.append(
        ds.row(
            "verified", _("Resources checked in the last 12 months (%)"), [rate(verified, stock)]
        )
    )
    rows += [
        ds.row(f"need:{key}", labels["need_status"].get(key, key), [value])
        for key, value in needs["by_status"].items()
    ]
    rows.append(ds.row("new_needs", _("Needs found in the period"), [needs["new"]]))
    rows.append(ds.row("MP3", INDICATORS["MP3"].name, [rate(covered, open_needs)]))
    for outcome, value in reports.get("by_outcome", {}).items():
        rows.append(
            ds.row(f"report:{outcome}", labels["report_status"].get(outcome, outcome), [value])
        )
    median = reports.get("median_days_to_decision")
    rows.append(
        ds.row(
            "median",
            _("Median days to a decision on a resident's report"),
            [ds.cell(median, na=median is None)],
        )
    )
    used.extend(["MP1", "MP2", "MP3", "MP4"])
    table = ds.table(
        "map",
        _("The map of needs and resources"),
        [ds.column("value", _("Value"), unit=NUMBER)],
        rows,
        stub=_("Figure"),
    )
    return ds.section("map", _("The map of needs and resources"), tables=[table])


def _active_partners(period) -> set:
    return (
        event_figures.organisations_active(period)
        | volunteer_figures.organisations_active(period)
        | pass_figures.organisations_active(period)
    )


def _first_activities() -> dict:
    first: dict = {}
    for source in (event_figures, volunteer_figures, pass_figures):
        for org, day in source.organisations_first_activity().items():
            if org not in first or day < first[org]:
                first[org] = day
    return first


def _partnership(request: Request, used: list) -> dict:
    period = request.period
    sectors = organisation_figures.stakeholders_by_sector(period.end)
    labels = organisation_figures.labels()["sector"]
    active = _active_partners(period)
    first = _first_activities()
    new = {org for org in active if first.get(org) and first[org] in period}
    rows = [
        ds.row(f"sector:{key}", labels.get(key, key), [value]) for key, value in sectors.items()
    ]
    rows.append(
        ds.row("NW1", _("Organisations in the catalogue"), [sum(sectors.values())], total=True)
    )
    partner_rows = [
        ds.row("new", _("New partners"), [len(new)]),
        ds.row("continuing", _("Continuing partners"), [len(active - new)]),
        ds.row("NW2", INDICATORS["NW2"].name, [len(active)], total=True),
        ds.row("NW3", INDICATORS["NW3"].name, [team_figures.team_meetings(period)]),
    ]
    used.extend(["NW1", "NW2", "NW3"])
    column = [ds.column("value", _("Value"), unit=NUMBER)]
    return ds.section(
        "partnership",
        _("Partnership"),
        tables=[
            ds.table("stakeholders", _("Stakeholders by sector"), column, rows, stub=_("Sector")),
            ds.table(
                "partners", _("Partners and the CAL team"), column, partner_rows, stub=_("Figure")
            ),
        ],
    )


def _funding(request: Request, used: list) -> dict:
    funding = event_figures.funding_by_source(request.period, request.scope)
    labels = event_figures.labels()["funding_source"]
    rows = [ds.row(key, labels.get(key, key), [value]) for key, value in sorted(funding.items())]
    rows.append(ds.row("total", _("Total"), [sum(funding.values())], total=True))
    used.append("FI1")
    table = ds.table(
        "funding",
        _("Funding in the period"),
        [ds.column("amount", _("Amount (PLN)"), unit="pln")],
        rows,
        stub=pgettext("funding", "Source"),
        note=_("Amounts are those of whole initiatives; funding is not yet recorded by period."),
    )
    return ds.section("funding", _("Funding"), tables=[table])


def is_empty(dataset: dict) -> bool:
    """Nothing happened: no event held, no volunteer hour, no pass use."""
    values = {k["id"]: k["value"] for k in dataset["kpis"]}
    return not any(values.get(id) for id in ("EV1", "VO3", "PA3"))


register(
    KindSpec(
        code="R1",
        build=build,
        scopes=("cal",),
        default_timeframe="year_previous",
        team_shared=True,
        narrative=NARRATIVE,
        is_empty=is_empty,
    )
)
