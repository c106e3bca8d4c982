"""R4 – the project report and participant monitoring (REPORTS.md §6 R4) for one funding
agreement (``Scope(project=pk)``) and a period (the project's dates, one reporting period or any
dates; clipped to the project's dates):

(a) the agreement's indicators: target women/men/total, achieved in the period, cumulative
    from the project's start to the period's end, % of the target;
(b) the participants who **started** support in the period (PR1) by ESF+ age band × sex, with
    "not given" reported separately and flagged;
(c) the same persons by declared disability (k = 5), urban/rural and area;
(d) the support delivered: events, hours, attendances, participants, attendances per
    participant;

and a chart of the participants who started per month against the monthly pace the target
needs. OPS staff only (the default audience); the shared variant (for the funder) hides small
numbers (REPORTS.md §3).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import initiatives.figures as event_figures
import resources_map.figures as map_figures
from calportal.projects import figures as project_figures
from calportal.projects.figures import ESF_BAND_KEYS, SETTLEMENT_KEYS
from calportal.reports import dataset as ds
from calportal.reports.figures import AGE_UNKNOWN, HOURS, INDICATORS, MEAN, NUMBER, PERCENT
from calportal.reports.kinds import common
from calportal.reports.periods import Period
from calportal.reports.registry import KindSpec, Request, register

SEXES = ("female", "male", "not_given")


def _sex_columns(indicator: str) -> list[dict]:
    labels = {"female": _("Women"), "male": _("Men"), "not_given": _("Not given (flagged)")}
    columns = [ds.column(sex, labels[sex], indicator=indicator) for sex in SEXES]
    columns.append(ds.column("total", _("Total"), indicator=indicator, total=True))
    return columns


def _sex_table(table_id, title, split, keys, labels, indicator, stub, note=None) -> dict:
    rows = []
    for key in keys:
        cells = [split.get((key, sex), 0) for sex in SEXES]
        rows.append(ds.row(key, labels[key], [*cells, sum(cells)]))
    sums = [sum(split.get((key, sex), 0) for key in keys) for sex in SEXES]
    rows.append(ds.row("total", _("Total"), [*sums, sum(sums)], total=True))
    return ds.table(table_id, title, _sex_columns(indicator), rows, stub=stub, note=note)


def _indicator_table(project, period: Period, cumulative: Period | None) -> dict:
    """(a): one row per indicator of the agreement."""
    from calportal.projects.models import Measure

    started_now = _by_sex(project_figures.started_by_band_sex(period, project))
    started_all = (
        _by_sex(project_figures.started_by_band_sex(cumulative, project))
        if cumulative
        else (0, 0, 0)
    )
    typed_now = project_figures.typed_values(project, period)
    typed_all = project_figures.typed_values(project, cumulative) if cumulative else {}
    # A row per indicator and measure (target, the period, cumulative) and four columns: a
    # table of ten narrow columns is unreadable on A4.
    columns = [
        ds.column("women", _("Women"), indicator="PR1"),
        ds.column("men", _("Men"), indicator="PR1"),
        ds.column("total", _("Total"), indicator="PR1"),
        ds.column("achieved", _("Share of the target (%)"), unit=PERCENT),
    ]
    rows = []
    for indicator in project.indicators.all():
        if indicator.measure == Measure.STARTED:
            now, so_far = started_now, started_all
        else:
            # Nothing typed for these periods yet: "." (no data), not a misleading 0.
            now = typed_now.get(indicator.pk, (None, None, None))
            so_far = typed_all.get(indicator.pk, (None, None, None))
        key = f"indicator-{indicator.pk}"
        name = f"{indicator.name} ({indicator.get_kind_display()})"
        if so_far[2] is None:
            percent = {**ds.cell(None), "unit": PERCENT}
        else:
            percent = common.rate(
                so_far[2], indicator.target_total, derived_from=[[f"{key}-cumulative", "total"]]
            )
            # % of a target: its base is the target, not a sample; printed whenever there is one.
            percent["base"] = max(percent["base"], 10) if indicator.target_total else 0
        targets = [indicator.target_women, indicator.target_men, indicator.target_total]
        not_applicable = ds.cell(None, na=True)
        target_label, period_label = _("target"), _("in the period")
        cumulative_label = _("cumulative")
        rows += [
            ds.row(
                f"{key}-target",
                f"{name}: {target_label}",
                [{**ds.cell(value), "unit": NUMBER} for value in targets] + [not_applicable],
            ),
            ds.row(f"{key}-period", f"{name}: {period_label}", [*now, not_applicable]),
            ds.row(f"{key}-cumulative", f"{name}: {cumulative_label}", [*so_far, percent]),
        ]
    return ds.table(
        "indicators",
        _("Project indicators"),
        columns,
        rows,
        stub=_("Indicator"),
        note=_(
            "The totals include persons whose sex is not given. In the period: achieved in the "
            "reported period; cumulative: from the project's start to the end of the period; "
            "the share of the target is the cumulative total's. Indicators typed in by staff "
            "count the reporting periods that lie within these dates."
        ),
    )


def _by_sex(split: dict) -> tuple[int, int, int]:
    """(women, men, total) from a ``{(key, sex): n}`` split; total includes "not given"."""
    women = sum(n for (_key, sex), n in split.items() if sex == "female")
    men = sum(n for (_key, sex), n in split.items() if sex == "male")
    return women, men, sum(split.values())


def build(request: Request) -> dict:
    from calportal.projects.models import Project

    project = Project.objects.get(pk=request.scope.project)
    # The figures count the project's events only (they lie within its dates), so a period
    # reaching outside the project changes nothing but the dates printed: clip it.
    start = max(request.period.start, project.start)
    end = min(request.period.end, project.end)
    period = Period(start, end) if start <= end else request.period
    # From the project's start to the period's end; a period before the project: empty.
    cumulative = Period(project.start, period.end) if period.end >= project.start else None
    scope = request.scope
    data = common.head(request, _("Project report"), project.name, project.name)
    data["scope"]["id"] = project.pk
    data["project"] = {
        "name": project.name,
        "funder": project.funder,
        "programme": project.programme,
        "agreement_number": project.agreement_number,
        "start": project.start.isoformat(),
        "end": project.end.isoformat(),
        "retention_end": project.retention_end.isoformat(),
    }

    by_band = project_figures.started_by_band_sex(period, project)
    started_total = sum(by_band.values())
    started_cumulative = (
        sum(project_figures.started_by_band_sex(cumulative, project).values()) if cumulative else 0
    )
    held = event_figures.events_held(period, scope)
    hours = event_figures.activity_hours(period, scope)
    attendances = event_figures.attendances(period, scope)
    participants = event_figures.participants(period, scope)
    data["kpis"] = [
        ds.kpi("PR1", started_total),
        ds.kpi("PR1", started_cumulative, label=_("Started support since the project began")),
        # PE1 also guards the shared variant (REPORTS.md §3.6).
        ds.kpi("PE1", participants),
        ds.kpi("EV1", held),
        ds.kpi("AT1", attendances),
    ]

    agreement_text = [
        _("Funder: %(funder)s.") % {"funder": project.funder},
        _("Agreement number: %(number)s%(date)s.")
        % {
            "number": project.agreement_number,
            "date": f" ({project.agreement_date:%d.%m.%Y})" if project.agreement_date else "",
        },
        _("Project dates: %(dates)s; documents kept until %(kept)s.")
        % {
            "dates": common.period_label(Period(project.start, project.end)),
            "kept": f"{project.retention_end:%d.%m.%Y}",
        },
        _("Reported period: %(period)s.") % {"period": common.period_label(period)},
    ]
    if project.programme:
        agreement_text.insert(1, _("Programme: %(name)s.") % {"name": project.programme})

    indicators = _indicator_table(project, period, cumulative)

    band_labels = {key: key for key in ESF_BAND_KEYS}
    band_labels["<18"] = _("under 18")
    band_labels[AGE_UNKNOWN] = _("Age not given")
    started_table = _sex_table(
        "started_age_sex",
        _("Participants who started support by age and sex"),
        by_band,
        ESF_BAND_KEYS,
        band_labels,
        "PR1",
        _("Age in the year of the first support"),
        note=_(
            "“Not given”: the person did not give their sex; ESF+ reporting needs it, so the "
            "column is flagged for completing from the project's forms."
        ),
    )

    disability = _sex_table(
        "started_disability",
        _("Participants who started support by declared disability"),
        project_figures.started_by_disability_sex(period, project),
        ("declared", "not_declared"),
        {"declared": _("Disability declared"), "not_declared": _("Not declared")},
        "PR2",
        _("Disability"),
    )
    settlement_labels = {
        "urban": _("Urban area"),
        "rural": _("Rural area"),
        "outside": _("Outside the municipality"),
        "not_given": _("Not given"),
    }
    settlement = _sex_table(
        "started_urban_rural",
        _("Participants who started support: urban or rural"),
        project_figures.started_by_settlement_sex(period, project),
        SETTLEMENT_KEYS,
        settlement_labels,
        "PR1",
        _("Place of residence"),
    )
    areas = map_figures.areas()
    by_area = project_figures.started_by_area(period, project)
    area_rows = [
        ds.row(key, common.residence_label(key, areas), [by_area[key]])
        for key in common.residence_keys(areas)
        if by_area.get(key)
    ]
    area_rows.append(ds.row("total", _("Total"), [sum(by_area.values())], total=True))
    area_table = ds.table(
        "started_area",
        _("Participants who started support by area"),
        [ds.column("PR1", INDICATORS["PR1"].name, indicator="PR1")],
        area_rows,
        stub=_("Area"),
    )

    delivered = ds.table(
        "support",
        _("Support delivered in the period"),
        [ds.column("value", _("Value"))],
        [
            ds.row("EV1", INDICATORS["EV1"].name, [{**ds.cell(held), "unit": NUMBER}]),
            ds.row("EV3", INDICATORS["EV3"].name, [{**ds.cell(hours), "unit": HOURS}]),
            ds.row("AT1", INDICATORS["AT1"].name, [attendances]),
            ds.row("PE1", INDICATORS["PE1"].name, [participants]),
            ds.row(
                "PE4",
                INDICATORS["PE4"].name,
                [common.mean(attendances, participants, derived_from=[["AT1", "value"]])],
            ),
        ],
        stub=_("Figure"),
    )

    chart_table, chart = _chart(request, project, period)
    data["sections"] = [
        ds.section("agreement", _("The agreement"), text=agreement_text, tables=[indicators]),
        ds.section(
            "started",
            _("Participants who started support"),
            tables=[started_table, disability, settlement, area_table, chart_table],
            charts=[chart],
        ),
        ds.section("support", _("Support delivered"), tables=[delivered]),
    ]
    data["definitions"] = [
        INDICATORS[id].as_dict() for id in ("PR1", "PR2", "EV1", "EV3", "AT1", "PE1", "PE4")
    ]
    return data


def _chart(request: Request, project, period: Period) -> tuple[dict, dict]:
    """The chart of participants who started per month, and its data table."""
    from calportal.projects.models import Measure

    monthly = project_figures.started_by_month(period, project)
    target = (
        project.indicators.filter(measure=Measure.STARTED).values_list("target_total", flat=True)
    ).first()
    project_months = len(common.months(Period(project.start, project.end)))
    pace = round(target / project_months, 1) if target and project_months else None
    columns = [ds.column("PR1", _("Started support"), indicator="PR1")]
    if pace is not None:
        columns.append(ds.column("pace", _("Monthly pace to reach the target"), unit=MEAN))
    rows = []
    for month in common.months(period):
        cells = [monthly.get(month, 0)]
        if pace is not None:
            cells.append({**ds.cell(pace), "unit": MEAN})
        rows.append(ds.row(month, common.month_label(month), cells))
    table = ds.table(
        "started_monthly",
        _("Participants who started support per month"),
        columns,
        rows,
        stub=_("Month"),
    )
    total = sum(monthly.values())
    summary = (
        _(
            "%(count)s persons started support in the period; the target needs about "
            "%(pace)s a month."
        )
        % {"count": common.shown(total, request), "pace": common.number(pace, 1)}
        if pace is not None
        else _("%(count)s persons started support in the period.")
        % {"count": common.shown(total, request)}
    )
    chart = ds.chart(
        "started_per_month",
        "bar_line" if pace is not None else "bar",
        _("Participants who started support per month"),
        table="started_monthly",
        series=["PR1"],
        line="pace" if pace is not None else None,
        summary=summary,
        alt=_(
            "Bars: persons who started support in each month; a line: the monthly pace the "
            "project's target needs (the target divided by the project's months)."
        ),
    )
    return table, chart


register(
    KindSpec(
        code="R4",
        build=build,
        scopes=("project",),
        default_timeframe="year_to_date",
        default_comparison="none",
        variants=("internal", "shared"),
        formats=("pdf", "xlsx"),
        description=gettext_lazy(
            "A project's (funding agreement's) report: its indicators against the targets, the "
            "participants who started support by sex and ESF+ age band, disability, urban or "
            "rural residence and area, and the support delivered."
        ),
    )
)
