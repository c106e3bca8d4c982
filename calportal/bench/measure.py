"""The benchmark's measurements: throw-away databases, gunicorn, wrk, the signup burst, the
staff lists through the test client and the PDFs in a child process."""

import asyncio
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.db import connections

WRK = "/usr/bin/wrk"
HOST = "127.0.0.1"


# --- Databases --------------------------------------------------------------------------------


def _server_params() -> dict:
    db = connections["default"].settings_dict
    return {
        "host": db.get("HOST") or "localhost",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or "",
        "password": db.get("PASSWORD") or "",
    }


def database_url(name: str) -> str:
    """A postgres:// URL for database ``name`` on the server of the default connection."""
    server = _server_params()
    credentials = quote(server["user"], safe="")
    if server["password"]:
        credentials += ":" + quote(server["password"], safe="")
    return f"postgres://{credentials}@{quote(str(server['host']), safe='')}:{server['port']}/{name}"


def _admin(sql: str) -> None:
    import psycopg

    server = _server_params()
    with psycopg.connect(
        dbname="postgres",
        host=server["host"],
        port=server["port"],
        user=server["user"],
        password=server["password"] or None,
        autocommit=True,
    ) as conn:
        conn.execute(sql)


def create_database(name: str, *, template: str | None = None) -> None:
    """Create database ``name`` (a copy of ``template`` when given; no one may be connected
    to the template)."""
    suffix = f' TEMPLATE "{template}"' if template else ""
    _admin(f'CREATE DATABASE "{name}"{suffix}')


def drop_database(name: str) -> None:
    """Drop database ``name`` if it exists, closing its other connections first."""
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def use_database(name: str) -> None:
    """Point this process's default connection at database ``name``."""
    connection = connections["default"]
    connection.close()
    connection.settings_dict["NAME"] = name


# --- Gunicorn ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(database: str, redis_url: str, static_root: Path) -> dict:
    """The environment of the benchmark's gunicorn and children: production-like settings
    (DEBUG off, persistent connections) on the throw-away database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "calportal.bench.settings",
        "DATABASE_URL": database_url(database),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "SITE_URL": "https://bench.invalid",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(static_root),
        # Persistent connections (the settings read DATABASE_CONN_MAX_AGE; CONN_MAX_AGE too
        # in case they come to).
        "DATABASE_CONN_MAX_AGE": "600",
        "CONN_MAX_AGE": "600",
        # The signup burst sends each signup from an address of its own, as 200 residents
        # behind the deployment's proxy would.
        "TRUSTED_PROXY_COUNT": "1",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("CACHE_REDIS_URL", "CELERY_RESULT_URL", "REDIS_URL"):
        env.pop(name, None)
    if redis_url:
        env.update(REDIS_URL=redis_url, CACHE_REDIS_URL=redis_url, CELERY_RESULT_URL=redis_url)
    else:
        env["CELERY_TASK_ALWAYS_EAGER"] = "1"
    return env


def collect_static(env: dict) -> None:
    subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "collectstatic", "--noinput", "-v0"],
        env=env,
        check=True,
        timeout=600,
    )


def flush_redis(redis_url: str) -> None:
    """Empty the benchmark's own Redis database (broker, cache and results share it)."""
    if not redis_url:
        return
    import redis

    redis.Redis.from_url(redis_url, socket_timeout=5).flushdb()


@contextmanager
def gunicorn(env: dict, *, workers: int = 2):
    """Run gunicorn (``workers`` sync workers) on a free loopback port; yields the port."""
    port = free_port()
    log = open(Path(env["STATIC_ROOT"]).parent / "gunicorn.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "calportal.wsgi:application",
            f"--workers={workers}",
            "--worker-class=sync",
            f"--bind={HOST}:{port}",
            "--access-logfile=-" if env.get("BENCH_ACCESS_LOG") else "--log-level=warning",
            "--timeout=120",
        ],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped; see {log.name}")
            try:
                status, _body, _headers = http_get(port, "/healthz")
                if status < 500:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer in 60 s; see {log.name}")
            time.sleep(0.3)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def http_get(port: int, path: str, headers: dict | None = None) -> tuple[int, bytes, list]:
    """One GET; returns (status, body, headers)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read(), response.getheaders()
    finally:
        conn.close()


def resolve(port: int, path: str) -> tuple[str, int, int]:
    """Follow redirects from ``path``; returns (final path, status, body bytes)."""
    for _ in range(5):
        status, body, headers = http_get(port, path)
        if status in (301, 302, 303, 307, 308):
            location = dict((k.lower(), v) for k, v in headers)["location"]
            path = urlsplit(location).path + (
                "?" + urlsplit(location).query if urlsplit(location).query else ""
            )
            continue
        return path, status, len(body)
    raise RuntimeError(f"too many redirects from {path}")


# --- wrk --------------------------------------------------------------------------------------


@dataclass
class WrkResult:
    requests_per_second: float
    non_2xx: int
    errors: int
    latency_p50_ms: float | None = None
    latency_p99_ms: float | None = None


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> WrkResult:
    """Parse wrk's report (run with ``--latency``)."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not rps:
        raise RuntimeError(f"wrk printed no Requests/sec:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    return WrkResult(
        requests_per_second=float(rps.group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        errors=sum(int(n) for n in socket_errors.groups()) if socket_errors else 0,
        latency_p50_ms=_ms(p50.group(1)) if p50 else None,
        latency_p99_ms=_ms(p99.group(1)) if p99 else None,
    )


# What every browser sends and the benchmark sends too, to the floor and the pages alike.
BROWSER_HEADERS = {"Accept-Encoding": "gzip, deflate, br"}


def wrk(port: int, path: str, seconds: int, headers: dict | None = None) -> WrkResult:
    """``wrk -t2 -c16 -d<seconds>s`` against ``path``, with ``headers`` (default
    :data:`BROWSER_HEADERS`)."""
    headers = BROWSER_HEADERS if headers is None else headers
    result = subprocess.run(
        [
            WRK,
            "-t2",
            "-c16",
            f"-d{seconds}s",
            "--latency",
            "--timeout=30s",
            *[f"-H{name}: {value}" for name, value in headers.items()],
            f"http://{HOST}:{port}{path}",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    return parse_wrk(result.stdout)


# --- The signup burst -------------------------------------------------------------------------

_CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class BurstResult:
    seconds: float
    signups_per_second: float
    p95_ms: float
    ok: int
    errors: int
    statuses: dict = field(default_factory=dict)
    confirmed: int = 0
    waiting: int = 0


def _cookie_header(headers: list) -> str:
    return "; ".join(
        value.split(";", 1)[0] for name, value in headers if name.lower() == "set-cookie"
    )


def signup_burst(port: int, event_path: str, count: int) -> BurstResult:
    """``count`` people sign up for the event at ``event_path`` at once: each first GETs the
    page (its CSRF cookie and token, as a browser would; not timed), then all POST together
    from one event loop (raw sockets, so that the client's own threads do not take the
    server's CPU). A redirect (to "signup received") is a success, anything else an error.
    The caller counts the registrations in the database."""
    requests = [_signup_request(port, event_path, i) for i in range(count)]
    latencies, statuses, seconds = asyncio.run(_post_all(port, requests))
    ok = sum(n for code, n in statuses.items() if code in (302, 303))
    return BurstResult(
        seconds=seconds,
        signups_per_second=count / seconds if seconds else 0.0,
        p95_ms=percentile(latencies, 95) * 1000,
        ok=ok,
        errors=count - ok,
        statuses=statuses,
    )


def warm_up_signups(port: int, event_path: str, count: int = 10) -> None:
    """``count`` signups, one after the other, for the event at ``event_path`` (not the
    burst's): the server's processes load the signup's code and its queries before the timed
    burst, as the public pages are warmed before theirs."""
    requests = [_signup_request(port, event_path, 60000 + i) for i in range(count)]
    for request in requests:
        asyncio.run(_post_all(port, [request]))


def _signup_request(port: int, event_path: str, i: int) -> bytes:
    """The raw HTTP request of signup ``i``: from an address of its own (behind the
    deployment's proxy), with the CSRF cookie and token its GET of the page gave."""
    address = f"10.{17 + i // 65536}.{(i // 256) % 256}.{i % 256}"
    _status, body, headers = http_get(port, event_path, {"X-Forwarded-For": address})
    token = _CSRF_INPUT.search(body)
    fields = {
        "csrfmiddlewaretoken": token.group(1).decode() if token else "",
        "first_name": "Burst",
        "last_name": f"Osoba{i:04d}",
        "email": f"burst.{i:04d}@example.org",
        "companions": "0",
        "consent": "on",
        "hp_check": "",
    }
    payload = "&".join(f"{k}={quote(v)}" for k, v in fields.items()).encode()
    head = (
        f"POST {event_path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nX-Forwarded-For: {address}\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(payload)}\r\n"
        f"Cookie: {_cookie_header(headers)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + payload


async def _post_all(port: int, requests: list[bytes]) -> tuple[list[float], dict, float]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    async def one(request: bytes) -> None:
        started = time.perf_counter()
        code = -1
        try:
            reader, writer = await asyncio.open_connection(HOST, port)
            writer.write(request)
            await writer.drain()
            status_line = await asyncio.wait_for(reader.readline(), timeout=120)
            await reader.read()
            writer.close()
            code = int(status_line.split()[1])
        except (TimeoutError, OSError, ValueError, IndexError):
            code = -1
        latencies.append(time.perf_counter() - started)
        statuses[code] = statuses.get(code, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(one(request) for request in requests))
    return latencies, statuses, time.perf_counter() - started


def percentile(values: list[float], pct: float) -> float:
    """The ``pct``-th percentile (nearest rank) of ``values``; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


# --- Staff lists (in this process, through the test client) -----------------------------------


@dataclass
class ListTiming:
    median_ms: float
    queries: int
    status: int
    kilobytes: float


def time_page(client, path: str, repeats: int) -> ListTiming:
    """Server time of ``path`` through the test client: one warm-up, then the median of
    ``repeats`` requests; the queries of one request."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    client.get(path)
    reset_queries()  # each request empties the log (request_started): start from empty
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    # Counted now: the captured queries are read from the connection's log, which the next
    # request empties.
    query_count = len(queries)
    size = len(response.content)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    return ListTiming(
        median_ms=statistics.median(times),
        queries=query_count,
        status=response.status_code,
        kilobytes=size / 1024,
    )


# --- PDFs in a child process ------------------------------------------------------------------


@dataclass
class PdfResult:
    seconds: float
    peak_rss_mb: float
    pages: int | None
    kilobytes: float


def pdf_pages(data: bytes) -> int | None:
    """The number of pages of a PDF (pdfinfo), None when it cannot tell."""
    if not shutil.which("pdfinfo"):
        return None
    result = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, timeout=60)
    found = re.search(rb"^Pages:\s+(\d+)", result.stdout, re.M)
    return int(found.group(1)) if found else None


def measure_document_in_child(kind: str, env: dict) -> PdfResult:
    """Build and render document ``kind`` in a fresh process (``benchmark --document``) and
    read that process's peak memory from the kernel (``wait4``: the child's own
    ``ru_maxrss``, as ``getrusage(RUSAGE_CHILDREN)`` reports it for the children waited
    for)."""
    process = subprocess.Popen(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "benchmark", f"--document={kind}"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    stdout = process.stdout.read()
    stderr = process.stderr.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"rendering {kind} failed:\n{stderr.decode()[-3000:]}")
    figures = json.loads(stdout.decode().strip().splitlines()[-1])
    return PdfResult(
        seconds=figures["seconds"],
        peak_rss_mb=usage.ru_maxrss / 1024,
        pages=figures["pages"],
        kilobytes=figures["bytes"] / 1024,
    )


def render_document(kind: str) -> dict:
    """Build and render document ``kind`` (no parameters) in this process; returns its
    seconds, bytes and pages."""
    from calportal.documents.registry import get_builder

    started = time.perf_counter()
    data = get_builder(kind).build({}).render()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "bytes": len(data), "pages": pdf_pages(data)}
