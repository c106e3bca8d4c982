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


@shared_task(
    name="calportal.tasks.send_rendered_email",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=50,
    time_limit=60,
)
def send_rendered_email(subject: str, text: str, html: str | None, to: list[str]) -> None:
    """Send an e-mail that was rendered in the request (e.g. a password-reset link)."""
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives

    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


@shared_task(name="calportal.tasks.heartbeat", ignore_result=True, time_limit=30)
def heartbeat() -> None:
    """Every 30 seconds from beat: a worker records that it is alive (``/healthz`` reads it)."""
    from calportal.health import record_worker_heartbeat

    record_worker_heartbeat()
