"""Handing work to Celery without ever failing the user's action.

Whatever must happen later (an e-mail, a PDF) is first written to the database with the change
that causes it; publishing a Celery message is only a way to do it *sooner*. So a broker that is
down or hung costs the user nothing: :func:`enqueue` logs a warning and returns False, and the
periodic sweeps (``calportal.outbox.sweep``, ``calportal.documents.sweep``) pick the work up
from the database once a worker runs again.

After one failed publish, this process stops trying for :data:`BROKER_PAUSE_SECONDS`, so a hung
Redis costs one request about a second (the socket timeout) rather than every request.
"""

import logging
import time

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)

# After a failed publish, skip the broker for this long (seconds); the sweeps catch up.
BROKER_PAUSE_SECONDS = 30.0
_broker_paused_until = 0.0


def enqueue(task: Task, *args, **kwargs) -> bool:
    """Publish ``task(*args, **kwargs)``. Returns True when the broker took it, False when it
    could not be reached (logged as a warning; never raised).

    With ``task_always_eager`` (the embedded default and the tests) the task runs here and now
    and its own exceptions propagate, as they would in a worker's log."""
    global _broker_paused_until
    if task.app.conf.task_always_eager:
        task.apply_async(args=args, kwargs=kwargs)
        return True
    if time.monotonic() < _broker_paused_until:
        logger.warning("Broker paused after a failure; %s waits for the sweep", task.name)
        return False
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except Exception:  # noqa: BLE001 - kombu, redis and socket errors all mean "not now"
        _broker_paused_until = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning(
            "Could not publish %s: the broker is unreachable; the sweep will run it later",
            task.name,
            exc_info=True,
        )
        return False
    return True


def enqueue_on_commit(task: Task, *args, **kwargs) -> None:
    """:func:`enqueue` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: enqueue(task, *args, **kwargs))


def resume_broker() -> None:
    """Forget an earlier failure (tests, and a worker that has just reconnected)."""
    global _broker_paused_until
    _broker_paused_until = 0.0
