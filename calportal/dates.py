"""Dates typed by people and dates shown to them, the same way in every app.

Every language shows one unambiguous format (``calportal/formats/<lang>/formats.py``: Polish
``02.12.2026``, English ``2 Dec 2026``) and accepts back what it shows, plus ISO
``2026-12-02``. Weeks are shown as ranges ("23–29 Nov 2026", "23–29.11.2026") and accepted as
such, as any day of the week, or as an ISO week (``2026-W47``, the old links).
"""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _

ISO_WEEK = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)
RANGE_DASHES = re.compile(r"\s*[–—]\s*|\s+-\s+")
# The years a person may type, everywhere: form fields refuse the others (see
# ``install_form_year_limits``) and the database refuses them by CHECK constraints.
MIN_YEAR, MAX_YEAR = 1900, 2100
# Literal years: a database constraint's message cannot take parameters. Change both together.
YEAR_OUT_OF_RANGE = _("Enter a date between 1900 and 2100.")
# How the first day of a week range is shortened before the full SHORT_DATE_FORMAT end:
# (same month, same year) — Polish "23–29.11.2026", "30.11–06.12.2026"; English
# "23–29 Nov 2026", "30 Nov – 6 Dec 2026".
WEEK_START_FORMATS = {"pl": ("d", "d.m"), "en": ("j", "j M")}


def _input_formats() -> list[str]:
    """The active language's date input formats, then the other languages' (a Polish page
    given "2 Dec 2026" or an English one given "02.12.2026" still understands it)."""
    seen: list[str] = []
    current = translation.get_language() or "pl"
    for language in [current, "pl", "en"]:
        with translation.override(language):
            for pattern in formats.get_format("DATE_INPUT_FORMATS"):
                if pattern not in seen:
                    seen.append(pattern)
    return seen


def parse_date(value: str) -> datetime.date | None:
    """A date typed as it is displayed (``02.12.2026``, ``2 Dec 2026``, ``2 December 2026``) or
    as ISO ``2026-12-02``; None if it is none of them or outside the years 1900–2100."""
    text = " ".join(str(value or "").split()).rstrip(".")
    if not text:
        return None
    for pattern in _input_formats():
        try:
            day = datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if MIN_YEAR <= day.year <= MAX_YEAR:
            return day
    return None


def parse_date_list(value: str) -> tuple[set[datetime.date], list[str]]:
    """Dates separated by commas, semicolons or new lines → (the dates, the parts that are not
    dates). ``02.12.2026, 24.12.2026``, ``2 Dec 2026; 24 Dec 2026`` and ISO all work."""
    dates: set[datetime.date] = set()
    bad: list[str] = []
    for part in re.split(r"[,;\n]", value or ""):
        part = part.strip()
        if not part:
            continue
        day = parse_date(part)
        if day is None:
            bad.append(part)
        else:
            dates.add(day)
    return dates, bad


def example_date(day: datetime.date | None = None) -> str:
    """A date in the active language's short display format, for hints and placeholders."""
    return formats.date_format(day or datetime.date(2026, 12, 2), "SHORT_DATE_FORMAT")


def week_label(monday: datetime.date) -> str:
    """The week from ``monday`` to Sunday as shown: "23–29 Nov 2026" / "23–29.11.2026",
    "30 Nov – 6 Dec 2026" / "30.11–06.12.2026", across a new year both dates in full."""
    sunday = monday + datetime.timedelta(days=6)
    end = formats.date_format(sunday, "SHORT_DATE_FORMAT")
    if monday.year != sunday.year:
        start = formats.date_format(monday, "SHORT_DATE_FORMAT")
        return f"{start} – {end}"
    same_month, same_year = WEEK_START_FORMATS.get(
        (translation.get_language() or "pl").split("-")[0], WEEK_START_FORMATS["pl"]
    )
    if monday.month == sunday.month:
        return f"{formats.date_format(monday, same_month)}–{end}"
    start = formats.date_format(monday, same_year)
    separator = " – " if " " in start else "–"
    return f"{start}{separator}{end}"


def parse_week(value: str) -> datetime.date | None:
    """The Monday of the week given as shown (``23–29 Nov 2026``, ``23–29.11.2026``), as any of
    its days (``25.11.2026``, ``2026-11-25``) or as an ISO week (``2026-W47``); else None."""
    text = str(value or "").strip()
    if not text:
        return None
    match = ISO_WEEK.match(text)
    if match:
        year, week = int(match.group(1)), int(match.group(2))
        if not MIN_YEAR <= year <= MAX_YEAR:
            return None
        try:
            return datetime.date.fromisocalendar(year, week, 1)
        except ValueError:
            return None
    day = parse_date(text)
    if day is None:
        parts = RANGE_DASHES.split(text)
        if len(parts) == 1 and text.count("-") == 1:  # "23-29.11.2026" typed with a hyphen
            parts = text.split("-")
        if len(parts) == 2:
            day = parse_date(parts[1])
    if day is None:
        return None
    return day - datetime.timedelta(days=day.weekday())


def month_example(day: datetime.date | None = None) -> str:
    """A month as shown in hints: "11.2026" in Polish, "Nov 2026" in English."""
    language = (translation.get_language() or "pl").split("-")[0]
    pattern = "m.Y" if language == "pl" else "M Y"
    return formats.date_format(day or datetime.date(2026, 11, 1), pattern)


def parse_month(value: str) -> datetime.date | None:
    """The first day of a month typed as ISO ``2026-11`` (what a month picker sends), as shown
    (``11.2026``, ``Nov 2026``) or by name in either language (``November 2026``,
    ``listopad 2026``); None otherwise."""
    from django.utils.dates import MONTHS, MONTHS_3

    text = " ".join(str(value or "").split()).rstrip(".")
    if not text:
        return None
    for pattern in ("%Y-%m", "%m.%Y", "%m/%Y", "%b %Y", "%B %Y"):
        try:
            day = datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        return day if MIN_YEAR <= day.year <= MAX_YEAR else None
    match = re.fullmatch(r"(\w+) (\d{4})", text)
    if match:
        name, year = match.group(1).lower(), int(match.group(2))
        for language in ("pl", "en"):
            with translation.override(language):
                for number in range(1, 13):
                    if name in (str(MONTHS[number]).lower(), str(MONTHS_3[number]).lower()):
                        if MIN_YEAR <= year <= MAX_YEAR:
                            return datetime.date(year, number, 1)
                        return None
    return None


def validate_sane_year(value: datetime.date | datetime.datetime | None) -> None:
    """Refuse a date or moment outside the years MIN_YEAR–MAX_YEAR (its local year)."""
    if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError(YEAR_OUT_OF_RANGE, code="year_out_of_range")


def install_form_year_limits() -> None:
    """Make every ``forms.DateField`` and ``forms.DateTimeField`` of the process — ModelForm
    fields, plain ones, django-filter's and the parts of split and range fields — refuse a
    year outside MIN_YEAR–MAX_YEAR with a form error. Year 1 or 9999 would otherwise be
    stored and break every page doing arithmetic or time-zone conversion on it.

    Patched on the classes (from ``CalportalConfig.ready``) rather than by a base form,
    so that a field declared anywhere, before or after, is covered."""
    for field_class in (forms.DateField, forms.DateTimeField):
        if getattr(field_class, "_calportal_year_limits", False):
            continue
        original_validate = field_class.validate

        def validate(self, value, _original=original_validate):
            _original(self, value)
            validate_sane_year(value)

        field_class.validate = validate
        field_class._calportal_year_limits = True


# The database's own bounds. Moments get a day's margin each side: the forms check the
# Warsaw year, and 1 January 1900 00:30 in Warsaw is still 1899 in UTC.
FIRST_DAY = datetime.date(MIN_YEAR, 1, 1)
DAY_AFTER_LAST = datetime.date(MAX_YEAR + 1, 1, 1)
FIRST_MOMENT = datetime.datetime(MIN_YEAR - 1, 12, 31, tzinfo=datetime.UTC)
MOMENT_AFTER_LAST = datetime.datetime(MAX_YEAR + 1, 1, 2, tzinfo=datetime.UTC)


def sane_year_constraint(field: str, *, name: str, moment: bool = False) -> models.CheckConstraint:
    """A CHECK constraint keeping the date (``moment=True``: date-time) column ``field``
    within the years MIN_YEAR–MAX_YEAR; NULL passes."""
    low, high = (FIRST_MOMENT, MOMENT_AFTER_LAST) if moment else (FIRST_DAY, DAY_AFTER_LAST)
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__gte": low, f"{field}__lt": high}),
        name=name,
        violation_error_message=YEAR_OUT_OF_RANGE,
    )
