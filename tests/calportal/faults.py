"""Real faults for tests: a Redis of our own that can be stopped or hung, SMTP relays that are
closed, silent or slow, and a real Celery worker pointed at them.

Everything runs on ports of its own, so the CI's PostgreSQL and Redis are never disturbed.
"""

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import kombu.pools
import redis
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection
from redis.backoff import NoBackoff
from redis.retry import Retry

from calportal.celery import app
from calportal.env import redis_database
from calportal.queue import resume_broker
from calportal.redis_breaker import BreakerConnection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, *, timeout: float, interval: float = 0.2, every=None):
    """Poll ``condition()`` until it is truthy (returned) or ``timeout`` seconds pass (None).
    ``every`` is called before each poll (e.g. the outbox sweep that beat would run)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if every is not None:
            every()
        value = condition()
        if value:
            return value
        time.sleep(interval)
    return None


class OwnRedis:
    """A redis-server on a free port: ``start()``, ``stop()``, ``hang()`` / ``unhang()``."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        assert wait_for(lambda: _pings(client), timeout=10), "redis-server did not start"

    def stop(self) -> None:
        if self.process is not None:
            self.unhang()
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def hang(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def unhang(self) -> None:
        if self.process is not None:
            os.kill(self.process.pid, signal.SIGCONT)


def _pings(client) -> bool:
    try:
        return client.ping()
    except redis.RedisError:
        return False


class Recorder:
    """aiosmtpd handler: keeps every accepted message; answers ``delay`` seconds late."""

    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.messages: list[dict] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.delay:
            await asyncio.sleep(self.delay)
        self.messages.append({"to": list(envelope.rcpt_tos), "content": envelope.content})
        return "250 Message accepted for delivery"


class Relay:
    """An SMTP relay on ``port`` that can be ``open``-ed (really accepting mail, optionally
    answering late), made ``silent`` (accepts TCP connections and never says a word) or
    ``close``-d (nothing listens)."""

    def __init__(self):
        self.port = free_port()
        self.recorder = Recorder()
        self._controller = None
        self._silent = None

    @property
    def messages(self) -> list[dict]:
        return self.recorder.messages

    def open(self, *, delay: float = 0.0) -> None:
        self.close()
        self.recorder.delay = delay
        self._controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def silent(self) -> None:
        self.close()
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        held = []

        def accept():
            with contextlib.suppress(OSError):
                while True:
                    held.append(listener.accept()[0])

        threading.Thread(target=accept, daemon=True).start()
        self._silent = (listener, held)

    def close(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
        if self._silent is not None:
            listener, held = self._silent
            for conn in [listener, *held]:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
                with contextlib.suppress(OSError):
                    conn.close()
            self._silent = None

    def recipients(self) -> list[str]:
        return sorted(address for message in self.messages for address in message["to"])


def database_url() -> str:
    """The test database, as a URL a worker process can open."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    credentials = (db.get("USER") or "postgres") + password
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"


def worker_command(
    *, pool: str = "solo", queue: str | None = None, name: str = "", include: str = ""
) -> list:
    """``celery worker`` with one process, quiet, without the cluster chatter; on ``queue``
    (and named ``name``, or after the queue) when given, importing the module ``include`` too."""
    command = [sys.executable, "-m", "celery", "-A", "calportal", "worker", f"--pool={pool}"]
    command += ["--concurrency=1", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    command += ["--loglevel=WARNING"]
    if include:
        command += ["--include", include]
    if queue:
        command += ["-Q", queue, "-n", f"{name or queue}@%h"]
    return command


class Worker:
    """``celery worker`` in a subprocess on the given broker, with the test database, the relay,
    and the outbox's retries shortened to seconds."""

    def __init__(self, broker_url: str, relay: Relay, *, pool: str = "solo", **env):
        self.broker_url = broker_url
        self.relay = relay
        self.pool = pool
        self.env = env
        self.process = None

    def start(self) -> None:
        env = {
            **os.environ,
            "REDIS_URL": self.broker_url,
            "DATABASE_URL": database_url(),
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.relay.port),
            "EMAIL_USE_TLS": "0",
            "EMAIL_TIMEOUT": "1",
            "OUTBOX_RETRY_BASE_SECONDS": "1",
            "OUTBOX_RETRY_MAX_SECONDS": "2",
            **self.env,
        }
        self.process = subprocess.Popen(worker_command(pool=self.pool), cwd=ROOT, env=env)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None


def _reset_celery_connections() -> None:
    """Forget every broker connection and producer (kombu keeps them in global pools, keyed by
    connection), so that the next task is published with the broker now configured."""
    with contextlib.suppress(Exception):
        kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def broker(url: str):
    """This test process publishes its Celery tasks to ``url`` (not eagerly) while inside."""
    previous = app.conf.broker_url
    app.conf.update(broker_url=url, task_always_eager=False)
    _reset_celery_connections()
    resume_broker()
    try:
        yield
    finally:
        app.conf.update(broker_url=previous, task_always_eager=True)
        _reset_celery_connections()
        resume_broker()


def cache_settings(url: str) -> dict:
    """``CACHES`` as the settings build them with ``REDIS_URL``, on our own Redis."""
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_database(url, 1),
            "KEY_PREFIX": "calportal",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": settings.REDIS_TIMEOUT,
                "SOCKET_TIMEOUT": settings.REDIS_TIMEOUT,
                "IGNORE_EXCEPTIONS": True,
                "CONNECTION_POOL_KWARGS": {
                    "connection_class": BreakerConnection,
                    "retry": Retry(NoBackoff(), 0),
                },
            },
        }
    }
