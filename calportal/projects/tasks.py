from celery import shared_task

from calportal.projects import services


@shared_task(
    name="projects.delete_expired_lists", ignore_result=True, soft_time_limit=50, time_limit=60
)
def delete_expired_lists() -> int:
    """Hourly from beat: delete the files of participant lists older than 7 days (see
    :func:`services.participant_lists_delete_expired`)."""
    return services.participant_lists_delete_expired()
