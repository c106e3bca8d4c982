from django.db import models


class WorkerHeartbeat(models.Model):
    """The last moment a Celery worker ran the ``heartbeat`` task, one row per worker host.

    Kept in the database, not in Redis: Redis may be the part that is down, and /healthz must
    still tell whether a worker has been running tasks."""

    worker = models.CharField(max_length=255, unique=True)
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.worker} at {self.seen_at:%Y-%m-%d %H:%M:%S}"
