"""Report periods: the timeframe identifiers of REPORTS.md §1, resolved in Europe/Warsaw dates.

A :class:`Period` is a closed range of whole local calendar days ``[start, end]``. Things belong
to it by their own local date (an event by the local date it starts on, an hours entry by its
``date``): :meth:`Period.bounds` gives the aware datetimes ``[start 00:00, end + 1 day 00:00)``
in Europe/Warsaw for filtering datetime columns in SQL, so an event at 23:30 on 31 March is in a
period that ends on 31 March, and one at 00:30 on 1 January is in the new year.

Identifiers (source: REPORTS.md §1, "Timeframe identifiers", after pretix's):
``month_previous``, ``quarter_previous``, ``halfyear_previous``, ``year_previous``,
``month_to_date``, ``quarter_to_date``, ``year_to_date``, ``last_12_months`` and
``custom:YYYY-MM-DD/YYYY-MM-DD``. ``project:<id>`` and ``task:<id>`` name the periods of funding
agreements and public tasks; they are resolved by the apps that hold those (Reports II) through
:func:`register_prefix`.

Comparison (REPORTS.md §1, "Comparison"): ``same_period_last_year`` (the default),
``previous_period`` (of equal length, immediately before) or ``none``.
"""

import datetime
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")

IDENTIFIERS = (
    "month_previous",
    "quarter_previous",
    "halfyear_previous",
    "year_previous",
    "month_to_date",
    "quarter_to_date",
    "year_to_date",
    "last_12_months",
)
COMPARISONS = ("same_period_last_year", "previous_period", "none")


class PeriodError(ValueError):
    """An identifier or a comparison that cannot be resolved; the message says why, translated."""


@dataclass(frozen=True)
class Period:
    """Whole local calendar days from ``start`` to ``end``, both included."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self):
        if self.end < self.start:
            raise PeriodError(_("A period cannot end before it starts."))

    @property
    def days(self) -> int:
        """Its length in days (a one-day period has 1)."""
        return (self.end - self.start).days + 1

    def __contains__(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """``(from, until)``: aware datetimes, Europe/Warsaw midnight of ``start`` and of the day
        after ``end``; a moment ``m`` is in the period when ``from <= m < until``."""
        return _midnight(self.start), _midnight(self.end + datetime.timedelta(days=1))

    @property
    def identifier(self) -> str:
        """The ``custom:`` identifier that resolves back to this period."""
        return f"custom:{self.start.isoformat()}/{self.end.isoformat()}"


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=WARSAW)


# Resolvers for identifiers with a prefix ("project:12"), registered by the apps that know them:
# prefix → function(rest of the identifier, today) → Period (raising PeriodError).
_PREFIXES: dict[str, Callable[[str, datetime.date], Period]] = {}


def register_prefix(prefix: str, resolver: Callable[[str, datetime.date], Period]) -> None:
    """Let ``resolve("<prefix>:<value>")`` call ``resolver(value, today)``."""
    _PREFIXES[prefix] = resolver


def resolve(identifier: str, *, today: datetime.date | None = None) -> Period:
    """The period an identifier names on ``today`` (default: the local date now).

    "Previous" periods are the last whole ones before the one ``today`` is in; "to date" ones
    run from the start of the current one to ``today``; ``last_12_months`` is the 12 whole
    months before the current month. Raises :class:`PeriodError` for anything else."""
    today = today or timezone.localdate()
    identifier = (identifier or "").strip()
    month_start = today.replace(day=1)
    quarter_start = month_start.replace(month=(today.month - 1) // 3 * 3 + 1)
    half_start = month_start.replace(month=1 if today.month <= 6 else 7)
    year_start = month_start.replace(month=1)
    if identifier == "month_previous":
        return Period(_add_months(month_start, -1), month_start - datetime.timedelta(days=1))
    if identifier == "quarter_previous":
        return Period(_add_months(quarter_start, -3), quarter_start - datetime.timedelta(days=1))
    if identifier == "halfyear_previous":
        return Period(_add_months(half_start, -6), half_start - datetime.timedelta(days=1))
    if identifier == "year_previous":
        return Period(year_start.replace(year=today.year - 1), year_start - datetime.timedelta(1))
    if identifier == "month_to_date":
        return Period(month_start, today)
    if identifier == "quarter_to_date":
        return Period(quarter_start, today)
    if identifier == "year_to_date":
        return Period(year_start, today)
    if identifier == "last_12_months":
        return Period(_add_months(month_start, -12), month_start - datetime.timedelta(days=1))
    prefix, separator, value = identifier.partition(":")
    if separator and prefix == "custom":
        return _custom(value)
    if separator and prefix in _PREFIXES:
        return _PREFIXES[prefix](value, today)
    raise PeriodError(_("Unknown period: %(identifier)s.") % {"identifier": identifier or "—"})


def _custom(value: str) -> Period:
    start, separator, end = value.partition("/")
    try:
        if not separator:
            raise ValueError
        return Period(datetime.date.fromisoformat(start), datetime.date.fromisoformat(end))
    except ValueError:
        raise PeriodError(
            _("Give a custom period as two dates, e.g. custom:2026-01-01/2026-03-31.")
        ) from None


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` after (negative: before) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def comparison(period: Period, mode: str = "same_period_last_year") -> Period | None:
    """The period to compare ``period`` with: the same days a year earlier (29 February
    becomes 28 February), the period of equal length just before it, or None for ``"none"``.
    Raises :class:`PeriodError` for another ``mode``."""
    if mode == "none":
        return None
    if mode == "previous_period":
        end = period.start - datetime.timedelta(days=1)
        return Period(end - datetime.timedelta(days=period.days - 1), end)
    if mode == "same_period_last_year":
        return Period(_year_earlier(period.start), _year_earlier(period.end))
    raise PeriodError(_("Unknown comparison: %(mode)s.") % {"mode": mode})


def _year_earlier(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
