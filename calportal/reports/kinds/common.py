"""What the report kinds share: the indicators composed from several apps' figures (their
definitions live here, next to the code that composes them), rates with their base, months,
and the dataset's head."""

import datetime
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calportal.reports import dataset as ds
from calportal.reports.figures import MEAN, NOT_GIVEN, NUMBER, OUTSIDE, PERCENT, define
from calportal.reports.periods import Period
from calportal.reports.registry import Request

PE4 = define(
    "PE4",
    gettext_lazy("Mean attendances per participant"),
    gettext_lazy("Attendances (AT1) divided by unique participants (PE1)."),
    unit=MEAN,
)
RE1 = define(
    "RE1",
    gettext_lazy("Reach 60+ (%)"),
    gettext_lazy(
        "Persons aged 60 or more living in the municipality (area known) who took part in an "
        "event of the period (PE1) or held a senior pass active on at least one day of it "
        "(PA1b), divided by the residents aged 60 or more of the latest population year not "
        "after the period's year, × 100; per area the same with that area's residents. Persons "
        "whose area is not known are counted separately and left out of the percentage."
    ),
    unit=PERCENT,
)
RE2 = define(
    "RE2",
    gettext_lazy("Reach of the post-working-age population (%)"),
    gettext_lazy(
        "As RE1 for the post-working age (women 60 or more, men 65 or more) and the residents "
        "of that age by sex; persons whose gender is not given are left out. The CAL's target "
        "is more than 12 %."
    ),
    unit=PERCENT,
)
NW2 = define(
    "NW2",
    gettext_lazy("Active partners"),
    gettext_lazy(
        "Distinct organisations that in the period led or partnered an initiative with an "
        "event held, hosted volunteers with approved hours, or ran a venue where a senior pass "
        "was used; new partners are those whose first such activity ever falls in the period."
    ),
    unit=NUMBER,
)


def rate(numerator, denominator, *, derived_from=None) -> dict:
    """A percentage cell ``numerator ÷ denominator × 100`` that keeps its base (the
    denominator), so that it is printed only when the base is at least 10 (REPORTS.md §1)."""
    numerator = _plain(numerator)
    denominator = _plain(denominator)
    value = None
    if denominator:
        value = round(float(numerator) * 100 / float(denominator), 1)
    cell = ds.cell(value, derived_from=derived_from)
    cell["base"] = denominator or 0
    cell["numerator"] = numerator
    cell["unit"] = PERCENT
    return cell


def mean(total, count, *, derived_from=None) -> dict:
    total, count = _plain(total), _plain(count)
    cell = ds.cell(round(float(total) / count, 2) if count else None, derived_from=derived_from)
    cell["base"] = count or 0
    cell["unit"] = MEAN
    return cell


def _plain(value):
    if value is None:
        return 0
    if hasattr(value, "value"):  # an Amount
        value = value.value
    if isinstance(value, Decimal):
        return float(value)
    return value


def number(value, places: int = 0) -> str:
    """A number for a sentence, in the active language ("0,9" in Polish); "—" for None."""
    if value is None:
        return "—"
    return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def shown(value, request: Request, *, k: int | None = None) -> str:
    """A figure for a chart's sentence, hidden as its table hides it in the shared variant
    (REPORTS.md §3: a sentence must not give away what a cell hides): a count below k prints
    "< k"; an :class:`Amount` with fewer than 3 contributors or one above 75 % prints "x"."""
    from calportal.reports import suppression

    k = max(k or 3, request.k)
    if hasattr(value, "contributors"):  # an Amount
        hidden = request.variant == "shared" and suppression.magnitude_is_hidden(
            value.value, value.contributors, value.largest
        )
        return "x" if hidden else number(_plain(value), 2 if _plain(value) % 1 else 0)
    if request.variant == "shared" and value is not None and 0 < value < k:
        return f"< {k}"
    return number(value)


def age_gender_table(split: dict, table_id: str, *, skip_empty: bool = False) -> dict:
    """Participants by age band (rows) and gender (columns), with totals, from
    ``participants_by_age_gender``'s ``{(band, gender): n}``; ``skip_empty`` leaves out the
    bands nobody is in (a single event's summary)."""
    from calportal.reports.figures import AGE_BAND_KEYS, AGE_UNKNOWN, GENDERS

    labels = {"female": _("Women"), "male": _("Men"), "not_given": _("Not given")}
    columns = [ds.column(g, labels[g], indicator="PE1") for g in GENDERS]
    columns.append(ds.column("total", _("Total"), indicator="PE1", total=True))
    rows = []
    for band in AGE_BAND_KEYS:
        cells = [split.get((band, g), 0) for g in GENDERS]
        if skip_empty and not any(cells):
            continue
        label = _("Age not given") if band == AGE_UNKNOWN else band
        rows.append(ds.row(band, label, [*cells, sum(cells)]))
    sums = [sum(split.get((b, g), 0) for b in AGE_BAND_KEYS) for g in GENDERS]
    rows.append(ds.row("total", _("Total"), [*sums, sum(sums)], total=True))
    return ds.table(
        table_id, _("Participants by age and gender"), columns, rows, stub=_("Age in the year")
    )


def months(period: Period) -> list[str]:
    """``"YYYY-MM"`` of every month the period touches, in order."""
    keys, day = [], period.start.replace(day=1)
    while day <= period.end:
        keys.append(f"{day:%Y-%m}")
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return keys


def month_label(key: str) -> str:
    year, month = (int(part) for part in key.split("-"))
    return formats.date_format(datetime.date(year, month, 1), "F Y").capitalize()


def period_label(period: Period) -> str:
    start = formats.date_format(period.start, "j E Y")
    end = formats.date_format(period.end, "j E Y")
    return f"{start} – {end}"


def head(request: Request, title, subtitle, scope_label: str) -> dict:
    """The dataset's head: title, period, comparison, scope (the rest is added by the engine
    and by finalise)."""
    compared = request.comparison
    return {
        "title": str(title),
        "subtitle": str(subtitle),
        "scope": {"kind": request.scope.kind, "id": _scope_id(request), "label": scope_label},
        "period": {
            "start": request.period.start.isoformat(),
            "end": request.period.end.isoformat(),
            "label": period_label(request.period),
            "identifier": request.period.identifier,
        },
        "comparison": (
            {
                "start": compared.start.isoformat(),
                "end": compared.end.isoformat(),
                "label": period_label(compared),
            }
            if compared
            else None
        ),
        "kpis": [],
        "sections": [],
        "definitions": [],
    }


def _scope_id(request: Request):
    scope = request.scope
    return scope.event or scope.initiative or scope.organisation or scope.area


def residence_label(key, areas: dict) -> str:
    if key == OUTSIDE:
        return _("Outside the municipality")
    if key == NOT_GIVEN:
        return _("Not given")
    return areas.get(int(key), {}).get("name", "?")


def residence_keys(areas: dict) -> list:
    return [*areas.keys(), OUTSIDE, NOT_GIVEN]


def compare(function, request: Request, *args, **kwargs):
    """``(value in the period, value in the comparison period or None)``."""
    value = function(request.period, request.scope, *args, **kwargs)
    if request.comparison is None:
        return value, None
    return value, function(request.comparison, request.scope, *args, **kwargs)
