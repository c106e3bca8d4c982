from celery import shared_task

from calportal.public_tasks import services


@shared_task(
    name="public_tasks.due_reports", ignore_result=True, soft_time_limit=120, time_limit=150
)
def due_reports() -> dict:
    """Daily from beat (06:30): the draft R6 of tasks that have ended and the reminders 20
    days after (REPORTS.md §5); see :func:`services.due_reports`."""
    return services.due_reports()
