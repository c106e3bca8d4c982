from celery import shared_task

from calportal.privacy import retention


@shared_task(
    name="privacy.apply_retention", ignore_result=True, soft_time_limit=240, time_limit=300
)
def apply_retention() -> int:
    """Nightly from beat (02:30): apply every retention rule that fell due (PRIVACY.md §1; see
    :func:`retention.run`). Idempotent: a second run finds nothing left to do. Returns the
    run's id."""
    return retention.run().pk
