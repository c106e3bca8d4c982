"""The restricted participant list of a project (REPORTS.md §6 R4; PRIVACY.md §1): an XLSX
for the OPS staff assigned to the project only, reached through the documents page (a link for
a logged-in user, never an e-mail attachment), its file deleted after
:data:`LIST_KEPT_FOR` (the document's row is kept as the record of who asked for it and when).
"""

import datetime
import io

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from calportal.documents.registry import XLSX, Build
from calportal.documents.registry import register as register_builder

KIND = "projects.participant_list"
PERMISSION = "projects.view_project"
# PRIVACY.md §1: "Generated files with personal data … (project participant list: 7 days)".
LIST_KEPT_FOR = datetime.timedelta(days=7)
# The columns to fill in from the project's paper forms (REPORTS.md §6 R4).
TO_FILL = (
    gettext_noop("PESEL"),
    gettext_noop("Education (ISCED)"),
    gettext_noop("Labour-market status"),
    gettext_noop("Full address"),
    gettext_noop("Migrant or foreign origin (yes / no / refused)"),
    gettext_noop("Minority (yes / no / refused)"),
    gettext_noop("Homeless or excluded from housing (yes / no / refused)"),
    gettext_noop("Other disadvantaged situation (yes / no / refused)"),
)
FILL_COLOUR = "FFF2A8"


def may_have(user, params: dict) -> bool:
    """Whether ``user`` may open this list: OPS staff assigned to its project, before the
    list's expiry (after it the file is deleted; the document row stays)."""
    from calportal.projects.models import Project

    if not user.is_authenticated or not user.has_perm(PERMISSION):
        return False
    expires = parse_datetime(params.get("expires_at") or "")
    if expires is None or timezone.now() >= expires or params.get("deleted_at"):
        return False
    return Project.objects.filter(pk=params.get("project"), staff=user).exists()


def build(params: dict) -> Build:
    from calportal.projects.models import Project

    project = Project.objects.get(pk=params["project"])
    return Build(
        content=lambda: workbook(project),
        content_type=XLSX,
        filename=f"lista-uczestnikow-projektu-{project.pk}.xlsx",
    )


def workbook(project) -> bytes:
    """The list's XLSX bytes in the active language: one row per person who started support
    (see :func:`calportal.projects.figures.participant_rows`), then the empty columns to fill in
    from the project's forms with a yellow header, and a sheet explaining them."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    from calportal.projects.figures import participant_rows
    from initiatives.models import ANONYMISED_PERSON, Gender, Participant

    genders = dict(Gender.choices)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Participants")[:31]
    to_fill_note = _("to be filled in from the project's form")
    header = [
        _("Participant no."),
        _("First name"),
        _("Last name"),
        _("Gender"),
        _("Year of birth"),
        _("Age at first support"),
        _("Area"),
        _("Urban / rural"),
        _("E-mail"),
        _("Phone"),
        _("First support"),
        _("Last support"),
        _("Attendances"),
        _("Disability declared"),
    ]
    filled = len(header)
    header += [f"{_(name)} – {to_fill_note}" for name in TO_FILL]
    sheet.append(header)
    bold = Font(bold=True)
    yellow = PatternFill("solid", fgColor=FILL_COLOUR)
    for index, cell in enumerate(sheet[1]):
        cell.font = bold
        if index >= filled:
            cell.fill = yellow
            cell.comment = Comment(to_fill_note, "CAL")
    rows = list(participant_rows(project))
    # A person anonymised since (an erasure, PRIVACY.md §2) still started support and counts,
    # but has no name or contact any more: the row says so rather than standing blank.
    anonymised = set(
        Participant.objects.filter(
            pk__in=[row["pk"] for row in rows], anonymised_year__isnull=False
        ).values_list("pk", flat=True)
    )
    for number, person in enumerate(rows, start=1):
        if person["pk"] in anonymised:
            person = {**person, "first_name": str(ANONYMISED_PERSON), "birth_year": None}
        first = timezone.localtime(person["first_support"])
        last = timezone.localtime(person["last_support"])
        age = first.year - person["birth_year"] if person["birth_year"] else None
        if person["area_name"]:
            area, settlement = (
                person["area_name"],
                _("urban") if person["area_urban"] else _("rural"),
            )
        elif person["outside_municipality"]:
            area, settlement = _("Outside the municipality"), ""
        else:
            area, settlement = "", ""
        sheet.append(
            [
                number,
                person["first_name"],
                person["last_name"],
                str(genders.get(person["gender"], "")),
                person["birth_year"],
                age,
                area,
                settlement,
                person["email"],
                str(person["phone"] or ""),
                first.date(),
                last.date(),
                person["attendances"],
                _("yes") if person["disability"] else "",
            ]
            + [""] * len(TO_FILL)
        )
        for cell in sheet[sheet.max_row][filled:]:
            cell.fill = yellow
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 18
    sheet.freeze_panes = "B2"
    about = book.create_sheet(_("About this list")[:31])
    for line in (
        [project.name],
        [_("Funder"), project.funder],
        [_("Agreement number"), project.agreement_number],
        [_("Prepared"), timezone.localtime().strftime("%d.%m.%Y %H:%M")],
        [
            _(
                "Restricted: for the OPS staff assigned to the project only. The file is deleted "
                "from the portal after 7 days; do not forward it by e-mail."
            )
        ],
        [
            _(
                "The columns with a yellow header are empty: fill them in from the project's "
                "paper forms (the portal does not collect these data)."
            )
        ],
        [
            _(
                "Disability declared: only where the person declared a disability certificate "
                "with their consent recorded on the registration."
            )
        ],
        [_("Age at first support: the year of the first support minus the year of birth.")],
    ):
        about.append(line)
    about["A5"].fill = about["A6"].fill = yellow
    about.column_dimensions["A"].width = 40
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def register() -> None:
    register_builder(KIND, permission=PERMISSION, shared_with=may_have, requester_checked=True)(
        build
    )
