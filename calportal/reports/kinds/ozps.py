"""R2 – the CAL's data for the assessment of social-welfare resources (ocena zasobów pomocy
społecznej, OZPS; REPORTS.md §6 R2): one table "OZPS-CAL" in the OZPS's 5-year layout —
the assessment year Y (the year the period ends in), the two years before it, and the
forecasts for Y+1 and Y+2 that staff type on the run (narrative fields of type "decimal",
put into the table by :func:`with_forecasts` before every rendering).

OZPS symbols: "." no data (e.g. a forecast not typed in), "x" not applicable (e.g. a rate whose
base is too small, REPORTS.md §1), "0" a true zero.
"""

import copy
import datetime
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import initiatives.figures as event_figures
import selfhelp.figures as selfhelp_figures
import volunteers.figures as volunteer_figures
from calportal.organisations import figures as organisation_figures
from calportal.organisations.models import Sector
from calportal.reports import dataset as ds
from calportal.reports.figures import COUNT, HOURS, INDICATORS, NUMBER, PERCENT, WHOLE_CAL
from calportal.reports.finalise import format_value
from calportal.reports.kinds import activity, common, cooperation
from calportal.reports.periods import Period
from calportal.reports.registry import KindSpec, Request, register

TABLE = "ozps"
NOT_APPLICABLE = "x"  # the OZPS's sign for "not applicable"
FORECASTS = (1, 2)  # years after Y
SHARED_K = 5  # the table holds self-help members (REPORTS.md §3.2)

# (key, label, unit): the table's rows, in order.
ROWS = (
    ("partners", gettext_lazy("Organisations cooperating with the CAL"), NUMBER),
    *(
        (
            f"partners_{sector.value}",
            format_lazy("{}: {}", gettext_lazy("of which"), sector.label),
            NUMBER,
        )
        for sector in Sector
    ),
    (
        "partners_financial",
        gettext_lazy("of which in financial cooperation (public tasks)"),
        NUMBER,
    ),
    (
        "partners_non_financial",
        gettext_lazy("of which in non-financial forms"),
        NUMBER,
    ),
    ("ngo_initiatives", gettext_lazy("Initiatives led by non-governmental organisations"), NUMBER),
    ("ngo_recipients", gettext_lazy("Participants of initiatives led by NGOs"), COUNT),
    ("initiatives", gettext_lazy("Initiatives run (with an event in the year)"), NUMBER),
    ("EV1", gettext_lazy("Events held (EV1)"), NUMBER),
    ("PE1", gettext_lazy("Persons reached: unique participants (PE1)"), COUNT),
    ("VO1", gettext_lazy("Active volunteers (VO1)"), COUNT),
    ("VO3", gettext_lazy("Volunteer hours (VO3)"), HOURS),
    ("SH1", gettext_lazy("Self-help groups active at the end of the year (SH1)"), NUMBER),
    ("SH4", gettext_lazy("Members of self-help groups at the end of the year (SH4)"), COUNT),
    ("residents_60", gettext_lazy("Residents aged 60 or more"), NUMBER),
    ("reached_60", gettext_lazy("Residents aged 60 or more reached"), COUNT),
    ("RE1", gettext_lazy("Reach 60+ (RE1, %)"), PERCENT),
)
NARRATIVE = tuple(
    (
        f"forecast_{key}_{ahead}",
        format_lazy(
            "{}: {}",
            gettext_lazy("Forecast for the next year")
            if ahead == 1
            else gettext_lazy("Forecast for the year after next"),
            label,
        ),
        "decimal",
    )
    for key, label, _unit in ROWS
    for ahead in FORECASTS
)


def years(request: Request) -> list[Period]:
    """Y−2, Y−1 and Y as periods; Y ends with the report's period."""
    last = request.period.end.year
    return [
        Period(
            datetime.date(year, 1, 1),
            datetime.date(year, 12, 31) if year < last else request.period.end,
        )
        for year in range(last - 2, last + 1)
    ]


def values(period: Period) -> dict:
    """Every row's value for one year: ``{row key: int | Decimal | Amount | rate cell}``.
    A constant number of queries."""
    partners = cooperation.organisations(period)
    ngo = [row for row in partners.values() if row["sector"] == Sector.NON_GOVERNMENTAL]
    reach = activity._reach(Request("R2", period, None, WHOLE_CAL, "internal", "pl"), period)
    result = {
        "partners": len(partners),
        **{
            f"partners_{sector}": sum(1 for row in partners.values() if row["sector"] == sector)
            for sector in Sector.values
        },
        "partners_financial": sum(1 for row in partners.values() if row["tasks"]),
        "partners_non_financial": sum(
            1
            for row in partners.values()
            if row["led"] or row["partnered"] or row["team_member"] or row["venue"] or row["host"]
        ),
        "ngo_initiatives": sum(row["led"] for row in ngo),
        "ngo_recipients": organisation_figures.recipients_of_led_initiatives(
            period, sector=Sector.NON_GOVERNMENTAL
        ),
        "initiatives": len(event_figures.initiatives_with_events(period, WHOLE_CAL)),
        "EV1": event_figures.events_held(period, WHOLE_CAL),
        "PE1": event_figures.participants(period, WHOLE_CAL),
        "VO1": volunteer_figures.active_volunteers(period, WHOLE_CAL),
        "VO3": volunteer_figures.volunteer_hours(period, WHOLE_CAL),
        "SH1": sum(selfhelp_figures.groups_active(period.end, WHOLE_CAL).values()),
        "SH4": selfhelp_figures.members(period, WHOLE_CAL)["stock"],
        "residents_60": reach["60+"]["residents"] or None,
        "reached_60": reach["60+"]["persons"],
        "RE1": common.rate(reach["60+"]["persons"], reach["60+"]["residents"]),
    }
    return result


def build(request: Request) -> dict:
    periods = years(request)
    year = periods[-1].end.year
    data = common.head(
        request,
        _("CAL data for the assessment of social-welfare resources"),
        _("OZPS %(year)s: the years %(first)s–%(year)s and forecasts for %(next)s–%(last)s")
        % {"year": year, "first": year - 2, "next": year + 1, "last": year + 2},
        _("The whole Local Activity Centre"),
    )
    by_year = [values(period) for period in periods]
    columns = [ds.column(str(p.start.year), str(p.start.year), unit=NUMBER) for p in periods]
    columns += [
        ds.column(
            f"forecast_{ahead}",
            _("Forecast %(year)s") % {"year": year + ahead},
            unit=NUMBER,
        )
        for ahead in FORECASTS
    ]
    rows = []
    for key, label, unit in ROWS:
        cells = []
        for known in by_year:
            value = known[key]
            cell = value if isinstance(value, dict) else ds.cell(value)
            cells.append({**cell, "unit": unit})
        cells += [{**ds.cell(None), "unit": unit, "forecast": True} for _ahead in FORECASTS]
        rows.append(ds.row(key, label, cells))
    table = ds.table(
        TABLE,
        "OZPS-CAL",
        columns,
        rows,
        stub=_("Indicator"),
        k=SHARED_K,
        note=_(
            "OZPS symbols: . – no data (a forecast not typed in); x – not applicable (a rate "
            "whose base is under 10); 0 – none. Forecasts are typed in by the OPS's staff."
        )
        if request.variant == "internal"
        # The shared variant's "x" is a hidden value (REPORTS.md §3): "not applicable" stays "—".
        else _("Forecasts are typed in by the OPS's staff; the signs are those of the legend."),
    )
    data["sections"] = [
        ds.section(
            "ozps",
            _("Resources of the Local Activity Centre"),
            text=[
                _(
                    "Organisations cooperating: those with a public task commissioned or a "
                    "non-financial form of cooperation in the year (see report R7). Figures of "
                    "a year not yet over run to the period's end."
                )
            ],
            tables=[table],
        )
    ]
    data["definitions"] = [
        INDICATORS[i].as_dict() for i in ("NW2", "EV1", "PE1", "VO1", "VO3", "SH1", "SH4", "RE1")
    ]
    return data


def _forecast(text) -> Decimal | None:
    try:
        value = Decimal(str(text).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _plain_number(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


def with_forecasts(dataset: dict, narrative: dict) -> dict:
    """The dataset with the forecasts staff typed (``narrative["forecast_<row>_<1|2>"]``, a
    decimal as text; empty: "." no data) in their cells, and (internal variant) every "not
    applicable" cell printed as the OZPS's "x". Returns a changed copy."""
    dataset = copy.deepcopy(dataset)
    ozps_signs = dataset.get("variant") != "shared"
    with translation.override(dataset.get("language") or "pl"):
        for table in ds.tables(dataset):
            if table["id"] != TABLE:
                continue
            for row in table["rows"]:
                for column, cell in zip(table["columns"], row["cells"], strict=True):
                    if cell.get("forecast"):
                        ahead = column["key"].rsplit("_", 1)[1]
                        value = _forecast(narrative.get(f"forecast_{row['key']}_{ahead}") or "")
                        cell["value"] = None if value is None else _plain_number(value)
                        cell["display"] = format_value(cell["value"], cell["unit"])
                    elif ozps_signs and cell.get("na") and not cell.get("suppressed"):
                        cell["display"] = NOT_APPLICABLE
    return dataset


register(
    KindSpec(
        code="R2",
        build=build,
        scopes=("cal",),
        default_timeframe="year_previous",
        default_comparison="none",
        team_shared=True,
        narrative=NARRATIVE,
        with_inputs=with_forecasts,
        formats=("pdf", "xlsx"),
        description=gettext_lazy(
            "The CAL's resources for the assessment of social-welfare resources (OZPS): three "
            "years and the forecasts staff type in."
        ),
    )
)
