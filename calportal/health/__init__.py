"""The health of the deployment's parts, for ``/healthz`` and the container health checks.

Each ``check_*`` function answers a dict with ``"status"``: ``"ok"``, ``"down"`` (with the
``"error"``'s class name) or ``"off"`` (the part is not configured: the embedded default runs
tasks in-process and caches in memory). None of them raises, and each gives up after about
``settings.REDIS_TIMEOUT`` seconds when a server does not answer.

The worker is "ok" when some worker ran the ``calportal.tasks.heartbeat`` task (sent by beat
every 30 seconds) within :data:`HEARTBEAT_MAX_AGE` seconds. The moment is stored in the database
(:class:`calportal.health.models.WorkerHeartbeat`), not in Redis, because Redis may be what is
down. This module is the app's package: it imports its models only inside the functions.
"""

import socket
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

# A worker that has not run the heartbeat task (every 30 s) for this long is reported down.
HEARTBEAT_MAX_AGE = 120
# Rows of workers not heard from for this long (containers re-created long ago) are removed.
HEARTBEAT_FORGET_AFTER = timedelta(days=1)


def _down(exc: BaseException) -> dict:
    return {"status": "down", "error": exc.__class__.__name__}


def record_worker_heartbeat(worker: str | None = None) -> None:
    """Record that the worker on this host is alive now (called by the heartbeat task)."""
    from calportal.health.models import WorkerHeartbeat

    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker=(worker or socket.gethostname())[:255], defaults={"seen_at": now}
    )
    WorkerHeartbeat.objects.filter(seen_at__lt=now - HEARTBEAT_FORGET_AFTER).delete()


def check_database() -> dict:
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure is reported, never raised
        return _down(exc)
    return {"status": "ok"}


def _redis_client(url: str):
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    timeout = settings.REDIS_TIMEOUT
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=0,
    )


def check_redis() -> dict:
    """The Celery broker (``REDIS_URL``): one PING on a fresh connection, no retries."""
    if not settings.REDIS_URL:
        return {"status": "off"}
    try:
        client = _redis_client(settings.REDIS_URL)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:  # noqa: BLE001
        return _down(exc)
    return {"status": "ok"}


def check_cache() -> dict:
    """The cache as the portal uses it. django-redis swallows errors (a cache that does not
    answer is a miss), so for it the server is pinged through the cache's own connection."""
    from django.core.cache import caches

    cache = caches["default"]
    backend = cache.__class__.__module__
    if backend.startswith("django.core.cache.backends.locmem"):
        return {"status": "off"}
    try:
        if backend.startswith("django_redis"):
            from django_redis import get_redis_connection

            get_redis_connection("default").ping()
        else:
            cache.set("healthz", "ok", timeout=10)
            if cache.get("healthz") != "ok":
                return {"status": "down", "error": "NotStored"}
    except Exception as exc:  # noqa: BLE001
        return _down(exc)
    return {"status": "ok"}


def check_worker() -> dict:
    """Whether a worker ran the heartbeat task within the last :data:`HEARTBEAT_MAX_AGE`
    seconds; ``age_seconds`` is how long ago (None when no worker was ever heard from)."""
    if not settings.REDIS_URL:
        return {"status": "off"}  # no broker: tasks run in the web process itself
    from calportal.health.models import WorkerHeartbeat

    try:
        last = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True)
        seen_at = last.first()
    except Exception as exc:  # noqa: BLE001
        return {"status": "unknown", "error": exc.__class__.__name__, "age_seconds": None}
    if seen_at is None:
        return {"status": "down", "age_seconds": None}
    age = max(0, int((timezone.now() - seen_at).total_seconds()))
    return {"status": "ok" if age <= HEARTBEAT_MAX_AGE else "down", "age_seconds": age}


def report() -> tuple[dict, int]:
    """Every part's state and the HTTP status for ``/healthz``.

    The status is 200 while the database answers — the web container can serve (Redis, the
    cache and the worker being down delays e-mail and documents, it is no reason to restart
    web) — and 503 when it does not. ``"status"`` is ``"ok"``, ``"degraded"`` (some other part
    down) or ``"down"`` (the database)."""
    checks = {
        "database": check_database(),
        "redis": check_redis(),
        "cache": check_cache(),
    }
    if checks["database"]["status"] == "ok":
        checks["worker"] = check_worker()
    else:
        checks["worker"] = {"status": "unknown", "age_seconds": None}
    if checks["database"]["status"] != "ok":
        overall, http_status = "down", 503
    elif all(part["status"] in {"ok", "off"} for part in checks.values()):
        overall, http_status = "ok", 200
    else:
        overall, http_status = "degraded", 200
    return {"status": overall, "checks": checks}, http_status
