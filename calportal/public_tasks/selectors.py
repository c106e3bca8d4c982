"""Which public tasks a user may see, for the staff pages and the reports."""

from django.db.models import Q, QuerySet

from .models import PublicTask


def report_task_ids(user) -> QuerySet | None:
    """The ids of the tasks whose R6 ``user`` may have (REPORTS.md §8): None for every task
    (OPS staff, ``reports.view_internal_report``), their own organisation's for a partner
    coordinator (``reports.view_own_scope_report`` with an organisation), none otherwise."""
    if not user.is_authenticated:
        return PublicTask.objects.none().values("pk")
    if user.has_perm("reports.view_internal_report"):
        return None
    organisation_id = getattr(user, "organisation_id", None)
    if organisation_id and user.has_perm("reports.view_own_scope_report"):
        return PublicTask.objects.filter(organisation_id=organisation_id).values("pk")
    return PublicTask.objects.none().values("pk")


def report_choices(user) -> list[tuple[int, str]]:
    """``[(pk, "<contract number> — <title>")]`` of the tasks the user may pick for a report,
    newest first. One query."""
    tasks = PublicTask.objects.order_by("-starts_on", "contract_number", "pk")
    allowed = report_task_ids(user)
    if allowed is not None:
        tasks = tasks.filter(pk__in=allowed)
    return [
        (pk, f"{number} — {title}")
        for pk, number, title in tasks.values_list("pk", "contract_number", "title")
    ]


def is_own_task(user, pk) -> bool:
    """Whether a partner coordinator's organisation is the task's contractor."""
    organisation_id = getattr(user, "organisation_id", None)
    return bool(
        organisation_id
        and pk
        and PublicTask.objects.filter(pk=pk, organisation_id=organisation_id).exists()
    )


def own_runs_filter(user) -> Q:
    """A ``Q`` over ``ReportRun`` for the R6 runs of the user's own organisation's tasks."""
    organisation_id = getattr(user, "organisation_id", None)
    if not organisation_id or not user.has_perm("reports.view_own_scope_report"):
        return Q(pk__in=[])
    ids = list(
        PublicTask.objects.filter(organisation_id=organisation_id).values_list("pk", flat=True)
    )
    return Q(scope__task__in=ids)
