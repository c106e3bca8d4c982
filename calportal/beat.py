"""Celery beat's scheduler: django-celery-beat's database scheduler, with one change.

django-celery-beat keeps each entry's last run in the database, so a re-created beat container
runs at start whatever fell due while it was away. But an entry that has *never* run counts its
first interval from the row's last change — and beat rewrites every row at each start — so with
beat restarted more often than, say, daily, a daily entry would never run the first time. Here
an interval entry that has never run is due at once (every one of ours is a sweep that is safe to
run at any time). Crontab entries keep their wall-clock times: never-run, they wait for the next.
"""

from django.utils import timezone
from django_celery_beat import schedulers


class ModelEntry(schedulers.ModelEntry):
    def __init__(self, model, app=None):
        if model.last_run_at is None and model.interval_id is not None:
            model.last_run_at = timezone.now() - model.interval.schedule.run_every
        super().__init__(model, app=app)


class DatabaseScheduler(schedulers.DatabaseScheduler):
    Entry = ModelEntry
