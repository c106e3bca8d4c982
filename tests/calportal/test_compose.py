"""docker-compose.yml survives its own operations: re-created containers, `docker compose stop`,
a large PDF, a worker that hangs, and a first start with only the README's `.env`.

There is no Docker engine here, so the file is read and its environment is evaluated the way
Compose does (``${X:-default}``, ``${X:?message}``, ``$$``), with the README's `.env` example
standing in for the operator's file."""

import json
import os
import re
import secrets
import shlex
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from tests.calportal.test_deployment import ROOT, command_words, compose

APP_SERVICES = ("migrate", "web", "worker", "beat")
VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)"
    r"(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))"
)


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's variable substitution of ``value`` with the variables ``env``."""

    def replace(match: re.Match) -> str:
        if match["escaped"]:
            return "$"
        name = match["braced"] or match["plain"]
        op, arg = match["op"], match["arg"]
        present = name in env and (env[name] != "" or not (op or "").startswith(":"))
        if present:
            return env[name]
        if op in {":-", "-"}:
            return interpolate(arg, env)
        if op in {":?", "?"}:
            raise LookupError(f"{name}: {arg}")
        return ""

    return VARIABLE.sub(replace, value)


def required_variables() -> dict[str, str]:
    """Every ``${X:?message}`` of the file: the variables Compose refuses to start without."""
    text = (ROOT / "docker-compose.yml").read_text()
    return {m["braced"]: m["arg"] for m in VARIABLE.finditer(text) if m["op"] in {":?", "?"}}


def readme_env_example() -> dict[str, str]:
    """The `.env` of the README's deployment section, placeholders (``<…>``) filled in."""
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"cat > \.env <<'ENV'\n(.*?)\nENV\n", readme, re.S)
    assert block, "README.md has no `cat > .env <<'ENV'` example"
    values = {}
    for line in block[1].splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, value = line.partition("=")
        value = value.split(" #", 1)[0].strip()
        if value.startswith("<") and value.endswith(">"):
            value = secrets.token_urlsafe(48)  # "<50+ random characters>", "<a password>"
        values[name.strip()] = value
    return values


def container_environment(service: str) -> dict[str, str]:
    """What the container of ``service`` sees: the `.env` (env_file), then ``environment:``."""
    dot_env = readme_env_example()
    environment = compose()["services"][service]["environment"]
    return {
        **dot_env,
        **{name: interpolate(str(value), dot_env) for name, value in environment.items()},
    }


def run_in_container_environment(service: str, *args: str) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(ROOT)),
        **container_environment(service),
    }
    # The container's paths (/app/var/…) do not exist here and nothing below writes to them.
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def duration_seconds(value: str) -> float:
    """A Compose duration (``6m``, ``1m30s``, ``40s``) in seconds."""
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001, "us": 0.000001}
    parts = re.findall(r"(\d+(?:\.\d+)?)(h|ms|us|m|s)", str(value))
    assert parts and "".join(n + u for n, u in parts) == str(value), value
    return sum(float(number) * units[unit] for number, unit in parts)


def option(words: list[str], name: str) -> str | None:
    """The value of ``--name=value`` or ``--name value`` in a command line."""
    for index, word in enumerate(words):
        if word.startswith(f"{name}="):
            return word.split("=", 1)[1]
        if word == name and index + 1 < len(words):
            return words[index + 1]
    return None


def healthcheck_command(service: dict) -> str:
    test = service["healthcheck"]["test"]
    if isinstance(test, str):
        return interpolate(test, {})
    assert test[0] in {"CMD", "CMD-SHELL"}, test
    return interpolate(" ".join(test[1:]), {})


@pytest.fixture(scope="module")
def celery_tasks():
    from calportal.celery import app

    app.loader.import_default_modules()
    return app, dict(app.tasks)


def time_limit(app, task) -> float:
    return task.time_limit or app.conf.task_time_limit


def test_the_worker_outlives_its_longest_task_when_stopped(celery_tasks):
    app, tasks = celery_tasks
    grace = duration_seconds(compose()["services"]["worker"]["stop_grace_period"])
    longest_name, longest = max(
        ((name, time_limit(app, task)) for name, task in tasks.items()), key=lambda x: x[1]
    )

    assert longest, "no time limit: a hung task would hold up every stop"
    assert grace > longest, (
        f"the worker is killed {grace:.0f} s into a stop, but {longest_name} may run {longest} s"
    )


def test_every_task_can_be_sent_with_its_time_limits(celery_tasks):
    """A soft limit above the hard one makes ``apply_async`` raise: the task is never sent."""
    app, tasks = celery_tasks
    for name, task in tasks.items():
        soft = task.soft_time_limit or app.conf.task_soft_time_limit
        assert not soft or soft <= time_limit(app, task), name


def test_the_worker_is_health_checked_by_a_ping_of_itself():
    worker = compose()["services"]["worker"]
    check = healthcheck_command(worker)
    words = shlex.split(check)

    assert words[:5] == ["celery", "-A", "calportal", "inspect", "ping"]
    assert option(words, "-d") == "celery@$HOSTNAME"  # this worker, not any worker
    assert duration_seconds(worker["healthcheck"]["timeout"]) > float(option(words, "--timeout"))
    assert duration_seconds(worker["healthcheck"]["interval"]) >= 30
    assert "start_period" in worker["healthcheck"]


def test_beat_is_health_checked_by_a_ping_of_itself():
    beat = compose()["services"]["beat"]
    words = shlex.split(healthcheck_command(beat))

    assert "--enable-remote-control" in command_words(beat)
    assert words[:5] == ["celery", "-A", "calportal", "inspect", "ping"]
    assert option(words, "-d") == "celerybeat@$HOSTNAME"


def test_a_worker_child_is_replaced_once_it_has_grown_too_large():
    words = command_words(compose()["services"]["worker"])
    kib = option(words, "--max-memory-per-child")

    assert kib is not None, "one large PDF leaves a child at ~340 MB for good"
    assert 100_000 <= int(kib) <= 1_000_000


def test_beat_keeps_its_schedule_in_the_database(settings):
    from django.utils.module_loading import import_string
    from django_celery_beat.schedulers import DatabaseScheduler

    services = compose()["services"]
    words = command_words(services["beat"])
    scheduler = option(words, "--scheduler") or option(words, "-S")
    scheduler = scheduler or settings.CELERY_BEAT_SCHEDULER
    schedule_file = option(words, "--schedule") or option(words, "-s")

    assert issubclass(import_string(scheduler.replace(":", ".")), DatabaseScheduler)
    if schedule_file:  # any state file left must survive a re-created container
        named_volumes = set(compose().get("volumes") or {})
        mounts = [str(v).split(":") for v in services["beat"].get("volumes", [])]
        assert any(
            source in named_volumes and schedule_file.startswith(target.rstrip("/") + "/")
            for source, target, *_ in mounts
        ), f"{schedule_file} is lost with the container"
    # The tables it needs exist before it starts.
    assert services["beat"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )


def test_web_finishes_its_requests_before_it_is_killed():
    web = compose()["services"]["web"]
    words = command_words(web)
    graceful = float(option(words, "--graceful-timeout") or 30)

    assert duration_seconds(web.get("stop_grace_period", "10s")) > graceful


def test_the_proxy_setting_is_the_single_trusted_proxy_count():
    environment = compose()["services"]["web"]["environment"]

    assert interpolate(environment["TRUSTED_PROXY_COUNT"], {}) == "1"
    assert "AXES_PROXY_COUNT" not in environment
    assert "RATELIMIT_IP_META_KEY" not in environment


def test_every_required_variable_is_asked_for_and_documented():
    required = required_variables()
    documented = readme_env_example()

    assert {"SECRET_KEY", "SITE_URL", "POSTGRES_PASSWORD"} <= set(required)
    for name, message in required.items():
        assert name in documented, f"{name} is required by docker-compose.yml, not in README"
        assert message.strip(), f"{name}: say what to set"
    assert documented["SITE_URL"].startswith("https://")
    with pytest.raises(LookupError, match="SITE_URL"):
        interpolate(compose()["services"]["web"]["environment"]["SITE_URL"], {})


def test_the_app_starts_with_the_compose_environment_and_the_readme_env():
    """Every container of the image, started with DEBUG=0 from the README's `.env` only,
    gets past Django's set-up and the deployment check (no default that cannot start)."""
    for service in APP_SERVICES:
        assert container_environment(service)["DEBUG"] == "0"
    result = run_in_container_environment(
        "web", "manage.py", "check", "--deploy", "--fail-level", "WARNING"
    )

    assert result.returncode == 0, result.stderr[-3000:]


def test_broker_cache_and_results_use_three_redis_databases():
    script = (
        "import json, django, calportal.celery; django.setup(); "
        "from django.conf import settings as s; "
        "print(json.dumps([s.CELERY_BROKER_URL, s.CACHES['default']['LOCATION'], "
        "s.CELERY_RESULT_BACKEND]))"
    )
    result = run_in_container_environment("worker", "-c", script)
    assert result.returncode == 0, result.stderr[-3000:]
    urls = json.loads(result.stdout.strip().splitlines()[-1])

    places = [(urlsplit(url).netloc, urlsplit(url).path.strip("/") or "0") for url in urls]
    assert len({netloc for netloc, _ in places}) == 1  # one Redis server …
    assert [db for _, db in places] == ["0", "1", "2"]  # … broker, cache, results apart
