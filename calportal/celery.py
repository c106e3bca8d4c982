"""The Celery application. Workers start it with ``celery -A calportal worker``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calportal.settings")

app = Celery("calportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
