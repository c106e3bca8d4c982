from celery import shared_task

from initiatives.passes.services import passes_expire


@shared_task(name="initiatives.passes.expire", soft_time_limit=120, time_limit=150)
def expire_passes() -> int:
    return passes_expire()
