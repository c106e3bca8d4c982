"""R5 – the evaluation of the CAL's effectiveness (the CAL team's task 6; REPORTS.md §6 R5):
each indicator over the last five years against the target staff set, with a status, and the
soft results measured outside the portal (surveys)."""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import initiatives.figures as event_figures
import resources_map.figures as map_figures
import volunteers.figures as volunteer_figures
from calportal.reports import dataset as ds
from calportal.reports.figures import (
    COUNT,
    INDICATORS,
    MEAN,
    NUMBER,
    PERCENT,
    WHOLE_CAL,
    define,
)
from calportal.reports.kinds import activity, common
from calportal.reports.kinds.common import rate
from calportal.reports.periods import Period
from calportal.reports.registry import KindSpec, Request, register

PE7 = define(
    "PE7",
    gettext_lazy("Children with a declared disability reached"),
    gettext_lazy(
        "Persons in PE5 (a present registration declaring a disability certificate) under 18 in "
        "the year of their first attendance in the period (REPORTS.md §6 R5, the target group "
        '"disabled children").'
    ),
    k=5,
)
VO9 = define(
    "VO9",
    gettext_lazy("Volunteers living in the municipality"),
    gettext_lazy(
        "Volunteers of VO1 who named at least one area of the municipality where they can help "
        "(the portal keeps no addresses)."
    ),
)
IN1 = define(
    "IN1",
    gettext_lazy("Initiatives with a partner organisation (%)"),
    gettext_lazy(
        "Initiatives with an event in E(P) that have at least one partner organisation, divided "
        "by the initiatives with an event in E(P), × 100."
    ),
    unit=PERCENT,
)
IN2 = define(
    "IN2",
    gettext_lazy("Categories of activity covered"),
    gettext_lazy(
        "How many of the four categories (integration, health and prevention, support, active "
        "leisure) had an event in E(P)."
    ),
    unit=NUMBER,
)
MP5 = define(
    "MP5",
    gettext_lazy("Resources used by an initiative (%)"),
    gettext_lazy(
        "Resources on the map at the end of the period used by at least one initiative that had "
        "an event in E(P), divided by the resources on the map, × 100."
    ),
    unit=PERCENT,
)
WINDOW = 5  # years (REPORTS.md §6 R5, "trend window (default 5 years)")
SHARED_K = 5  # the trends table holds disability figures (REPORTS.md §3.2)
# Targets that ship with the portal; staff change them on the targets page.
DEFAULT_TARGETS = {"RE2": 12}


def _share(numerator, denominator) -> dict:
    return rate(numerator, denominator)


def _rows() -> list[tuple[str, str, str, object]]:
    """(key, label, unit, function(period) -> value or cell) for every row of the table."""

    def reach(group):
        def compute(period):
            result = activity._reach(
                Request("R5", period, None, WHOLE_CAL, "internal", "pl"), period
            )
            return rate(result[group]["persons"], result[group]["residents"])

        return compute

    def pe3_share(period):
        return _share(
            event_figures.new_participants(period, WHOLE_CAL),
            event_figures.participants(period, WHOLE_CAL),
        )

    def returning_share(period):
        total = event_figures.participants(period, WHOLE_CAL)
        return _share(total - event_figures.new_participants(period, WHOLE_CAL), total)

    def pe4(period):
        return common.mean(
            event_figures.attendances(period, WHOLE_CAL),
            event_figures.participants(period, WHOLE_CAL),
        )

    def pe5_share(period):
        return _share(
            event_figures.participants_with_disability(period, WHOLE_CAL),
            event_figures.participants(period, WHOLE_CAL),
        )

    def coverage(period):
        return _share(
            *map_figures.needs_coverage(
                period,
                WHOLE_CAL,
                initiatives_with_events=event_figures.initiatives_with_events(period, WHOLE_CAL),
            )
        )

    def resources_used(period):
        return _share(*map_figures.share_of_resources_used(period, WHOLE_CAL))

    def partners(period):
        return len(activity._active_partners(period))

    def new_partners(period):
        first = activity._first_activities()
        return sum(
            1
            for org in activity._active_partners(period)
            if first.get(org) and first[org] in period
        )

    def initiatives_with_partner(period):
        return _share(*event_figures.initiatives_with_partner(period, WHOLE_CAL))

    def reports_received(period):
        return sum(map_figures.residents_reports(period, WHOLE_CAL).get("by_outcome", {}).values())

    return [
        ("RE1", INDICATORS["RE1"].name, PERCENT, reach("60+")),
        ("RE2", INDICATORS["RE2"].name, PERCENT, reach("post_working_age")),
        ("PE1", INDICATORS["PE1"].name, COUNT, lambda p: event_figures.participants(p, WHOLE_CAL)),
        ("PE3_share", _("Share of new participants (%)"), PERCENT, pe3_share),
        ("returning_share", _("Share of returning participants (%)"), PERCENT, returning_share),
        ("PE4", INDICATORS["PE4"].name, MEAN, pe4),
        (
            "PE5_share",
            _("Share of participants with a declared disability (%)"),
            PERCENT,
            pe5_share,
        ),
        (
            "children_disability",
            INDICATORS["PE7"].name,
            COUNT,
            lambda p: event_figures.children_with_disability(p, WHOLE_CAL),
        ),
        ("MP3", INDICATORS["MP3"].name, PERCENT, coverage),
        (
            "resources_used",
            INDICATORS["MP5"].name,
            PERCENT,
            resources_used,
        ),
        ("NW2", INDICATORS["NW2"].name, NUMBER, partners),
        ("NW2_new", _("New partners"), NUMBER, new_partners),
        (
            "VO1",
            INDICATORS["VO1"].name,
            COUNT,
            lambda p: volunteer_figures.active_volunteers(p, WHOLE_CAL),
        ),
        (
            "VO3",
            INDICATORS["VO3"].name,
            "hours",
            lambda p: volunteer_figures.volunteer_hours(p, WHOLE_CAL),
        ),
        (
            "resident_volunteers",
            INDICATORS["VO9"].name,
            COUNT,
            lambda p: volunteer_figures.resident_volunteers(p, WHOLE_CAL),
        ),
        ("MP4", _("Residents' reports received"), COUNT, reports_received),
        (
            "with_partner",
            INDICATORS["IN1"].name,
            PERCENT,
            initiatives_with_partner,
        ),
        (
            "categories",
            INDICATORS["IN2"].name,
            NUMBER,
            lambda p: event_figures.categories_covered(p, WHOLE_CAL),
        ),
    ]


def yearly_functions() -> dict:
    """``{row key: function(period) -> value or rate cell}`` for the whole CAL, the same
    functions R5's table is made of (R3 takes the yearly values of its portal indicators from
    them: :mod:`calportal.strategy.portal`)."""
    return {key: compute for key, _label, _unit, compute in _rows()}


INDICATOR_IDS = (
    "RE1",
    "RE2",
    "PE1",
    "PE3",
    "PE4",
    "PE5",
    "PE7",
    "MP3",
    "MP5",
    "NW2",
    "VO1",
    "VO3",
    "VO9",
    "MP4",
    "IN1",
    "IN2",
)


def years(request: Request) -> list[Period]:
    """The window's yearly periods, oldest first; the last ends with the report's period."""
    last = request.period.end.year
    periods = []
    for year in range(last - WINDOW + 1, last + 1):
        end = datetime.date(year, 12, 31) if year < last else request.period.end
        periods.append(Period(datetime.date(year, 1, 1), end))
    return periods


def status(values: list, target) -> str:
    """``achieved`` (the last value meets the target), ``in_progress`` (below it but not
    lower than the year before), ``at_risk`` (below it and falling) or ``no_data``."""
    known = [v for v in values if v is not None]
    if not known or values[-1] is None:
        return "no_data"
    if target is not None and float(values[-1]) >= float(target):
        return "achieved"
    if target is None:
        return "no_target"
    if len(known) >= 2 and float(known[-1]) < float(known[-2]):
        return "at_risk"
    return "in_progress"


def build(request: Request) -> dict:
    from calportal.reports.selectors import soft_results, targets

    data = common.head(
        request,
        _("Evaluation of the effectiveness of the Local Activity Centre"),
        _("Indicators over %(years)s years against their targets") % {"years": WINDOW},
        activity.scope_label(request),
    )
    periods = years(request)
    goal = {**DEFAULT_TARGETS, **targets()}
    status_labels = {
        "achieved": _("achieved"),
        "in_progress": _("in progress"),
        "at_risk": _("at risk"),
        "no_data": _("no data"),
        "no_target": _("no target set"),
    }
    columns = [ds.column(str(p.start.year), str(p.start.year), unit=COUNT) for p in periods]
    columns.append(ds.column("target", _("Target"), unit=COUNT))
    rows = []
    for key, label, unit, compute in _rows():
        cells = []
        for period in periods:
            value = compute(period)
            cell = value if isinstance(value, dict) else ds.cell(value)
            cells.append(cell)
        target = goal.get(key)
        row = ds.row(key, label, [*cells, ds.cell(target, na=target is None)])
        for cell in row["cells"]:
            cell["unit"] = unit
        row["cells"][-1]["unit"] = NUMBER if unit == COUNT else unit  # a target is no person
        values = [c["value"] for c in row["cells"][:-1]]
        small = unit == COUNT and any(v is not None and 0 < v < SHARED_K for v in values)
        if request.variant == "shared" and small:
            # The status would tell something about a value the shared table hides.
            row["status"] = str(status_labels["no_data"])
        else:
            row["status"] = str(status_labels[status(values, target)])
        row["label"] = f"{label} – {row['status']}"
        rows.append(row)
    table = ds.table(
        "trends",
        _("Indicators and targets"),
        columns,
        rows,
        stub=_("Indicator"),
        note=_("After each indicator: its status against the target."),
        # Two rows are about declared disability (REPORTS.md §3.2: k = 5 for such tables).
        k=SHARED_K,
    )
    re2 = next(r for r in rows if r["key"] == "RE2")
    trend_table = ds.table(
        "trend_chart",
        _("Reach of the post-working-age population per year"),
        [ds.column("RE2", INDICATORS["RE2"].name, indicator="RE2")],
        [
            ds.row(str(p.start.year), str(p.start.year), [re2["cells"][i]])
            for i, p in enumerate(periods)
        ],
        stub=_("Year"),
    )
    charts = [
        ds.chart(
            "trends",
            "bar",
            _("Reach of the post-working-age population per year (%)"),
            table="trend_chart",
            series=["RE2"],
            summary=_("The CAL's target is to reach more than %(target)s%% of them.")
            % {"target": common.number(goal.get("RE2"), 0)},
            alt=_("Bars: the reach of the post-working-age population in each year."),
        )
    ]
    soft = soft_results(periods[0].start.year, periods[-1].start.year)
    soft_rows = []
    for index, result in enumerate(soft):
        soft_rows.append(
            ds.row(
                result["pk"],
                f"{result['year']}: {result['question']}",
                [
                    result["respondents"],
                    {
                        **ds.cell(float(result["positive_percent"]), derived_from=[[index, 0]]),
                        "base": result["respondents"],
                    },
                ],
            )
        )
    soft_table = ds.table(
        "soft_results",
        _("Results measured outside the portal"),
        [
            ds.column("respondents", _("Respondents")),
            ds.column("positive", _("Answering positively (%)"), unit=PERCENT),
        ],
        soft_rows,
        stub=_("Question"),
        k=5,
    )
    area_table, area_charts = _post_working_age_by_area(request, periods[-1])
    charts += area_charts
    tables = [table, trend_table, area_table]
    data["sections"] = [
        ds.section("trends", _("Indicators over five years"), tables=tables, charts=charts),
        ds.section(
            "soft",
            _("Soft results"),
            tables=[soft_table] if soft_rows else [],
            text=[]
            if soft_rows
            else [_("No results measured outside the portal were entered for these years.")],
        ),
    ]
    data["kpis"] = [
        ds.kpi("PE1", rows[2]["cells"][-2]["value"], rows[2]["cells"][-3]["value"]),
        ds.kpi("VO1", rows[12]["cells"][-2]["value"], rows[12]["cells"][-3]["value"]),
    ]
    data["definitions"] = [INDICATORS[id].as_dict() for id in INDICATOR_IDS]
    return data


def _post_working_age_by_area(request: Request, period: Period) -> tuple[dict, list]:
    """RE2 for each area in the report's last year, as a table and (when the areas have
    boundaries) a map."""
    areas = map_figures.areas()
    reach = activity._reach(request, period)["post_working_age"]
    rows = []
    for area_id, values in areas.items():
        persons, residents = reach["by_area"].get(area_id, (0, None))
        rows.append(
            ds.row(
                area_id,
                values["name"],
                [
                    persons,
                    ds.cell(residents, na=residents is None),
                    rate(persons, residents) if residents else ds.cell(None, na=True),
                ],
            )
        )
    rows.append(
        ds.row(
            "total",
            _("Total"),
            [reach["persons"], reach["residents"], rate(reach["persons"], reach["residents"])],
            total=True,
        )
    )
    table = ds.table(
        "re2_by_area",
        _("Reach of the post-working-age population by area, %(year)s") % {"year": period.end.year},
        [
            ds.column("persons", _("Persons reached"), unit=COUNT),
            ds.column("residents", _("Residents of post-working age"), unit=NUMBER),
            ds.column("RE2", INDICATORS["RE2"].name, indicator="RE2"),
        ],
        rows,
        stub=_("Area"),
        k=5,
    )
    boundaries = map_figures.area_boundaries()
    charts = []
    if boundaries:
        charts.append(
            {
                **ds.chart(
                    "re2_map",
                    "map",
                    _("Reach of the post-working-age population on the map (%)"),
                    table="re2_by_area",
                    series=["RE2"],
                    summary=_(
                        "The darker an area, the larger the share of its residents of "
                        "post-working age the CAL reached; the target is more than %(target)s%%."
                    )
                    % {"target": 12},
                    alt=_("A map of the municipality's areas shaded by the reach of the "
                          "post-working-age population."),
                ),
                "geometry": {str(pk): geometry for pk, geometry in boundaries.items()},
            }
        )  # fmt: skip
    return table, charts


register(
    KindSpec(
        code="R5",
        build=build,
        scopes=("cal",),
        default_timeframe="year_previous",
        team_shared=True,
    )
)
