"""What projects contribute to the report engine (registered in ``ProjectsConfig.ready``).

* ``Scope(project=pk)``: every app's event, attendance and hours figures count only the
  project's initiatives (:func:`calportal.reports.figures.register_linked_scope`).
* Timeframe identifiers (REPORTS.md §1, "project:<id>"):

  - ``project:<pk>`` — the project's dates (start–end);
  - ``project:<pk>/<period pk>`` — one of its reporting periods;
  - ``project:<pk>/current`` — the reporting period today falls in, or else the last one that
    has ended (the project's dates when it has none).

* The scope kind "project" for the request and schedule forms: OPS staff may pick any project.
"""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calportal.reports.figures import register_linked_scope
from calportal.reports.periods import Period, PeriodError, register_prefix
from calportal.reports.registry import ScopeKind, register_scope


def resolve_period(value: str, today: datetime.date) -> Period:
    """The period named by the part of ``project:…`` after the colon (see the module's
    docstring). Raises :class:`~calportal.reports.periods.PeriodError` (translated) for an
    unknown project or reporting period."""
    from calportal.projects.models import Project

    project_part, _slash, period_part = value.partition("/")
    project = None
    if project_part.isdigit():
        project = Project.objects.filter(pk=int(project_part)).first()
    if project is None:
        raise PeriodError(_("There is no such project."))
    if not period_part:
        return Period(project.start, project.end)
    periods = project.periods.all()
    if period_part == "current":
        chosen = periods.filter(start__lte=today, end__gte=today).first()
        chosen = chosen or periods.filter(end__lt=today).order_by("-end").first()
        if chosen is None:
            return Period(project.start, project.end)
        return Period(chosen.start, chosen.end)
    chosen = periods.filter(pk=int(period_part)).first() if period_part.isdigit() else None
    if chosen is None:
        raise PeriodError(_("The project has no such reporting period."))
    return Period(chosen.start, chosen.end)


def project_choices(user) -> list[tuple[int, str]]:
    """The projects ``user`` may have a report for: every project for OPS staff, none for
    anyone else."""
    from calportal.projects.models import Project

    if not user.has_perm("projects.view_project"):
        return []
    return [(pk, name) for pk, name in Project.objects.order_by("name").values_list("pk", "name")]


def project_title(pk: int) -> str:
    from calportal.projects.models import Project

    return Project.objects.filter(pk=pk).values_list("name", flat=True).first() or "?"


def report_deadlines(start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, str]]:
    """For the statutory calendar (R12's deadlines): ``[(due date, text)]`` of the projects'
    reporting periods whose report to the funder is due in ``[start, end]``. One query."""
    from calportal.projects.models import ReportingPeriod

    periods = ReportingPeriod.objects.filter(due__gte=start, due__lte=end).order_by("due")
    return [
        (
            due,
            _("The project report (R4) of %(project)s for %(start)s–%(end)s")
            % {"project": name, "start": f"{first:%d.%m.%Y}", "end": f"{last:%d.%m.%Y}"},
        )
        for due, name, first, last in periods.values_list("due", "project__name", "start", "end")
    ]


def register() -> None:
    from calportal.projects.figures import linked
    from calportal.reports.calendar import register_deadlines

    register_linked_scope("project", linked)
    register_deadlines(report_deadlines)
    register_prefix("project", resolve_period)
    register_scope(
        ScopeKind(
            "project",
            gettext_lazy("Project"),
            choices=project_choices,
            title=project_title,
            timeframe=lambda pk: f"project:{pk}",
        )
    )
