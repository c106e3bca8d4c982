"""docker-compose.yml cannot run here (no Docker engine), so check it says something runnable."""

import importlib
import shlex
import zoneinfo
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import time_machine
import yaml
from django.core.management import get_commands
from django.utils import timezone

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")

ROOT = Path(__file__).resolve().parents[2]


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def command_words(service: dict) -> list[str]:
    command = service.get("command")
    if isinstance(command, list):
        return command
    return shlex.split(command) if command else []


def test_compose_has_every_part_of_the_portal():
    services = compose()["services"]

    assert {"web", "worker", "beat", "postgres", "redis", "mailpit"} <= set(services)


def test_web_worker_and_beat_share_one_image_built_from_the_dockerfile():
    services = compose()["services"]
    images = {services[name].get("image") for name in ("web", "worker", "beat")}

    assert len(images) == 1 and None not in images
    assert services["web"]["build"]["dockerfile"] == "Dockerfile"
    assert (ROOT / "Dockerfile").exists()


def test_every_command_refers_to_something_that_exists():
    services = compose()["services"]
    manage_commands = get_commands()

    for name in ("web", "worker", "beat"):
        words = command_words(services[name])
        assert words, f"{name} has no command"
        program = words[0]
        if program == "gunicorn":
            module, _, attribute = words[-1].partition(":")
            assert hasattr(importlib.import_module(module), attribute or "application")
        elif program == "celery":
            app_module = words[words.index("-A") + 1]
            assert importlib.import_module(app_module).celery_app
            assert words[words.index("-A") + 2] in {"worker", "beat"}
        else:
            raise AssertionError(f"{name}: unexpected program {program}")

    release = command_words(services["migrate"])
    assert release[:2] == ["python", "manage.py"]
    assert release[2] in manage_commands


def test_infrastructure_images_are_pinned_and_healthchecked():
    services = compose()["services"]

    for name in ("postgres", "redis"):
        assert ":" in services[name]["image"]
        assert "healthcheck" in services[name]


def test_the_beat_schedule_only_names_registered_tasks():
    from django.conf import settings

    from calportal.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


def test_the_web_healthcheck_uses_a_host_that_django_allows():
    services = compose()["services"]
    check = " ".join(services["web"]["healthcheck"]["test"])
    allowed = services["web"]["environment"]["ALLOWED_HOSTS"]

    assert "http://127.0.0.1:8000/healthz" in check
    assert "127.0.0.1" in allowed.split(",")


def test_mail_catcher_and_web_are_published_on_the_host_only():
    services = compose()["services"]

    for name in ("web", "mailpit"):
        for port in services[name].get("ports", []):
            assert port.startswith("127.0.0.1:"), (name, port)


def beat_schedule():
    """The schedule as a freshly started beat sees it (the entries are rewritten at start)."""
    from calportal.beat import DatabaseScheduler
    from calportal.celery import app

    return DatabaseScheduler(app=app).schedule


def is_due(schedule, name: str) -> bool:
    # django-celery-beat leaves out crontab entries far from the current hour.
    return name in schedule and schedule[name].is_due().is_due


# Beat commits and closes its connections as it goes: real transactions.
@pytest.mark.django_db(transaction=True)
def test_beat_runs_a_never_run_interval_entry_at_once_however_often_it_restarts():
    # A Tuesday morning: the Monday crontab entry is not due.
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=WARSAW), tick=False) as clock:
        for _ in range(3):  # each restart rewrites the rows; the entry stays due
            schedule = beat_schedule()
            assert is_due(schedule, "volunteer-stale-applications")
            assert is_due(schedule, "clear-expired-sessions")
            assert not is_due(schedule, "volunteer-missing-hours")
            clock.shift(timedelta(hours=1))


@pytest.mark.django_db(transaction=True)
def test_beat_keeps_the_last_run_across_restarts_and_catches_up_what_it_missed():
    from django_celery_beat.models import PeriodicTask

    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=WARSAW), tick=False) as clock:
        beat_schedule()
        PeriodicTask.objects.filter(name="volunteer-stale-applications").update(
            last_run_at=timezone.now()
        )
        clock.shift(timedelta(hours=23))
        due, wait = beat_schedule()["volunteer-stale-applications"].is_due()
        assert not due and 3500 <= wait <= 3600  # a restart does not push it back

        clock.shift(timedelta(hours=5))  # beat was down when it fell due
        assert is_due(beat_schedule(), "volunteer-stale-applications")
