"""The portal indicators a strategy indicator can take its yearly values from (REPORTS.md §9
D7, "source: a portal indicator id"): each is computed for the whole CAL and a calendar year,
by the same figure functions the reports use (R5's rows where R5 has the indicator).

A value is an ``int``, a ``Decimal`` (hours), an :class:`~calportal.reports.figures.Amount`
(hours, PLN, uses: it keeps its contributors for the suppression rule of a shared report) or
``None`` when there is nothing to compute it from (a rate whose base is under 10, REPORTS.md
§1 Rates, or no population figures for RE1/RE2).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calportal.reports.figures import (
    COUNT,
    HOURS,
    INDICATORS,
    NUMBER,
    PERCENT,
    PLN,
    USES,
    WHOLE_CAL,
)
from calportal.reports.periods import Period

MIN_RATE_BASE = 10  # REPORTS.md §1, Rates


@dataclass(frozen=True)
class PortalIndicator:
    id: str  # the indicator of REPORTS.md §2 (its definition is printed from it)
    label: object  # what the registry's form and R3's "source" print
    unit: str  # a unit of calportal.reports.figures
    compute: Callable[[Period], object]


def _r5(key: str) -> Callable[[Period], object]:
    """One of R5's yearly functions (imported late: the report kinds import this module)."""

    def compute(period: Period):
        from calportal.reports.kinds.effectiveness import yearly_functions

        value = yearly_functions()[key](period)
        if isinstance(value, dict):  # a rate cell: its value, when its base is large enough
            return value["value"] if (value.get("base") or 0) >= MIN_RATE_BASE else None
        return value

    return compute


def _events_held(period):
    from initiatives.figures import events_held

    return events_held(period, WHOLE_CAL)


def _activity_hours(period):
    from initiatives.figures import activity_hours

    return activity_hours(period, WHOLE_CAL)


def _attendances(period):
    from initiatives.figures import attendances

    return attendances(period, WHOLE_CAL)


def _new_participants(period):
    from initiatives.figures import new_participants

    return new_participants(period, WHOLE_CAL)


def _volunteer_value(period):
    from volunteers.figures import volunteer_value

    return volunteer_value(period, WHOLE_CAL)


def _passes_active(period):
    from initiatives.passes.figures import passes_active_on

    return passes_active_on(period.end, WHOLE_CAL)


def _pass_uses(period):
    from initiatives.passes.figures import pass_uses

    return pass_uses(period, WHOLE_CAL)


def _groups(period):
    from selfhelp.figures import groups_active

    return sum(groups_active(period.end, WHOLE_CAL).values())


def _meetings_held(period):
    from selfhelp.figures import meetings

    return meetings(period, WHOLE_CAL)["held"]


def _stakeholders(period):
    from calportal.organisations.figures import stakeholders_by_sector

    return sum(stakeholders_by_sector(period.end).values())


def _name(indicator: str, suffix: str = ""):
    def label():
        return f"{INDICATORS[indicator].name}{suffix}"

    return label


def _indicators() -> dict[str, PortalIndicator]:
    items = [
        ("EV1", "EV1", NUMBER, _events_held),
        ("EV3", "EV3", HOURS, _activity_hours),
        ("PE1", "PE1", COUNT, _r5("PE1")),
        ("AT1", "AT1", COUNT, _attendances),
        ("PE3", "PE3", COUNT, _new_participants),
        ("RE1", "RE1", PERCENT, _r5("RE1")),
        ("RE2", "RE2", PERCENT, _r5("RE2")),
        ("VO1", "VO1", COUNT, _r5("VO1")),
        ("VO3", "VO3", HOURS, _r5("VO3")),
        ("VO4", "VO4", PLN, _volunteer_value),
        ("PA1a", "PA1", COUNT, _passes_active),
        ("PA3", "PA3", USES, _pass_uses),
        ("SH1", "SH1", NUMBER, _groups),
        ("SH2", "SH2", NUMBER, _meetings_held),
        ("NW1", "NW1", NUMBER, _stakeholders),
        ("NW2", "NW2", NUMBER, _r5("NW2")),
        ("MP3", "MP3", PERCENT, _r5("MP3")),
    ]
    suffixes = {"PA1a": _(" (stock at the end of the year)")}
    return {
        key: PortalIndicator(key, _name(indicator, suffixes.get(key, "")), unit, compute)
        for key, indicator, unit, compute in items
    }


PORTAL_INDICATORS = _indicators()


def definition_id(key: str) -> str:
    """The REPORTS.md §2 indicator whose definition a portal source uses ("PA1a" → "PA1")."""
    return "PA1" if key == "PA1a" else key


def label(key: str) -> str:
    """``"PE1 – Unique participants"`` in the active language (the figure modules must be
    loaded, as they are once the report kinds are)."""
    _load_figures()
    return f"{key} – {PORTAL_INDICATORS[key].label()}"


def choices() -> list[tuple[str, str]]:
    """The registry form's choices of portal sources, in the order above."""
    return [(key, label(key)) for key in PORTAL_INDICATORS]


def _load_figures() -> None:
    from calportal.reports.registry import kinds

    kinds()  # the kinds import every app's figures, which define the indicators


def year_period(year: int, *, until: datetime.date | None = None) -> Period:
    """The calendar year as a period; ``until`` (e.g. the report's end, or today) cuts a year
    not yet over."""
    end = datetime.date(year, 12, 31)
    if until is not None and until < end:
        end = until
    return Period(datetime.date(year, 1, 1), end)


def yearly_value(key: str, year: int, *, until: datetime.date | None = None):
    """The portal indicator ``key`` for the whole CAL in ``year`` (to ``until`` when the year
    is not over; by default to today). Raises ``KeyError`` for an unknown key. The figure
    functions' queries: a few per call."""
    until = until or timezone.localdate()
    if datetime.date(year, 1, 1) > until:
        return None  # a year not begun has no value yet
    return PORTAL_INDICATORS[key].compute(year_period(year, until=until))
