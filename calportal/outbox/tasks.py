from celery import shared_task

from calportal.outbox import services


# The longest a task may run (CELERY_TASK_TIME_LIMIT): a relay that is slow on every command
# (each read may take EMAIL_REPLY_TIMEOUT) is cut off, and the message retried, with its
# Message-ID.
@shared_task(
    name="calportal.outbox.deliver", ignore_result=True, soft_time_limit=280, time_limit=300
)
def deliver_email(email_id: int) -> None:
    """Send one queued e-mail (see :func:`calportal.outbox.services.deliver`)."""
    services.deliver(email_id)


@shared_task(name="calportal.outbox.sweep", ignore_result=True, soft_time_limit=50, time_limit=60)
def sweep() -> int:
    """Every minute: hand on the e-mails and text messages that are due and the messages still
    to compose (see :func:`calportal.outbox.services.sweep`,
    :func:`calportal.outbox.sms.sweep_sms` and :func:`calportal.outbox.later.sweep_pending`)."""
    from calportal.outbox import later, sms

    return services.sweep() + sms.sweep_sms() + later.sweep_pending()


@shared_task(name="calportal.outbox.forget_old", soft_time_limit=240, time_limit=300)
def forget_old() -> int:
    """Daily: delete e-mails and text messages older than ``OUTBOX_KEEP_DAYS`` (see
    :func:`calportal.outbox.services.forget_old_messages` and
    :func:`calportal.outbox.sms.forget_old_sms`)."""
    from calportal.outbox import sms

    return services.forget_old_messages() + sms.forget_old_sms()


@shared_task(
    name="calportal.outbox.deliver_sms", ignore_result=True, soft_time_limit=80, time_limit=90
)
def deliver_sms(sms_id: int) -> None:
    """Send one queued text message (see :func:`calportal.outbox.sms.deliver`)."""
    from calportal.outbox import sms

    sms.deliver(sms_id)


@shared_task(name="calportal.outbox.compose", ignore_result=True, soft_time_limit=80, time_limit=90)
def compose_pending(pending_id: int) -> None:
    """Compose one message stored by :func:`calportal.outbox.later.compose_later`."""
    from calportal.outbox import later

    later.compose(pending_id)
