"""Report periods (REPORTS.md §1): identifiers resolved in Warsaw local dates, comparisons."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone, translation

from calportal.reports.periods import Period, PeriodError, comparison, register_prefix, resolve

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
D = datetime.date


@pytest.mark.parametrize(
    ("identifier", "today", "start", "end"),
    [
        ("month_previous", D(2026, 1, 15), D(2025, 12, 1), D(2025, 12, 31)),
        ("month_previous", D(2028, 3, 1), D(2028, 2, 1), D(2028, 2, 29)),
        ("quarter_previous", D(2026, 1, 1), D(2025, 10, 1), D(2025, 12, 31)),
        ("quarter_previous", D(2026, 5, 20), D(2026, 1, 1), D(2026, 3, 31)),
        ("halfyear_previous", D(2026, 7, 1), D(2026, 1, 1), D(2026, 6, 30)),
        ("halfyear_previous", D(2026, 3, 3), D(2025, 7, 1), D(2025, 12, 31)),
        ("year_previous", D(2026, 11, 30), D(2025, 1, 1), D(2025, 12, 31)),
        ("month_to_date", D(2026, 11, 30), D(2026, 11, 1), D(2026, 11, 30)),
        ("quarter_to_date", D(2026, 11, 30), D(2026, 10, 1), D(2026, 11, 30)),
        ("year_to_date", D(2026, 1, 1), D(2026, 1, 1), D(2026, 1, 1)),
        ("last_12_months", D(2026, 11, 30), D(2025, 11, 1), D(2026, 10, 31)),
        ("custom:2026-01-01/2026-03-31", D(2030, 1, 1), D(2026, 1, 1), D(2026, 3, 31)),
    ],
)
def test_identifiers_name_whole_local_days(identifier, today, start, end):
    assert resolve(identifier, today=today) == Period(start, end)


@pytest.mark.clock
def test_without_a_date_the_identifiers_use_todays_local_date():
    today = timezone.localdate()

    assert resolve("month_to_date") == Period(today.replace(day=1), today)
    assert today in resolve("year_to_date")
    assert resolve("year_previous").end == D(today.year - 1, 12, 31)


def test_a_period_ending_on_31_march_holds_an_event_at_23_30_that_day():
    start, until = resolve("custom:2026-01-01/2026-03-31").bounds()
    late = datetime.datetime(2026, 3, 31, 23, 30, tzinfo=WARSAW)  # 21:30 UTC

    assert start <= late < until
    assert not start <= datetime.datetime(2026, 4, 1, 0, 0, tzinfo=WARSAW) < until


def test_an_event_at_00_30_on_1_january_belongs_to_the_new_year():
    new_year = datetime.datetime(2027, 1, 1, 0, 30, tzinfo=WARSAW)  # 23:30 UTC on 31 December
    last, _until = resolve("year_previous", today=D(2027, 6, 1)).bounds()
    this_start, this_until = resolve("year_to_date", today=D(2027, 6, 1)).bounds()

    assert this_start <= new_year < this_until
    assert not last <= new_year < _until


@pytest.mark.parametrize(
    ("period", "mode", "expected"),
    [
        (
            Period(D(2026, 10, 1), D(2026, 12, 31)),
            "same_period_last_year",
            Period(D(2025, 10, 1), D(2025, 12, 31)),
        ),
        (
            Period(D(2028, 2, 1), D(2028, 2, 29)),
            "same_period_last_year",
            Period(D(2027, 2, 1), D(2027, 2, 28)),
        ),
        (
            Period(D(2026, 10, 1), D(2026, 12, 31)),
            "previous_period",
            Period(D(2026, 7, 1), D(2026, 9, 30)),
        ),
        (
            Period(D(2026, 11, 30), D(2026, 11, 30)),
            "previous_period",
            Period(D(2026, 11, 29), D(2026, 11, 29)),
        ),
        (Period(D(2026, 1, 1), D(2026, 1, 31)), "none", None),
    ],
)
def test_comparison_periods(period, mode, expected):
    assert comparison(period, mode) == expected
    if expected is not None and mode == "previous_period":
        assert expected.days == period.days


@pytest.mark.parametrize(
    "identifier",
    [
        "",
        "month",
        "custom:2026-01-01",
        "custom:2026-02-30/2026-03-01",
        "custom:2026-03-01/2026-01-01",
        "project:7",  # no such project
        "task:7",  # no such public task
        "project:x",
        "unknown:7",
    ],
)
@pytest.mark.django_db
def test_anything_else_is_a_clear_error(identifier):
    with translation.override("en"), pytest.raises(PeriodError) as error:
        resolve(identifier, today=D(2026, 11, 30))
    assert str(error.value).endswith(".")


def test_an_app_can_name_its_own_periods():
    register_prefix(
        "test-season", lambda value, today: Period(D(int(value), 6, 1), D(int(value), 8, 31))
    )

    assert resolve("test-season:2026").days == 92
