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
from volunteers.models import WorkKind

COLUMNS = [
    "volunteer",
    "date",
    "hours",
    "opportunity",
    "activity",
    "kind",
    "children",
    "description",
]
REQUIRED = ["volunteer", "date", "hours"]
YES = {"tak", "t", "yes", "y", "1"}
NO = {"nie", "n", "no", "0"}


class Repeated:
    """What to do with rows identical to hours already logged (or to an earlier row)."""

    STOP = "stop"  # import nothing, list them: the coordinator decides
    SKIP = "skip"  # import the rest, leave them out
    IMPORT = "import"  # confirmed: they are additional work


@dataclass
class HoursImportResult:
    created: int = 0
    errors: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # rows repeating logged hours
    skipped: int = 0
    repeated: str = Repeated.STOP  # what was chosen for the repeated rows

    @property
    def ok(self) -> bool:
        """Done: no errors, and no repeated rows waiting for the coordinator's choice. With
        "leave them out" chosen, a file of repeats only is done too, with nothing created."""
        return not self.errors and not (self.duplicates and self.repeated == Repeated.STOP)


def _row_error(number: int, problems: list[str]) -> str:
    text = "; ".join(str(problem).rstrip(".") for problem in problems)
    return _("Row %(number)s: %(errors)s.") % {"number": number, "errors": text}


def _children(value: str) -> bool | None | str:
    text = value.strip().lower()
    if not text:
        return None
    if text in YES:
        return True
    if text in NO:
        return False
    return "invalid"


def import_hours(
    raw: bytes, *, volunteers, opportunities, user, repeated: str = Repeated.STOP
) -> HoursImportResult:
    """Check every row against the rules of :func:`volunteers.services.hours_log` and report
    every problem of every row at once; one bad row imports nothing.

    Rows identical to logged hours are listed in ``duplicates`` and, per ``repeated``
    (:class:`Repeated`), stop the import, are skipped, or are imported as additional work.
    """
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
    kind_by_name = {kind.name.casefold(): kind for kind in WorkKind.objects.all()}
    result = HoursImportResult(repeated=repeated)
    entries: list[tuple[int, services.HoursData]] = []
    row_errors: dict[int, list[str]] = {}
    for number, row in rows:
        if "__error__" in row:
            row_errors[number] = [row["__error__"]]
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
        with_children = _children(row.get("children", ""))
        if with_children == "invalid":
            problems.append(
                _("children: write “tak” or “nie”, not “%(value)s”") % {"value": row["children"]}
            )
            with_children = None
        opportunity = None
        if row.get("opportunity"):
            opportunity = opportunity_by_title.get(row["opportunity"].strip().lower())
            if opportunity is None:
                problems.append(
                    _("no opportunity “%(title)s” in your organisation")
                    % {"title": row["opportunity"]}
                )
        work_kind = None
        kind_name = " ".join(row.get("kind", "").split())
        if kind_name:
            work_kind = kind_by_name.get(kind_name.casefold())
            if work_kind is None:
                problems.append(_("no kind of work “%(name)s”") % {"name": kind_name})
        row_errors[number] = problems
        if matches and len(matches) == 1 and day is not None:
            # The rules of the service are checked too, so every problem of the row shows at
            # once (an unreadable number of hours is checked as a quarter: it breaks nothing).
            entries.append(
                (
                    number,
                    services.HoursData(
                        volunteer=matches[0],
                        date=day,
                        quarters=quarters or 1,
                        opportunity=opportunity,
                        activity=row.get("activity", "")[:200],
                        work_kind=work_kind,
                        description=row.get("description", "")[:2000],
                        with_children=with_children,
                        additional=repeated == Repeated.IMPORT,
                    ),
                )
            )
    duplicate_rows: set[int] = set()
    failure = services.hours_validate(entries=[data for _n, data in entries])
    if failure is not None:
        for index, problems in failure.errors.items():
            row_errors[entries[index][0]].extend(
                problem for problem in problems if problem not in row_errors[entries[index][0]]
            )
        for index, warning in sorted(failure.duplicates.items()):
            number = entries[index][0]
            duplicate_rows.add(number)
            result.duplicates.append(_row_error(number, [warning]))
    for number in sorted(row_errors):
        if row_errors[number]:
            result.errors.append(_row_error(number, row_errors[number]))
    if result.errors or (duplicate_rows and repeated == Repeated.STOP):
        return result
    to_save = [data for number, data in entries if number not in duplicate_rows]
    result.skipped = len(duplicate_rows)
    try:
        created = services.hours_log(entries=to_save, logged_by=user)
    except services.HoursErrors as error:  # something changed meanwhile
        numbers = [number for number, _data in entries if number not in duplicate_rows]
        for index, problems in sorted(error.errors.items()):
            result.errors.append(_row_error(numbers[index], problems))
        for index, warning in sorted(error.duplicates.items()):
            result.errors.append(_row_error(numbers[index], [warning]))
        return result
    result.created = len(created)
    return result
