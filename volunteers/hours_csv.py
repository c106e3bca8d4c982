"""Hours from a CSV file: every row is checked against the same rules as the grid, and one bad
row imports nothing. Volunteers are named by id or by first and last name, as spreadsheets
kept by coordinators usually have them."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date as iso_date
from django.utils.translation import gettext as _

from calportal.csv_files import ImportFileError, parse_date, read_rows
from volunteers import services
from volunteers.forms import parse_quarters

COLUMNS = ["volunteer", "date", "hours", "opportunity", "activity", "description"]
REQUIRED = ["volunteer", "date", "hours"]


@dataclass
class HoursImportResult:
    created: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _row_error(number: int, problems: list[str]) -> str:
    text = "; ".join(str(problem).rstrip(".") for problem in problems)
    return _("Row %(number)s: %(errors)s.") % {"number": number, "errors": text}


def import_hours(raw: bytes, *, volunteers, opportunities, user) -> HoursImportResult:
    try:
        rows = read_rows(raw, COLUMNS, REQUIRED)
    except ImportFileError as error:
        return HoursImportResult(errors=[str(error)])
    by_id = {str(volunteer.pk): volunteer for volunteer in volunteers}
    by_name: dict[str, list] = {}
    for volunteer in by_id.values():
        by_name.setdefault(f"{volunteer.first_name} {volunteer.last_name}".lower(), []).append(
            volunteer
        )
    opportunity_by_title = {
        opportunity.title.strip().lower(): opportunity for opportunity in opportunities
    }
    result = HoursImportResult()
    entries: list[tuple[int, services.HoursData]] = []
    for number, row in rows:
        if "__error__" in row:
            result.errors.append(_row_error(number, [row["__error__"]]))
            continue
        problems = []
        name = " ".join(row.get("volunteer", "").split())
        matches = [by_id[name]] if name in by_id else by_name.get(name.lower(), [])
        if not name:
            problems.append(_("the volunteer is missing"))
        elif not matches:
            problems.append(_("no volunteer “%(name)s” in your organisation") % {"name": name})
        elif len(matches) > 1:
            problems.append(
                _("two volunteers are called “%(name)s”: give the id instead") % {"name": name}
            )
        try:
            day = iso_date(parse_date(row.get("date", ""))) if row.get("date") else None
        except ValueError:  # well-formed but impossible, e.g. 2026-02-30
            day = None
        if day is None:
            problems.append(
                _("the date “%(value)s” is not a date (e.g. 2026-10-05 or 05.10.2026)")
                % {"value": row.get("date", "")}
            )
        quarters = None
        try:
            quarters = parse_quarters(row.get("hours", ""))
        except ValidationError as error:
            problems.extend(error.messages)
        opportunity = None
        if row.get("opportunity"):
            opportunity = opportunity_by_title.get(row["opportunity"].strip().lower())
            if opportunity is None:
                problems.append(
                    _("no opportunity “%(title)s” in your organisation")
                    % {"title": row["opportunity"]}
                )
        if problems:
            result.errors.append(_row_error(number, problems))
            continue
        entries.append(
            (
                number,
                services.HoursData(
                    volunteer=matches[0],
                    date=day,
                    quarters=quarters,
                    opportunity=opportunity,
                    activity=row.get("activity", "")[:200],
                    description=row.get("description", "")[:2000],
                ),
            )
        )
    if result.errors:
        return result
    try:
        created = services.hours_log(entries=[data for _n, data in entries], logged_by=user)
    except services.HoursErrors as error:
        for index, problems in sorted(error.errors.items()):
            result.errors.append(_row_error(entries[index][0], problems))
        return result
    result.created = len(created)
    return result
