"""Saving a public task with its results, actions and cost lines (all or nothing)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import PublicTask


def public_task_save(*, form, formsets: dict, by, organisation_id: int | None) -> PublicTask:
    """Save a validated task form and its three formsets together, or nothing. A partner
    coordinator's task (``organisation_id``) is always their own organisation's; a new task
    records who created it."""
    with transaction.atomic():
        task = form.save(commit=False)
        if organisation_id is not None:
            task.organisation_id = organisation_id
        if task.pk is None:
            task.created_by = by
        task.full_clean()
        task.save()
        form.save_m2m()
        for formset in formsets.values():
            formset.instance = task
            formset.save()
        return task


# The R6 timetable (REPORTS.md §5): a draft on the task's end date, a reminder 20 days later;
# the report is due within 30 days of the end (art. 18 ust. 4 of the act on public-benefit
# activity and volunteering). Tasks that ended longer ago than the window are left alone (a
# task typed in after the fact gets no draft and no reminder).
REMINDER_AFTER_DAYS = 20
REPORT_DUE_DAYS = 30
WINDOW_DAYS = 60


def due_reports(*, today: datetime.date | None = None) -> dict[str, int]:
    """Request the draft R6 of every task that has ended (once per task) and e-mail the
    reminder 20 days after its end (once) to its organisation's partner coordinators and the
    OPS staff when no official R6 exists yet. Idempotent: each task records when it got its
    draft and its reminder, under a row lock, and the e-mails have keys. Returns
    ``{"drafts": n, "reminders": n}`` (tasks, not e-mails)."""
    from calportal.reports import services as report_services

    from .figures import has_official_r6

    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=WINDOW_DAYS)
    done = {"drafts": 0, "reminders": 0}
    for pk in PublicTask.objects.filter(
        ends_on__lte=today, ends_on__gte=since, draft_requested_at__isnull=True
    ).values_list("pk", flat=True):
        with transaction.atomic():
            task = (
                PublicTask.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=pk, draft_requested_at__isnull=True)
                .first()
            )
            if task is None:
                continue
            if not has_official_r6(task.pk):
                report_services.report_request(
                    parameters=draft_parameters(task.pk), requested_by=_owner(task), today=today
                )
                done["drafts"] += 1
            task.draft_requested_at = timezone.now()
            task.save(update_fields=["draft_requested_at"])
    remind_until = today - datetime.timedelta(days=REMINDER_AFTER_DAYS)
    for pk in PublicTask.objects.filter(
        ends_on__lte=remind_until, ends_on__gte=since, reminder_sent_at__isnull=True
    ).values_list("pk", flat=True):
        with transaction.atomic():
            task = (
                PublicTask.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("organisation")
                .filter(pk=pk, reminder_sent_at__isnull=True)
                .first()
            )
            if task is None:
                continue
            if not has_official_r6(task.pk):
                _remind(task)
                done["reminders"] += 1
            task.reminder_sent_at = timezone.now()
            task.save(update_fields=["reminder_sent_at"])
    return done


def _owner(task: PublicTask):
    """Who the draft is made for: the task's creator when they may still have its R6 (then they
    may complete it), else nobody (OPS staff complete it)."""
    from calportal.reports import access

    creator = task.created_by
    if creator is not None and creator.is_active:
        parameters = draft_parameters(task.pk)
        scope = access.Scope.from_dict(parameters["scope"])
        if access.may_run(creator, "R6", scope, parameters["variant"]):
            return creator
    return None


def draft_parameters(pk: int) -> dict:
    """The R6 a draft is made of: the task's contract period, the shared variant, Polish."""
    return {
        "kind": "R6",
        "scope": {"task": pk},
        "timeframe": f"task:{pk}",
        "comparison": "none",
        "variant": "shared",
        "language": settings.LANGUAGE_CODE,
        "k": 3,
    }


def reminder_recipients(task: PublicTask):
    """Active users with an e-mail address who are the task organisation's partner
    coordinators or OPS staff."""
    from calportal.accounts.models import User
    from calportal.accounts.roles import Role

    return (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .filter(
            Q(groups__name=Role.OPS_STAFF.value)
            | Q(groups__name=Role.PARTNER_COORDINATOR.value, organisation_id=task.organisation_id)
        )
        .distinct()
        .order_by("pk")
    )


def _remind(task: PublicTask) -> None:
    from calportal.outbox.services import queue_email

    due = task.ends_on + datetime.timedelta(days=REPORT_DUE_DAYS)
    for user in reminder_recipients(task):
        queue_email(
            "public_tasks/r6-reminder",
            {"task": task, "user": user, "due": due},
            [user.email],
            regarding=task,
            key=f"public-task-r6-reminder:{task.pk}:{user.pk}",
        )
