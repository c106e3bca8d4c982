"""One switch for "Redis is not answering", shared by the cache and the task queue.

A Redis that is down refuses connections at once, but a hung one (stopped, overloaded, a
half-open network path) lets every command wait for the socket timeout. So after one failure
this process leaves Redis alone for :data:`PAUSE_SECONDS`: cache reads are misses, rate limits
let requests through, and published tasks wait in the database for the sweeps. A hung Redis
thus costs one request about a second (``settings.REDIS_TIMEOUT``), not every request.
"""

import logging
import time

import redis

logger = logging.getLogger(__name__)

# After a failure, skip Redis for this long (seconds) before trying again.
PAUSE_SECONDS = 30.0
_paused_until = 0.0


def is_paused() -> bool:
    """True while this process is leaving Redis alone after a failure."""
    return time.monotonic() < _paused_until


def trip(what: str, error: BaseException | None = None) -> None:
    """Record that ``what`` ("cache", "broker") failed: pause for :data:`PAUSE_SECONDS`, with
    one warning in the log per pause."""
    global _paused_until
    if not is_paused():
        logger.warning(
            "Redis (%s) is not answering (%s); the cache and the broker are skipped for %d s",
            what,
            error.__class__.__name__ if error else "error",
            PAUSE_SECONDS,
        )
    _paused_until = time.monotonic() + PAUSE_SECONDS


def reset() -> None:
    """Try Redis again at once (tests, and a process that knows it is back)."""
    global _paused_until
    _paused_until = 0.0


class BreakerConnection(redis.connection.Connection):
    """The cache's Redis connection: refuses at once while paused, and trips the pause when a
    connect, a send or a read fails (``CACHES["default"]["OPTIONS"]
    ["CONNECTION_POOL_KWARGS"]["connection_class"]``)."""

    def connect(self, *args, **kwargs):
        if is_paused():
            raise redis.ConnectionError("Redis is paused after a failure")
        try:
            return super().connect(*args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError) as error:
            trip("cache", error)
            raise

    def send_packed_command(self, *args, **kwargs):
        if is_paused():
            self.disconnect()
            raise redis.ConnectionError("Redis is paused after a failure")
        try:
            return super().send_packed_command(*args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError) as error:
            trip("cache", error)
            raise

    def read_response(self, *args, **kwargs):
        try:
            return super().read_response(*args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError) as error:
            trip("cache", error)
            raise
