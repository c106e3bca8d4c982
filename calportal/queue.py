"""Handing work to Celery without ever failing the user's action.

Whatever must happen later (an e-mail, a PDF) is first written to the database with the change
that causes it; publishing a Celery message is only a way to do it *sooner*. So a broker that is
down or hung costs the user nothing: :func:`enqueue` logs a warning and returns False, and the
periodic sweeps (``calportal.outbox.sweep``, ``calportal.documents.sweep``) pick the work up
from the database once a worker runs again.

After one failure (of the broker or the cache, :mod:`calportal.redis_breaker`), this process stops
publishing for a while, so a hung Redis costs one request about a second (the socket timeout)
rather than every request.
"""

import logging

from celery import Task
from django.db import transaction

from calportal import redis_breaker

logger = logging.getLogger(__name__)


def enqueue(task: Task, *args, **kwargs) -> bool:
    """Publish ``task(*args, **kwargs)``. Returns True when the broker took it, False when it
    could not be reached (logged as a warning; never raised).

    With ``task_always_eager`` (the embedded default and the tests) the task runs here and now
    and its own exceptions propagate, as they would in a worker's log."""
    if task.app.conf.task_always_eager:
        task.apply_async(args=args, kwargs=kwargs)
        return True
    if redis_breaker.is_paused():
        logger.info("Redis is paused after a failure; %s waits for the sweep", task.name)
        return False
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except Exception as error:  # noqa: BLE001 - kombu, redis and socket errors all mean "not now"
        redis_breaker.trip("broker", error)
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


def hand_on(task: Task, ids, rows, *, by: str = "pk") -> list:
    """What a sweep does: publish ``task(id)`` for each of ``ids`` in turn, stopping at the
    first the broker does not take (the next sweep continues), and stamp the rows handed on:
    ``handed_on_at`` set to now on those of ``rows`` (a queryset) whose field ``by`` is one of
    the ids. Returns the ids handed on."""
    from django.utils import timezone

    handed = []
    for pk in ids:
        if not enqueue(task, pk):
            break
        handed.append(pk)
    rows.filter(**{f"{by}__in": handed}).update(handed_on_at=timezone.now())
    return handed


def resume_broker() -> None:
    """Forget an earlier failure (tests, and a worker that has just reconnected)."""
    redis_breaker.reset()
