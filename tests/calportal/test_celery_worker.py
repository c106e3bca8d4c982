"""A real Celery task through the real Redis broker to a real worker process."""

import os
import subprocess
import uuid
from pathlib import Path

import pytest
import redis

from calportal.celery import app
from calportal.tasks import ping
from tests.calportal.faults import worker_command
from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    require(bool(url), "REDIS_URL is not set")
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as exc:
        require(False, f"Redis at {url} does not answer: {exc}")
    return url


@pytest.fixture
def worker(redis_url):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    process = subprocess.Popen(
        worker_command(queue=queue),
        cwd=ROOT,
        env={**os.environ, "REDIS_URL": redis_url, "CELERY_TASK_ALWAYS_EAGER": "0"},
    )
    yield queue
    process.terminate()
    process.wait(timeout=30)


def test_a_task_runs_in_a_separate_worker_and_returns_its_result(worker):
    app.conf.task_always_eager = False
    token = uuid.uuid4().hex

    result = ping.apply_async(args=[token], queue=worker)

    # Earlier eager tasks in this process make Celery think it is inside a task; it is not.
    value = result.get(timeout=60, disable_sync_subtasks=False)
    assert value["echo"] == token
    assert result.status == "SUCCESS"
