"""/healthz reports each part — database, redis (the broker), cache, worker — and answers 503
only when the database is down (the web container can serve nothing without it)."""

import socket
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import OperationalError, connection

from calportal.health import HEARTBEAT_MAX_AGE, record_worker_heartbeat
from calportal.health.models import WorkerHeartbeat
from tests.conftest import require

pytestmark = pytest.mark.django_db

MOMENT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def redis_cache(location: str) -> dict:
    """The cache as settings.py configures it for a deployment, at ``location``."""
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "calportal",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def hung_server():
    """A server that accepts connections and never answers: a hung Redis."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for sock in accepted:
            sock.close()
        server.close()


def get_healthz(client):
    started = time.monotonic()
    response = client.get("/healthz")
    return response, response.json(), time.monotonic() - started


def test_every_part_up_is_ok(client, settings):
    require(bool(settings.REDIS_URL), "REDIS_URL is not set (Redis is needed)")
    record_worker_heartbeat()

    response, body, _ = get_healthz(client)

    assert response.status_code == 200
    assert body["status"] == "ok"
    assert {name: part["status"] for name, part in body["checks"].items()} == {
        "database": "ok",
        "redis": "ok",
        "cache": "ok",
        "worker": "ok",
    }
    assert 0 <= body["checks"]["worker"]["age_seconds"] <= 5
    assert response["Cache-Control"].startswith("max-age=0")


def test_redis_on_a_closed_port_is_reported_down_quickly_and_web_stays_healthy(client, settings):
    url = f"redis://127.0.0.1:{closed_port()}/0"
    settings.REDIS_URL = url
    settings.CACHES = redis_cache(f"{url[:-1]}1")
    record_worker_heartbeat()

    response, body, elapsed = get_healthz(client)

    assert response.status_code == 200  # web serves on; the broken parts are reported
    assert body["status"] == "degraded"
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["redis"]["status"] == "down"
    assert body["checks"]["cache"]["status"] == "down"
    assert body["checks"]["redis"]["error"] == body["checks"]["cache"]["error"] == "ConnectionError"
    assert elapsed < 1.5


def test_a_hung_redis_costs_about_a_second_per_part(client, settings):
    with hung_server() as port:
        url = f"redis://127.0.0.1:{port}/0"
        settings.REDIS_URL = url
        settings.CACHES = redis_cache(f"{url[:-1]}1")
        record_worker_heartbeat()

        response, body, elapsed = get_healthz(client)

    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["redis"] == {"status": "down", "error": "TimeoutError"}
    assert body["checks"]["cache"] == {"status": "down", "error": "TimeoutError"}
    assert elapsed < 3.5  # two parts on the hung server, about one second each


def test_a_worker_silent_for_two_minutes_is_reported_down(client, settings):
    settings.REDIS_URL = settings.REDIS_URL or "redis://127.0.0.1:6379/9"
    with time_machine.travel(MOMENT, tick=False) as traveller:
        record_worker_heartbeat()

        traveller.shift(timedelta(seconds=HEARTBEAT_MAX_AGE))
        worker = client.get("/healthz").json()["checks"]["worker"]
        assert worker == {"status": "ok", "age_seconds": 120}

        traveller.shift(timedelta(seconds=1))
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["worker"] == {"status": "down", "age_seconds": 121}


def test_a_worker_never_heard_from_is_down(client, settings):
    settings.REDIS_URL = settings.REDIS_URL or "redis://127.0.0.1:6379/9"

    body = client.get("/healthz").json()

    assert body["checks"]["worker"] == {"status": "down", "age_seconds": None}
    assert body["status"] == "degraded"


def test_the_freshest_of_several_workers_counts_and_old_ones_are_forgotten(settings):
    from calportal.health import check_worker

    settings.REDIS_URL = settings.REDIS_URL or "redis://127.0.0.1:6379/9"
    with time_machine.travel(MOMENT, tick=False) as traveller:
        record_worker_heartbeat("worker-of-a-removed-container")
        traveller.shift(timedelta(days=2))
        record_worker_heartbeat("worker-a")
        traveller.shift(timedelta(seconds=100))
        record_worker_heartbeat("worker-b")
        traveller.shift(timedelta(seconds=30))

        assert check_worker() == {"status": "ok", "age_seconds": 30}
    assert set(WorkerHeartbeat.objects.values_list("worker", flat=True)) == {
        "worker-a",
        "worker-b",
    }


def test_the_heartbeat_task_records_the_worker():
    from calportal.tasks import heartbeat

    heartbeat.delay()

    assert WorkerHeartbeat.objects.filter(worker=socket.gethostname()).exists()


def test_a_database_that_does_not_answer_is_503(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    monkeypatch.undo()

    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert response.json()["checks"]["database"] == {
        "status": "down",
        "error": "OperationalError",
    }


def test_the_embedded_default_has_no_broker_cache_server_or_worker_to_check(client, settings):
    settings.REDIS_URL = ""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": {"status": "ok"},
            "redis": {"status": "off"},
            "cache": {"status": "off"},
            "worker": {"status": "off"},
        },
    }
