"""Reminders: to coordinators on Monday about last week's missing hours, to volunteers before a
shift. Each runs from Celery beat; a reminder is sent once (the shift row records it)."""

import datetime
import logging

from celery import shared_task
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from calportal.accounts.models import User
from calportal.accounts.roles import Role
from calportal.outbox.services import queue_email
from volunteers.models import (
    Assignment,
    HoursEntry,
    Shift,
)

logger = logging.getLogger(__name__)


def _last_week(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    monday = today - datetime.timedelta(days=today.weekday() + 7)
    return monday, monday + datetime.timedelta(days=6)


@shared_task(name="volunteers.remind_missing_hours")
def remind_missing_hours() -> int:
    """Tell each organisation's coordinators which volunteers were on shifts last week but
    have no hours for it. Each coordinator's note for a week is queued once, however often the
    task runs (the outbox delivers it, retrying while the mail server is down). Returns the
    number of notes this run queued."""
    monday, sunday = _last_week(timezone.localdate())
    logged = HoursEntry.objects.filter(
        volunteer=OuterRef("volunteer"), date__gte=monday, date__lte=sunday
    )
    # Anonymised volunteers (PRIVACY.md §2) are nobody to chase for hours.
    missing = (
        Assignment.objects.filter(
            shift__starts_at__date__gte=monday,
            shift__starts_at__date__lte=sunday,
            volunteer__anonymised_year__isnull=True,
        )
        .filter(~Exists(logged))
        .select_related("volunteer__organisation")
        .order_by("volunteer__last_name", "volunteer__first_name")
    )
    by_organisation: dict = {}
    for assignment in missing:
        volunteers = by_organisation.setdefault(assignment.volunteer.organisation, {})
        volunteers[assignment.volunteer.pk] = assignment.volunteer
    queued = 0
    for organisation, volunteers in by_organisation.items():
        coordinators = User.objects.filter(
            organisation=organisation,
            is_active=True,
            groups__name=Role.PARTNER_COORDINATOR.value,
        )
        for coordinator in coordinators:
            # The key makes a second run of the same week (two beats, a retry) queue nothing.
            if queue_email(
                "volunteers/missing_hours",
                {
                    "organisation": organisation,
                    "volunteers": list(volunteers.values()),
                    "monday": monday,
                    "sunday": sunday,
                    "week": monday.isoformat(),
                },
                [coordinator.email],
                regarding=coordinator,
                key=f"volunteers/missing_hours:{monday.isoformat()}:{coordinator.pk}",
            ):
                queued += 1
    return queued


@shared_task(name="volunteers.remind_shift_volunteers")
def remind_shift_volunteers() -> int:
    """Queue a reminder to the volunteers of every shift that starts within a day, once per
    shift: ``reminder_sent_at`` is set in the same transaction as the queued messages, which the
    outbox then delivers (retrying while the mail server is down). Returns how many were
    queued."""
    now = timezone.now()
    due = Shift.objects.filter(
        starts_at__gt=now, starts_at__lte=now + datetime.timedelta(hours=24), reminder_sent_at=None
    ).values_list("pk", flat=True)
    queued = 0
    for shift_id in due:
        with transaction.atomic():
            shift = (
                Shift.objects.select_for_update(skip_locked=True)
                .filter(pk=shift_id, reminder_sent_at=None)
                .select_related("opportunity__organisation")
                .first()
            )
            if shift is None:
                continue
            shift.reminder_sent_at = timezone.now()
            shift.save(update_fields=["reminder_sent_at"])
            for assignment in shift.assignments.select_related("volunteer"):
                if assignment.volunteer.email and queue_email(
                    "volunteers/shift_reminder",
                    {
                        "volunteer": assignment.volunteer,
                        "shift": shift,
                        "opportunity": shift.opportunity,
                    },
                    [assignment.volunteer.email],
                    regarding=assignment.volunteer,
                    key=f"volunteers/shift_reminder:{assignment.pk}",
                ):
                    queued += 1
    return queued


@shared_task(name="volunteers.purge_stale_applications")
def purge_stale_applications() -> int:
    """Keep the public form's promise: people who applied but never started (applicants, or
    ended without any hours or certificate) are deleted six months after they applied — the
    retention rule ``volunteer_applicant`` (PRIVACY.md §1), whose period the OPS may change.
    The nightly retention run applies it too; this keeps the daily beat entry working."""
    from calportal.privacy.retention import apply_rule

    deleted = apply_rule("volunteer_applicant")
    if deleted:
        logger.info("Deleted %s stale volunteer applications", deleted)
    return deleted
