"""Tiny helpers that read settings from the environment and fail loudly.

A malformed value stops start-up with an ``ImproperlyConfigured`` error that
names the variable, so a typo in a deployment never turns into a silent default.
"""

import os
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def envstr(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else value


def envbool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no), got {value!r}")


def envint(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}")
    return number


def envlist(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def envdatabase(name: str, default: str) -> dict:
    """Parse a database URL (postgres://… or sqlite:///…) into Django's DATABASES entry."""
    value = _raw(name) or default
    scheme = urlsplit(value).scheme
    if scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise ImproperlyConfigured(f"{name} must be a postgres:// or sqlite:/// URL, got {value!r}")
    try:
        config = dj_database_url.parse(value, conn_max_age=0)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}") from None
    if scheme != "sqlite" and not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} must name a database, got {value!r}")
    return config


def envredis(name: str) -> str:
    """A redis:// URL, or an empty string when the variable is not set."""
    value = _raw(name) or ""
    if value and urlsplit(value).scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(f"{name} must be a redis:// URL, got {value!r}")
    return value


def redis_database(url: str, offset: int) -> str:
    """``url`` with its database number moved on by ``offset``: ``redis://h:6379/0`` and 2 →
    ``redis://h:6379/2``; ``redis://h/3`` and 1 → ``redis://h/4``. A unix-socket URL keeps the
    number in ``?db=``."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        params = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
        params["db"] = str(int(params.get("db") or 0) + offset)
        return parts._replace(query="&".join(f"{k}={v}" for k, v in params.items())).geturl()
    base = int(parts.path.strip("/") or 0)
    return parts._replace(path=f"/{base + offset}").geturl()


def envchoice(name: str, default: str, choices: list[str]) -> str:
    value = (_raw(name) or default).upper()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def envurl(name: str, default: str, *, require_https: bool = False) -> str:
    """An absolute http(s) URL without a trailing slash."""
    value = (_raw(name) or default).rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ImproperlyConfigured(f"{name} must be an absolute URL such as https://cal.srem.pl")
    if require_https and parts.scheme != "https":
        raise ImproperlyConfigured(f"{name} must start with https:// when DEBUG is off")
    return value


def envbounds(name: str, default: str) -> tuple[float, float, float, float]:
    """A bounding box ``south,west,north,east`` in degrees (WGS 84)."""
    value = _raw(name) or default
    try:
        south, west, north, east = (float(part) for part in value.split(","))
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be four numbers south,west,north,east, got {value!r}"
        ) from None
    if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
        raise ImproperlyConfigured(f"{name} must have south < north and west < east, got {value!r}")
    return south, west, north, east
