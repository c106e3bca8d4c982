"""R3 – monitoring of the indicators of the strategy and the programmes (REPORTS.md §6 R3):
for every indicator set of the registry (§9 D7) a section, a table per objective with each
indicator's baseline, target, values of the year before and of the year, Δ, the share of the
path to the target achieved and a status, and a progress chart.

One run covers every set (the request form has no "indicator set" parameter). The year Y is
the year the period ends in (default: the previous year). The texts of the table (unit, years,
status, source) are kept on their cells as ``"text"`` and printed by :func:`with_texts`, which
the engine applies after the suppression rule to every rendering (``KindSpec.with_inputs``).
"""

import copy
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from calportal.reports import dataset as ds
from calportal.reports.figures import INDICATORS, MEAN, NUMBER, PERCENT, Amount, define
from calportal.reports.finalise import format_value
from calportal.reports.kinds import common
from calportal.reports.registry import KindSpec, Request, register

SI1 = define(
    "SI1",
    gettext_lazy("Share of the path to the target achieved (%)"),
    gettext_lazy(
        "(value in the year − baseline value) ÷ (target value − baseline value) × 100, shown "
        "only when the target differs from the baseline. 100% or more: the target is reached; "
        "below 0%: the value moved away from the target. For an indicator whose target is "
        "below its baseline (lower is better) the same formula gives the share of the planned "
        "fall achieved."
    ),
    unit=PERCENT,
)
SI2 = define(
    "SI2",
    gettext_lazy("Status of an indicator"),
    gettext_lazy(
        "achieved: the value of the year reached the target in the target's direction (not "
        "below it when the target is above the baseline, not above it when the target is below "
        "the baseline, not below it when the target keeps the baseline's level); at risk: not "
        "achieved and the share of the path achieved (SI1) is more than 10 percentage points "
        "below the share of time elapsed, (year − baseline year) ÷ (target year − baseline "
        "year) × 100, at most 100 (a target that keeps the level and is not held is at risk "
        "too); in progress: otherwise; no data: no value for the year (or, in the shared "
        "variant, a value that is not published). Values typed in by staff are marked “typed "
        "in”; the others are the portal's indicators for the whole CAL in the calendar year."
    ),
    unit=NUMBER,
)

ACHIEVED, IN_PROGRESS, AT_RISK, NO_DATA = "achieved", "in_progress", "at_risk", "no_data"
TOLERANCE = Decimal(10)  # percentage points a path may lag behind the time elapsed


def status_labels() -> dict[str, str]:
    return {
        ACHIEVED: _("achieved"),
        IN_PROGRESS: _("in progress"),
        AT_RISK: _("at risk"),
        NO_DATA: _("no data"),
    }


def path_share(value, baseline, target) -> Decimal | None:
    """SI1: ``(value − baseline) ÷ (target − baseline) × 100`` to 0.1; None when the value is
    missing or the target equals the baseline."""
    if value is None or Decimal(target) == Decimal(baseline):
        return None
    share = (Decimal(str(value)) - Decimal(baseline)) * 100 / (Decimal(target) - Decimal(baseline))
    return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def time_share(year: int, baseline_year: int, target_year: int) -> Decimal:
    """The share of the time from the baseline year to the target year elapsed by ``year``,
    in % (0–100); 100 when the two years are the same."""
    if target_year <= baseline_year:
        return Decimal(100)
    share = Decimal(year - baseline_year) * 100 / Decimal(target_year - baseline_year)
    return min(max(share, Decimal(0)), Decimal(100))


def status(value, *, baseline, target, baseline_year: int, target_year: int, year: int) -> str:
    """SI2 (see its definition): ``"achieved"``, ``"in_progress"``, ``"at_risk"`` or
    ``"no_data"``."""
    if value is None:
        return NO_DATA
    value, baseline, target = Decimal(str(value)), Decimal(baseline), Decimal(target)
    if target > baseline:
        reached = value >= target
    elif target < baseline:
        reached = value <= target
    else:
        return ACHIEVED if value >= target else AT_RISK
    if reached:
        return ACHIEVED
    share = path_share(value, baseline, target)
    if share < time_share(year, baseline_year, target_year) - TOLERANCE:
        return AT_RISK
    return IN_PROGRESS


# --- text cells --------------------------------------------------------------------------------


def text_cell(text, *, hidden_with: str | None = None) -> dict:
    """A cell that prints a text (a unit, a year, a status); ``hidden_with``: the key of the
    column whose cell, when the shared variant hides it, hides this text too ("—")."""
    return {**ds.cell(None), "unit": NUMBER, "text": str(text), "hidden_with": hidden_with}


def with_texts(dataset: dict, narrative: dict | None = None) -> dict:
    """Print the texts of :func:`text_cell` cells (their ``"display"``). Applied after
    finalise, which writes only numbers; returns a changed copy."""
    dataset = copy.deepcopy(dataset)
    for section in dataset.get("sections", []):
        for table in section["tables"]:
            keys = [column["key"] for column in table["columns"]]
            for row in table["rows"]:
                for cell in row["cells"]:
                    if cell.get("text") is None:
                        continue
                    hidden = cell.get("hidden_with")
                    if hidden and row["cells"][keys.index(hidden)].get("suppressed"):
                        cell["display"] = "—"
                    else:
                        cell["display"] = cell["text"]
    return dataset


# --- the report ----------------------------------------------------------------------------------


def _plain(value):
    if isinstance(value, Amount):
        return value.value
    return value


def _value_unit(indicator: dict, portal_unit: str | None, values: list) -> str:
    """The unit a typed value prints in: a percentage when the unit says "%", one decimal when
    any value has a fraction, a whole number otherwise. A portal value prints in its own."""
    if portal_unit is not None:
        return portal_unit
    if indicator["unit"].strip() == "%":
        return PERCENT
    if any(v is not None and Decimal(str(v)) % 1 for v in values):
        return MEAN
    return NUMBER


class _Values:
    """The yearly values of the portal indicators, each computed once per run."""

    def __init__(self, until: datetime.date):
        self.until, self.known = until, {}

    def get(self, indicator: dict, year: int):
        from calportal.strategy import portal

        if indicator["source"] == "typed":
            return indicator["typed"].get(year)
        key = (indicator["source"], year)
        if key not in self.known:
            self.known[key] = portal.yearly_value(indicator["source"], year, until=self.until)
        return self.known[key]


def _indicator_row(indicator: dict, values: _Values, year: int, labels: dict) -> tuple:
    from calportal.strategy import portal

    is_portal = indicator["source"] in portal.PORTAL_INDICATORS
    previous, current = values.get(indicator, year - 1), values.get(indicator, year)
    baseline, target = indicator["baseline_value"], indicator["target_value"]
    unit = _value_unit(
        indicator,
        portal.PORTAL_INDICATORS[indicator["source"]].unit if is_portal else None,
        [_plain(previous), _plain(current), baseline, target],
    )
    target_unit = PERCENT if unit == PERCENT else (MEAN if unit == MEAN else NUMBER)
    if target_unit == NUMBER and (Decimal(baseline) % 1 or Decimal(target) % 1):
        target_unit = MEAN
    key = str(indicator["pk"])
    delta = None
    if previous is not None and current is not None:
        delta = float(Decimal(str(_plain(current))) - Decimal(str(_plain(previous))))
    share = path_share(_plain(current), baseline, target)
    state = status(
        _plain(current),
        baseline=baseline,
        target=target,
        baseline_year=indicator["baseline_year"],
        target_year=indicator["target_year"],
        year=year,
    )
    cells = [
        text_cell(_at(baseline, target_unit, indicator["baseline_year"])),
        text_cell(_at(target, target_unit, indicator["target_year"])),
        {**ds.cell(previous), "unit": unit},
        {**ds.cell(current), "unit": unit},
        {**ds.cell(delta, derived_from=[[key, "previous"], [key, "current"]]), "unit": unit},
        {
            **ds.cell(
                float(share) if share is not None else None,
                na=share is None and current is not None,
                derived_from=[[key, "current"]],
            ),
            "unit": PERCENT,
        },
        text_cell(labels[state], hidden_with="current"),
        text_cell(indicator["source"] if is_portal else _("typed in")),
    ]
    row = ds.row(key, f"{indicator['name']} ({indicator['unit']})", cells)
    row["status"] = state
    return row, share


def _at(value, unit: str, year: int) -> str:
    """A baseline or a target as printed: "100 (2020)"."""
    return f"{format_value(value, unit)} ({year})"


def _columns(year: int) -> list[dict]:
    return [
        ds.column("baseline", _("Baseline (year)"), unit=NUMBER),
        ds.column("target", _("Target (year)"), unit=NUMBER),
        ds.column("previous", _("Value %(year)s") % {"year": year - 1}, unit=NUMBER),
        ds.column("current", _("Value %(year)s") % {"year": year}, unit=NUMBER),
        ds.column("delta", _("Change (Δ)"), unit=NUMBER),
        ds.column("path", _("Path achieved (%)"), unit=PERCENT, indicator="SI1"),
        ds.column("status", _("Status"), unit=NUMBER),
        ds.column("source", pgettext("indicator values", "Source"), unit=NUMBER),
    ]


def _set_section(indicator_set: dict, values: _Values, year: int, used: set) -> dict:
    labels = status_labels()
    tables, progress_rows = [], []
    counts = dict.fromkeys(labels, 0)
    for objective in indicator_set["objectives"]:
        if not objective["indicators"]:
            continue
        rows = []
        for indicator in objective["indicators"]:
            row, share = _indicator_row(indicator, values, year, labels)
            rows.append(row)
            counts[row["status"]] += 1
            if indicator["source"] != "typed":
                from calportal.strategy.portal import definition_id

                used.add(definition_id(indicator["source"]))
            progress_rows.append(
                ds.row(
                    row["key"],
                    f"{objective['code']} – {indicator['name']}",
                    [
                        {
                            **ds.cell(
                                float(share) if share is not None else None,
                                na=share is None,
                                derived_from=[
                                    [
                                        f"strategy-{indicator_set['pk']}-{objective['pk']}",
                                        row["key"],
                                        "current",
                                    ]
                                ],
                            ),
                            "unit": PERCENT,
                        }
                    ],
                )
            )
        title = f"{objective['level_label']} {objective['code']}: {objective['name']}"
        note = (
            _("Serves strategic objective %(code)s.") % {"code": objective["parent_code"]}
            if objective["parent_code"]
            else None
        )
        tables.append(
            ds.table(
                f"strategy-{indicator_set['pk']}-{objective['pk']}",
                title,
                _columns(year),
                rows,
                stub=_("Indicator"),
                note=note,
            )
        )
    charts = []
    if progress_rows:
        progress_id = f"strategy-{indicator_set['pk']}-progress"
        tables.append(
            ds.table(
                progress_id,
                _("Progress towards the targets, %(year)s") % {"year": year},
                [ds.column("path", _("Path achieved (%)"), unit=PERCENT, indicator="SI1")],
                progress_rows,
                stub=_("Indicator"),
            )
        )
        charts.append(
            ds.chart(
                f"{progress_id}-chart",
                "hbar",
                _("Share of the path to the target achieved, %(year)s (%%)") % {"year": year},
                table=progress_id,
                series=["path"],
                summary=_(
                    "Of %(total)s indicators %(achieved)s reached their target, %(progress)s "
                    "are in progress, %(risk)s at risk and %(none)s have no data for %(year)s."
                )
                % {
                    "total": sum(counts.values()),
                    "achieved": counts[ACHIEVED],
                    "progress": counts[IN_PROGRESS],
                    "risk": counts[AT_RISK],
                    "none": counts[NO_DATA],
                    "year": year,
                },
                alt=_("Horizontal bars: for each indicator the share of the path from its "
                      "baseline to its target achieved; the full bar is the target."),
            )
        )  # fmt: skip
    return ds.section(
        f"set-{indicator_set['pk']}",
        indicator_set["name"],
        text=[
            _("Years %(first)s–%(last)s.")
            % {"first": indicator_set["year_from"], "last": indicator_set["year_to"]}
        ]
        + ([] if tables else [_("This set has no indicators yet.")]),
        tables=tables,
        charts=charts,
    )


def build(request: Request) -> dict:
    from calportal.strategy.selectors import indicator_sets

    year = request.period.end.year
    data = common.head(
        request,
        _("Monitoring of the indicators of the strategy and programmes"),
        _("Baselines, targets and values of %(year)s") % {"year": year},
        _("Every indicator set of the registry"),
    )
    values = _Values(request.period.end)
    used: set = set()
    sets = indicator_sets()
    data["sections"] = [_set_section(s, values, year, used) for s in sets]
    if not sets:
        data["sections"] = [
            ds.section(
                "none",
                _("Indicator sets"),
                text=[_("No indicator set has been registered yet.")],
            )
        ]
    data["definitions"] = [INDICATORS[i].as_dict() for i in ("SI1", "SI2", *sorted(used))]
    return data


register(
    KindSpec(
        code="R3",
        build=build,
        scopes=("cal",),
        default_timeframe="year_previous",
        default_comparison="none",
        team_shared=True,
        formats=("pdf", "xlsx"),
        with_inputs=with_texts,
        is_empty=lambda dataset: not ds.tables(dataset),
        description=gettext_lazy(
            "Each indicator of the strategy and programmes against its baseline and target: "
            "the share of the path achieved and a status."
        ),
    )
)
