"""E-mails to people who asked to join. The subject never names the group or its topic: a
shared family inbox must not reveal "bereavement group"."""

from celery import shared_task

from calportal.emails import send_templated_email
from selfhelp.models import JoinRequest


@shared_task(
    name="selfhelp.send_request_confirmation",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_request_confirmation(request_id: int) -> None:
    join_request = JoinRequest.objects.filter(pk=request_id, erased_at__isnull=True).first()
    if join_request is None or not join_request.email:
        return
    send_templated_email(
        "selfhelp/request_received",
        {"join_request": join_request},
        [join_request.email],
        language=join_request.language,
    )


@shared_task(
    name="selfhelp.send_request_declined",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_request_declined(request_id: int, message: str) -> None:
    join_request = JoinRequest.objects.filter(pk=request_id, erased_at__isnull=True).first()
    if join_request is None or not join_request.email:
        return
    send_templated_email(
        "selfhelp/request_declined",
        {"join_request": join_request, "message": message},
        [join_request.email],
        language=join_request.language,
    )
