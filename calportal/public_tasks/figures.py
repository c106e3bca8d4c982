"""Figures of public tasks (REPORTS.md §9 D8) for the reports: what a task covers, its typed
contract data frozen into an R6 run, the actual dates of its actions, and the tasks
commissioned per organisation (R7)."""

import datetime
from decimal import Decimal

from django.db.models import Count, Max, Min, Sum

from calportal.reports.figures import Linked
from calportal.reports.periods import Period, PeriodError

from .models import PublicTask

ZERO = Decimal("0")


def tasks_commissioned(period: Period) -> dict[int, dict]:
    """Public tasks commissioned to each organisation whose contract period overlaps ``period``.

    Returns ``{organisation_id: {"tasks": int, "amount": Decimal}}``: the number of such tasks
    and the sum of their grants per contract (PLN, ``PublicTask.grant_amount``). Organisations
    without such a task are absent. One aggregate query (GROUP BY organisation)."""
    rows = (
        PublicTask.objects.filter(starts_on__lte=period.end, ends_on__gte=period.start)
        .order_by()
        .values("organisation_id")
        .annotate(tasks=Count("pk"), amount=Sum("grant_amount"))
    )
    return {
        row["organisation_id"]: {"tasks": row["tasks"], "amount": row["amount"] or ZERO}
        for row in rows
    }


def linked(pk: int) -> Linked:
    """The initiatives and single events a task covers (``Scope(task=pk)``; REPORTS.md §6 R6);
    an unknown task covers nothing. Two queries."""
    through_i = PublicTask.initiatives.through.objects.filter(publictask_id=pk)
    through_e = PublicTask.events.through.objects.filter(publictask_id=pk)
    return Linked(
        initiatives=frozenset(through_i.values_list("initiative_id", flat=True)),
        events=frozenset(through_e.values_list("event_id", flat=True)),
    )


def contract_period(value: str, today: datetime.date | None = None) -> Period:
    """The period ``task:<id>`` names: the task's contract period (start–end). Raises
    :class:`~calportal.reports.periods.PeriodError` for a malformed or unknown id."""
    from django.utils.translation import gettext as _

    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise PeriodError(_("There is no such public task.")) from None
    dates = PublicTask.objects.filter(pk=pk).values_list("starts_on", "ends_on").first()
    if dates is None:
        raise PeriodError(_("There is no such public task."))
    return Period(*dates)


def task_title(pk: int) -> str:
    """``"<contract number> — <title>"`` of a task, "" for an unknown one."""
    task = PublicTask.objects.filter(pk=pk).only("contract_number", "title").first()
    return str(task) if task else ""


def _money(value) -> str:
    return str((value or ZERO).quantize(Decimal("0.01")))


def snapshot(pk: int) -> dict | None:
    """Everything typed on the task that an R6 report prints, as JSON-ready values (amounts as
    strings ``"1234.50"``, dates ISO), frozen into the run's dataset at build so a later edit
    of the task does not change a report already made. None for an unknown task.

    Shape: ``{"id", "contract_number", "contract_date", "title", "organisation",
    "starts_on", "ends_on", "grant_amount", "grant_spent", "own_financial_planned",
    "own_financial", "own_non_financial_planned", "members_work_value", "in_kind_value",
    "other_revenue", "other_revenue_info", "recipient_fees", "recipient_fees_info",
    "initiatives": [title], "events": [title], "results": [{"name", "target", "unit",
    "measured_by", "achieved_typed", "source"}], "actions": [{"id", "name", "initiative_id",
    "planned_start", "planned_end", "description", "deviations"}], "cost_lines": [{"kind",
    "action", "name", "planned", "incurred"}]}``. Six queries."""
    task = PublicTask.objects.select_related("organisation").filter(pk=pk).first()
    if task is None:
        return None
    money_fields = (
        "grant_amount",
        "grant_spent",
        "own_financial_planned",
        "own_financial",
        "own_non_financial_planned",
        "members_work_value",
        "in_kind_value",
        "other_revenue",
        "recipient_fees",
    )
    actions = list(task.actions.order_by("position", "planned_start", "pk"))
    numbers = {action.pk: index for index, action in enumerate(actions, start=1)}
    return {
        "id": task.pk,
        "contract_number": task.contract_number,
        "contract_date": task.contract_date.isoformat(),
        "title": task.title,
        "organisation": task.organisation.name,
        "starts_on": task.starts_on.isoformat(),
        "ends_on": task.ends_on.isoformat(),
        **{name: _money(getattr(task, name)) for name in money_fields},
        "other_revenue_info": task.other_revenue_info,
        "recipient_fees_info": task.recipient_fees_info,
        "initiatives": list(task.initiatives.order_by("title").values_list("title", flat=True)),
        "events": [
            f"{event.title or event.initiative.title} ({event.starts_at:%Y-%m-%d})"
            for event in task.events.select_related("initiative").order_by("starts_at")
        ],
        "results": [
            {
                "name": result.name,
                "target": str(result.target),
                "unit": result.unit,
                "measured_by": result.measured_by,
                "achieved_typed": (
                    None if result.achieved_typed is None else str(result.achieved_typed)
                ),
                "source": result.source,
            }
            for result in task.results.order_by("position", "pk")
        ],
        "actions": [
            {
                "id": action.pk,
                "number": numbers[action.pk],
                "name": action.name,
                "initiative_id": action.initiative_id,
                "planned_start": action.planned_start.isoformat(),
                "planned_end": action.planned_end.isoformat(),
                "description": action.description,
                "deviations": action.deviations,
            }
            for action in actions
        ],
        "cost_lines": [
            {
                "kind": line.kind,
                "action": numbers.get(line.action_id),
                "name": line.name,
                "planned": _money(line.planned),
                "incurred": _money(line.incurred),
            }
            for line in task.cost_lines.order_by("kind", "position", "pk")
        ],
    }


def action_events(pk: int, period: Period) -> dict[int, dict]:
    """The events held of each action's initiative within the task's scope and the period
    (E(P) of REPORTS.md §2, not cancelled): ``{initiative_id: {"events": n, "first": date,
    "last": date}}`` (local dates of the first and last event's start). Initiatives without
    an event held are absent. One aggregate query."""
    import initiatives.figures as event_figures
    from calportal.reports.figures import Scope

    from .models import TaskAction

    initiatives = TaskAction.objects.filter(task_id=pk, initiative__isnull=False).values(
        "initiative_id"
    )
    rows = (
        event_figures.held_events(period, Scope(task=pk))
        .filter(initiative_id__in=initiatives)
        .order_by()
        .values("initiative_id")
        .annotate(events=Count("pk"), first=Min("starts_at"), last=Max("starts_at"))
    )
    from django.utils import timezone

    return {
        row["initiative_id"]: {
            "events": row["events"],
            "first": timezone.localdate(row["first"]),
            "last": timezone.localdate(row["last"]),
        }
        for row in rows
    }


def has_official_r6(pk: int) -> bool:
    """Whether an official R6 run exists for the task."""
    from calportal.reports.models import ReportRun

    return ReportRun.objects.filter(kind="R6", scope__task=pk, is_official=True).exists()


def report_deadlines(start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, str]]:
    """For the statutory calendar (R12's deadlines): ``[(due date, text)]`` of the public tasks
    whose report on their performance is due in ``[start, end]`` — 30 days after the task
    ends (art. 18 ust. 4 of the act on public-benefit activity). One query."""
    from django.utils.translation import gettext as _

    from .services import REPORT_DUE_DAYS

    days = datetime.timedelta(days=REPORT_DUE_DAYS)
    tasks = PublicTask.objects.filter(ends_on__gte=start - days, ends_on__lte=end - days)
    return [
        (
            ends_on + days,
            _("The report on the public task %(contract)s (%(organisation)s), R6")
            % {"contract": contract, "organisation": organisation},
        )
        for contract, organisation, ends_on in tasks.order_by("ends_on").values_list(
            "contract_number", "organisation__name", "ends_on"
        )
    ]
