"""A document whose worker is killed mid-render is still finished, into one file: real Redis,
real prefork worker processes, a committed PostgreSQL test database they share.

The worker imports this module (``--include``), so the slow builder below exists only in the
test's workers."""

import datetime
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import redis
import time_machine
from django.db import connection
from django.utils import timezone

from calportal.celery import app
from calportal.documents.models import Document, DocumentStatus
from calportal.documents.registry import Build, register
from calportal.documents.services import document_request, document_sweep
from calportal.documents.tasks import RENDER_TIME_LIMIT
from calportal.queue import resume_broker
from tests.calportal.faults import database_url, worker_command
from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]
SLOW = "tests.slow_document"

pytestmark = pytest.mark.django_db(transaction=True)  # the workers read what the test commits


@register(SLOW, permission="documents.view_document")
def slow_document(params: dict) -> Build:
    time.sleep(params["seconds"])  # long enough to kill the worker in the middle
    return Build(template="pdf/base.html", context={}, filename="slow.pdf")


@pytest.fixture
def start_worker(tmp_path, settings):
    """``start_worker()`` starts a prefork worker (one pool process) on the test's own queue,
    where this test publishes its documents' jobs; returns its ``Popen``. All are stopped
    after the test."""
    require(connection.vendor == "postgresql", "a worker shares only a PostgreSQL test database")
    redis_url = os.environ.get("REDIS_URL", "")
    require(bool(redis_url), "REDIS_URL is not set")
    try:
        redis.Redis.from_url(redis_url).ping()
    except redis.RedisError as exc:
        require(False, f"Redis at {redis_url} does not answer: {exc}")
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    queue = f"test-documents-{uuid.uuid4().hex[:8]}"
    app.conf.task_always_eager = False
    _route_documents_to(queue)
    resume_broker()
    workers = []

    def start():
        process = subprocess.Popen(
            worker_command(
                pool="prefork", queue=queue, name=f"{queue}-{len(workers)}", include=__name__
            ),
            cwd=ROOT,
            env={
                **os.environ,
                "REDIS_URL": redis_url,
                "DATABASE_URL": database_url(),
                "PRIVATE_MEDIA_ROOT": str(tmp_path),
                "CELERY_TASK_ALWAYS_EAGER": "0",
            },
            start_new_session=True,  # its own process group: killed whole, like a container
        )
        workers.append(process)
        return process

    yield start
    _route_documents_to(None)
    for process in workers:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    redis.Redis.from_url(redis_url).delete(
        queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
    )


def _route_documents_to(queue: str | None) -> None:
    """Publish the documents' tasks to ``queue`` (None: back to the default). Celery caches its
    router on first use, so it is rebuilt."""
    app.conf.task_routes = {"calportal.documents.*": {"queue": queue}} if queue else None
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)


def _wait_for(document: Document, status: str, *, timeout: float) -> Document:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        document.refresh_from_db()
        if document.status == status:
            return document
        time.sleep(0.2)
    pytest.fail(f"document still {document.status!r}, not {status!r}, after {timeout} s")


def _pool_process(worker: subprocess.Popen) -> int:
    children = subprocess.run(
        ["pgrep", "-P", str(worker.pid)], capture_output=True, text=True
    ).stdout.split()
    assert len(children) == 1, children
    return int(children[0])


def _stored_files(root: Path) -> list[Path]:
    return sorted((root / "documents").iterdir())


def _request(django_user_model) -> Document:
    owner = django_user_model.objects.create(email="owner@example.org", is_superuser=True)
    return document_request(
        kind=SLOW, params={"seconds": 3}, title="Slow", requested_by=owner, language="pl"
    )


def test_a_render_whose_pool_process_is_killed_is_done_again_into_one_file(
    start_worker, django_user_model, tmp_path
):
    worker = start_worker()
    document = _request(django_user_model)

    _wait_for(document, DocumentStatus.RUNNING, timeout=60)
    os.kill(_pool_process(worker), signal.SIGKILL)

    # The worker hands the message back to Redis at once and renders it again in a new process.
    document = _wait_for(document, DocumentStatus.READY, timeout=120)
    assert document.attempts == 2
    assert _stored_files(tmp_path) == [tmp_path / document.file.name]


def test_a_render_whose_whole_worker_is_killed_is_sent_again_by_the_sweep(
    start_worker, django_user_model, tmp_path
):
    worker = start_worker()
    document = _request(django_user_model)
    document = _wait_for(document, DocumentStatus.RUNNING, timeout=60)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    start_worker()

    # Its message waits in Redis for the visibility timeout; the sweep, run once the render's
    # time limit has passed, does not.
    past_the_time_limit = document.started_at + datetime.timedelta(seconds=RENDER_TIME_LIMIT + 1)
    with time_machine.travel(max(past_the_time_limit, timezone.now()), tick=True):
        # PostgreSQL drops the dead worker's row lock once it notices the connection is gone.
        deadline = time.monotonic() + 10
        while document_sweep() == 0:
            assert time.monotonic() < deadline, "the sweep never sent the document again"
            time.sleep(0.1)

    document = _wait_for(document, DocumentStatus.READY, timeout=120)
    assert document.attempts == 2
    assert _stored_files(tmp_path) == [tmp_path / document.file.name]
