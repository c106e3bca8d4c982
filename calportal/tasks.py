import socket

from celery import shared_task
from django.core.management import call_command


@shared_task(name="calportal.tasks.ping")
def ping(value: str) -> dict:
    """Echo ``value`` with the worker's host name: proves a message went through the broker."""
    return {"echo": value, "worker": socket.gethostname()}


@shared_task(name="calportal.tasks.clear_expired_sessions", soft_time_limit=540, time_limit=600)
def clear_expired_sessions() -> None:
    call_command("clearsessions")
