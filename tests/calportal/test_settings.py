import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from calportal.env import envbool, envdatabase, envint, envredis

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 60 + "production-secret-with-enough-entropy-1234567890",
    "ALLOWED_HOSTS": "cal.srem.pl",
    "DATABASE_URL": "postgres://cal@db.internal:5432/cal",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "SITE_URL": "https://cal.srem.pl",
}


def run_manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    clean_env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "REDIS_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "SITE_URL",  # set by the browser tests for their own process
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("helper", "name", "value"),
    [
        (lambda: envbool("CAL_TEST_VAR", default=False), "CAL_TEST_VAR", "maybe"),
        (lambda: envint("CAL_TEST_VAR", 1), "CAL_TEST_VAR", "ten"),
        (lambda: envdatabase("CAL_TEST_VAR", "sqlite:///x"), "CAL_TEST_VAR", "mysql://x/y"),
        (lambda: envdatabase("CAL_TEST_VAR", "sqlite:///x"), "CAL_TEST_VAR", "postgres://host"),
        (lambda: envredis("CAL_TEST_VAR"), "CAL_TEST_VAR", "http://redis"),
    ],
)
def test_a_malformed_value_is_refused_naming_the_variable(monkeypatch, helper, name, value):
    monkeypatch.setenv(name, value)

    with pytest.raises(ImproperlyConfigured, match=name):
        helper()


def test_booleans_accept_the_usual_spellings(monkeypatch):
    monkeypatch.setenv("CAL_TEST_VAR", "Yes")
    assert envbool("CAL_TEST_VAR", default=False) is True
    monkeypatch.setenv("CAL_TEST_VAR", "0")
    assert envbool("CAL_TEST_VAR", default=True) is False


def test_start_up_stops_with_a_message_naming_the_malformed_variable():
    result = run_manage("check", env={"DEBUG": "perhaps"})

    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


@pytest.mark.parametrize("retired", ["AXES_PROXY_COUNT", "RATELIMIT_IP_META_KEY"])
def test_a_retired_proxy_variable_stops_start_up_pointing_to_its_replacement(retired):
    result = run_manage("check", env={retired: "1"})

    assert result.returncode != 0
    assert f"{retired} is no longer read: set TRUSTED_PROXY_COUNT" in result.stderr


def test_production_requires_a_secret_key():
    result = run_manage("check", env={"DEBUG": "0", "ALLOWED_HOSTS": "cal.srem.pl"})

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_the_deployment_check_without_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_the_embedded_default_needs_nothing_set(tmp_path):
    script = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "calportal.settings",
            "VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
    ]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be one of"),
        ({"SITE_URL": "cal.srem.pl"}, "SITE_URL must be an absolute URL"),
        ({**PRODUCTION_ENV, "SITE_URL": "http://cal.srem.pl"}, "SITE_URL must start with https"),
    ],
)
def test_more_malformed_values_stop_start_up(env, message):
    result = run_manage("check", env=env)

    assert result.returncode != 0
    assert message in result.stderr
