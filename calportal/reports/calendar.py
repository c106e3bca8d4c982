"""The statutory reporting calendar (REPORTS.md §5): the yearly deadlines the OPS and its
partners must meet, shown in the monthly digest for the next 60 days. The dates come from the
acts and practice cited in REPORTS.md's sources; they are the same every year. Apps add the
deadlines of their own objects (a public task's report 30 days after it ends, a project's
reporting periods) with :func:`register_deadlines`."""

import datetime
from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

# (month, day, what is due) – the day it is due by.
DEADLINES = (
    (
        3,
        31,
        _(
            "The OPS's annual report to the municipal council, with the CAL chapter "
            "(R1; art. 110 ust. 9 of the social-welfare act)"
        ),
    ),
    (
        4,
        30,
        _("The assessment of social-welfare resources (OZPS) to the municipal council (art. 16a)"),
    ),
    (5, 31, _("The report on the programme of cooperation with NGOs")),
)


_PROVIDERS: list[Callable[[datetime.date, datetime.date], list]] = []


def register_deadlines(provider: Callable[[datetime.date, datetime.date], list]) -> None:
    """Add ``provider(start, end) -> [(date, text), …]``: deadlines of an app's own objects
    falling in ``[start, end]``, text in the active language (one query, please)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def deadlines_between(start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, str]]:
    """The deadlines falling in ``[start, end]`` (both included), in date order, as
    ``(date, text)`` with the text in the active language: the yearly statutory ones and
    those the apps registered."""
    found = []
    for year in range(start.year, end.year + 1):
        for month, day, text in DEADLINES:
            due = datetime.date(year, month, day)
            if start <= due <= end:
                found.append((due, str(text)))
    for provider in _PROVIDERS:
        found += [(due, str(text)) for due, text in provider(start, end)]
    return sorted(found)
