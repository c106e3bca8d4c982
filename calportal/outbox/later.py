"""Messages composed by the worker after the change is committed.

Telling a person about a change (:mod:`calportal.notify`) renders e-mail templates, a calendar
file and text messages. Where the change holds a lock others wait for — a signup holds its
event's row lock until it commits — that work is not done inside it: :func:`compose_later`
stores a :class:`~calportal.outbox.models.PendingMessage` (the composer's name and its
arguments) in the change's transaction and publishes :func:`compose` once it commits. A worker
then composes the message in a transaction of its own; the composed e-mail, text message or
call-list item goes on as any other (``calportal/outbox``).

Nothing is lost: a publish that fails (the broker is down) or a task that is lost is picked up
by :func:`sweep_pending` (every minute, with the outbox sweep); a composer that fails is retried
by the sweep up to :data:`MAX_ATTEMPTS` times and logged as an error. Two workers never compose
one message twice (a row lock with ``skip_locked``), and the composers are idempotent (keys), so
a retry after a crash sends nothing twice.

With ``task_always_eager`` (the embedded default, the tests) the message is composed at once, in
the change's own transaction, as if no worker were involved.
"""

import datetime
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from calportal.outbox.models import PendingMessage

logger = logging.getLogger(__name__)

# A composer that failed this many times is left (logged as an error) for a developer to see.
MAX_ATTEMPTS = 5

_COMPOSERS: dict[str, Callable] = {}


def register(name: str):
    """Decorator: make the function a composer under ``name`` ("app.what"). Its keyword
    arguments must be JSON values; it runs in a transaction and must be idempotent."""

    def decorator(function):
        _COMPOSERS[name] = function
        return function

    return decorator


def _composer(name: str) -> Callable:
    if name not in _COMPOSERS:
        from django.apps import apps

        # Composers register when their module is imported; a worker may not have imported it.
        for config in apps.get_app_configs():
            try:
                __import__(f"{config.name}.messages")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.messages":
                    raise
    try:
        return _COMPOSERS[name]
    except KeyError:
        raise LookupError(f"no composer registered as {name!r}") from None


def _eager() -> bool:
    from calportal.celery import app

    return bool(app.conf.task_always_eager)


def compose_later(name: str, **arguments) -> PendingMessage | None:
    """Compose message ``name`` (a registered composer) with ``arguments`` after the current
    transaction commits, in the worker. Returns the stored :class:`PendingMessage`; None when
    Celery runs eagerly and the message was composed here and now. Raises ``LookupError`` for
    an unknown composer."""
    composer = _composer(name)
    if _eager():
        composer(**arguments)
        return None
    from calportal.outbox.tasks import compose_pending
    from calportal.queue import enqueue_on_commit

    pending = PendingMessage.objects.create(composer=name, arguments=arguments)
    enqueue_on_commit(compose_pending, pending.pk)
    return pending


def compose(pending_id: int) -> bool:
    """Compose one pending message and delete it, in one transaction. Returns False when it is
    gone (composed already) or another worker holds it, or when the composer failed (the
    attempt and its error are recorded; the sweep retries)."""
    with transaction.atomic():
        pending = (
            PendingMessage.objects.select_for_update(skip_locked=True).filter(pk=pending_id).first()
        )
        if pending is None:
            return False
        try:
            with transaction.atomic():
                _composer(pending.composer)(**pending.arguments)
        except Exception as error:  # noqa: BLE001 - recorded and retried; never lost
            pending.attempts += 1
            # The kind of error only: its text may quote a person's details.
            pending.last_error = type(error).__name__[:500]
            pending.save(update_fields=["attempts", "last_error"])
            log = logger.error if pending.attempts >= MAX_ATTEMPTS else logger.warning
            log("Composing %s failed (attempt %s)", pending, pending.attempts, exc_info=True)
            return False
        pending.delete()
    return True


def sweep_pending() -> int:
    """Publish :func:`compose` for every pending message that needs it: waiting more than
    ``OUTBOX_SWEEP_AFTER_SECONDS`` and never handed on (its publish was lost), or handed on
    ``OUTBOX_SWEEP_AFTER_SECONDS`` ago and still there (its task was lost, or the composer
    failed), fewer than :data:`MAX_ATTEMPTS` failures. Returns how many were handed on."""
    from calportal import queue
    from calportal.outbox.tasks import compose_pending

    now = timezone.now()
    before = now - datetime.timedelta(seconds=settings.OUTBOX_SWEEP_AFTER_SECONDS)
    candidates = (
        PendingMessage.objects.filter(created_at__lte=before, attempts__lt=MAX_ATTEMPTS)
        .filter(Q(handed_on_at__isnull=True) | Q(handed_on_at__lte=before))
        .values_list("pk", flat=True)[:500]
    )
    return len(queue.hand_on(compose_pending, candidates, PendingMessage.objects))
