from celery import shared_task

from calportal.privacy import retention


# The first run may have years of backlog: a rule cut short by the soft limit is rolled back,
# the run saved, and the next night goes on (retention.run). The limits stay inside the worker's
# stop_grace_period (docker-compose.yml) so a deployment never kills a run mid-rule.
@shared_task(
    name="privacy.apply_retention", ignore_result=True, soft_time_limit=270, time_limit=300
)
def apply_retention() -> int:
    """Nightly from beat (02:30): apply every retention rule that fell due (PRIVACY.md §1; see
    :func:`retention.run`). Idempotent: a second run finds nothing left to do. Returns the
    run's id."""
    return retention.run().pk
