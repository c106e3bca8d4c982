from celery import shared_task

from calportal.reports import services

# Seconds. The benchmark's city-sized year builds in well under a minute; past the hard limit
# the worker kills the build and the sweep sends it again (at most DOCUMENTS_MAX_ATTEMPTS).
BUILD_SOFT_TIME_LIMIT = 240
BUILD_TIME_LIMIT = 300


@shared_task(
    name="calportal.reports.build_report",
    ignore_result=True,
    soft_time_limit=BUILD_SOFT_TIME_LIMIT,
    time_limit=BUILD_TIME_LIMIT,
)
def build_report(run_id: int) -> None:
    """Build one report run (see :func:`services.report_build`); idempotent."""
    services.report_build(run_id=run_id)


@shared_task(name="calportal.reports.sweep", ignore_result=True, soft_time_limit=50, time_limit=60)
def sweep() -> int:
    """Every minute from beat: send again the build jobs that were lost."""
    return services.run_sweep()


@shared_task(
    name="calportal.reports.run_due_schedules",
    ignore_result=True,
    soft_time_limit=120,
    time_limit=150,
)
def run_due_schedules() -> int:
    """Every 15 minutes from beat: start the scheduled reports that are due (REPORTS.md §5)."""
    return services.schedules_run_due()


@shared_task(
    name="calportal.reports.event_summaries",
    ignore_result=True,
    soft_time_limit=120,
    time_limit=150,
)
def event_summaries() -> int:
    """Hourly from beat: the R11 summaries of yesterday's events for their organisers."""
    return services.event_summaries_request()
