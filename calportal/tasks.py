import socket

from celery import shared_task
from django.core.management import call_command


@shared_task(name="calportal.tasks.ping", ignore_result=False)
def ping(value: str) -> dict:
    """Echo ``value`` with the worker's host name: proves a message went through the broker."""
    return {"echo": value, "worker": socket.gethostname()}


@shared_task(name="calportal.tasks.clear_expired_sessions", soft_time_limit=240, time_limit=300)
def clear_expired_sessions() -> None:
    call_command("clearsessions")


@shared_task(
    name="calportal.tasks.heartbeat", ignore_result=True, soft_time_limit=20, time_limit=30
)
def heartbeat() -> None:
    """Every 30 seconds from beat: a worker records that it is alive (``/healthz`` reads it)."""
    from calportal.health import record_worker_heartbeat

    record_worker_heartbeat()
