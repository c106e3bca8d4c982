"""``manage.py benchmark`` (``make bench``): issue 17's measurements in one run.

In a throw-away PostgreSQL database on DATABASE_URL's server it loads the demo data plus 300
events, 5,000 registrations and 2,000 map resources, starts gunicorn (2 sync workers, DEBUG off,
persistent connections) with a URLconf that adds a minimal "floor" view, and measures:

- each public page with wrk (-t2 -c16), interleaved with the floor, as a share of the floor;
- 200 simultaneous signups for an event of 50 places (seconds, signups/s, p95, exact counts);
- the staff lists at 10 and 10,000 rows (server time through the test client, queries);
- the diagnosis PDF with 2,000 resources in a fresh process (seconds, peak memory).

Then it prints one table and drops its databases (``--keep-db`` keeps them). The data set is
built and the lists are measured in child processes that have the benchmark's environment
(its database, its Redis database), so nothing it does reaches the developer's own database,
cache or Celery queue.
"""

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from calportal.bench import measure
from calportal.bench.table import Row, format_table, ratio_row

# The targets.
SAME_FOR_EVERYONE_PCT = 50
SIGNUP_PAGE_PCT = 25
LIST_MS = 300
DASHBOARD_QUERIES = 10
BURST_SECONDS = 2
PDF_SECONDS = 10
PDF_MB = 250

# (label, path or None for the event page, target share of the floor in %)
PUBLIC_PAGES = [
    ("home", "/", SAME_FOR_EVERYONE_PCT),
    ("/events/", "/events/", SAME_FOR_EVERYONE_PCT),
    ("/events/month/", "/events/month/", SAME_FOR_EVERYONE_PCT),
    ("event page with the signup form", None, SIGNUP_PAGE_PCT),
    ("/map/", "/map/", SAME_FOR_EVERYONE_PCT),
    ("/map/data.geojson", "/map/data.geojson", SAME_FOR_EVERYONE_PCT),
    ("/senior-friend/", "/senior-friend/", SAME_FOR_EVERYONE_PCT),
    ("/groups/", "/groups/", SAME_FOR_EVERYONE_PCT),
    ("/where-to-get-help/", "/where-to-get-help/", SAME_FOR_EVERYONE_PCT),
    ("/events/feed.ics", "/events/feed.ics", SAME_FOR_EVERYONE_PCT),
]

# (label, URL name, whether it takes the big event's id)
STAFF_LISTS = [
    ("event registrations", "initiatives:event_registrations", True),
    ("initiatives list", "initiatives:initiative_list", False),
    ("events list", "initiatives:event_list", False),
    ("volunteer approval queue", "volunteers:approval", False),
    ("hours list", "volunteers:hours_list", False),
    ("volunteer totals", "volunteers:totals", False),
    ("the guide (where to get help)", "resources_map:guide", False),
    ("dashboard", "dashboard", False),
]

DOCUMENTS = [("diagnosis PDF (map of resources)", "resources_map.diagnosis")]


class Command(BaseCommand):
    help = (
        "Issue 17's benchmark: public pages against a minimal Django view under gunicorn + wrk, "
        "200 simultaneous signups, the staff lists at 10 and 10,000 rows and the diagnosis PDF, "
        "in a throw-away PostgreSQL database. Prints one table."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--quick",
            action="store_true",
            help="A smoke run: 2 s per wrk run, a smaller data set, staff lists at 10 and 1,000 "
            "rows.",
        )
        parser.add_argument("--keep-db", action="store_true", help="Do not drop the databases.")
        parser.add_argument(
            "--seconds", type=int, default=None, help="Seconds per wrk run (default 5, quick 2)."
        )
        parser.add_argument(
            "--rows",
            type=int,
            default=None,
            help="The large size of the staff lists (default 10,000, quick 1,000).",
        )
        parser.add_argument(
            "--redis-url",
            default=os.environ.get("BENCH_REDIS_URL", ""),
            help="A Redis database of the benchmark's own (broker, cache and results; it is "
            "emptied at the start and the end). Default BENCH_REDIS_URL; without it the server "
            "runs with its in-process cache and eager tasks.",
        )
        # The steps run in child processes (with the benchmark's environment).
        parser.add_argument("--document", help=argparse.SUPPRESS)
        parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
        parser.add_argument("--fill", help=argparse.SUPPRESS)
        parser.add_argument("--lists", help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if options["document"]:
            self.stdout.write(json.dumps(measure.render_document(options["document"])))
            return
        if options["prepare"]:
            from calportal.demo import demo_data_load

            call_command("migrate", interactive=False, verbosity=0)
            demo_data_load()
            return
        if options["fill"]:
            from calportal.bench.data import build_public

            sizes = json.loads(options["fill"])
            with transaction.atomic():
                public = build_public(**sizes)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            self.stdout.write(json.dumps(public.__dict__))
            return
        if options["lists"]:
            self.stdout.write(json.dumps(measure_lists(json.loads(options["lists"]))))
            return
        self._run(options)

    # --- the whole run (parent process) ---------------------------------------------------

    def _run(self, options):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark needs PostgreSQL: set DATABASE_URL to a server.")
        if not Path(measure.WRK).exists():
            raise CommandError(f"The benchmark needs wrk at {measure.WRK}.")
        quick = options["quick"]
        seconds = options["seconds"] or (2 if quick else 5)
        rows = options["rows"] or (1000 if quick else 10000)
        sizes = (
            {"events": 60, "registrations": 600, "resources": 300}
            if quick
            else {"events": 300, "registrations": 5000, "resources": 2000}
        )
        redis_url = options["redis_url"]
        name = f"bench_{os.getpid()}_{secrets.token_hex(3)}"
        lists_name = f"{name}_lists"
        workdir = Path(tempfile.mkdtemp(prefix="calportal-bench-"))
        env = measure.server_env(name, redis_url, workdir / "static")
        env["ALLOWED_HOSTS"] += ",testserver"
        table: list[Row] = []
        connection.close()
        started = time.monotonic()
        try:
            self._say(f"Creating {name} and loading the demo data …")
            measure.create_database(name)
            measure.flush_redis(redis_url)
            self._child(["--prepare"], env)
            measure.create_database(lists_name, template=name)
            self._say(f"Adding {sizes} …")
            public = json.loads(self._child([f"--fill={json.dumps(sizes)}"], env))
            self._say("Collecting static files …")
            measure.collect_static(env)
            with measure.gunicorn(env) as port:
                self._say(f"gunicorn on port {port}; wrk {seconds} s per run …")
                table += self._public_pages(port, public, seconds)
                self._say("The signup burst …")
                table += self._burst(port, public, name)
            measure.flush_redis(redis_url)
            for label, kind in DOCUMENTS:
                self._say(f"{label} in a fresh process …")
                pdf = measure.measure_document_in_child(kind, env)
                table += [
                    Row(
                        "PDFs",
                        f"{label}, {sizes['resources']} resources",
                        f"{pdf.seconds:.1f} s, {pdf.pages} pages, {pdf.kilobytes:.0f} kB",
                        f"≤ {PDF_SECONDS} s",
                        pdf.seconds <= PDF_SECONDS,
                    ),
                    Row(
                        "PDFs",
                        "  peak memory of the process",
                        f"{pdf.peak_rss_mb:.0f} MB",
                        f"≤ {PDF_MB} MB",
                        pdf.peak_rss_mb <= PDF_MB,
                    ),
                ]
            self._say(f"Staff lists at 10 and {rows:,} rows …")
            lists_env = {**env, "DATABASE_URL": measure.database_url(lists_name)}
            figures = json.loads(
                self._child(
                    [f"--lists={json.dumps({'sizes': [10, rows], 'quick': quick})}"], lists_env
                )
            )
            table += list_rows(figures)
        except BaseException:
            self._say(f"Stopped; the server's log and static files are kept in {workdir}.")
            raise
        else:
            shutil.rmtree(workdir, ignore_errors=True)
        finally:
            measure.flush_redis(redis_url)
            if options["keep_db"]:
                self._say(f"Kept the databases {name} and {lists_name} (--keep-db).")
            else:
                for database in (name, lists_name):
                    measure.drop_database(database)
        self.stdout.write("")
        self.stdout.write(
            f"Issue 17 benchmark ({'quick' if quick else 'full'}; {os.cpu_count()} CPUs; "
            f"gunicorn 2 sync workers, DEBUG off, persistent connections; wrk -t2 -c16 "
            f"-d{seconds}s; data: demo + {sizes['events']} events, "
            f"{sizes['registrations']:,} registrations, {sizes['resources']:,} resources; "
            f"{time.monotonic() - started:.0f} s in all)"
        )
        self.stdout.write(format_table(table))

    def _say(self, text: str) -> None:
        self.stderr.write(text)

    def _child(self, arguments: list[str], env: dict) -> str:
        result = subprocess.run(
            [sys.executable, str(settings.BASE_DIR / "manage.py"), "benchmark", *arguments],
            env=env,
            capture_output=True,
            text=True,
            timeout=3600,
        )
        if result.returncode:
            raise CommandError(f"benchmark {arguments[0]} failed:\n{result.stderr[-4000:]}")
        lines = result.stdout.strip().splitlines()
        return lines[-1] if lines else ""

    def _public_pages(self, port: int, public: dict, seconds: int) -> list[Row]:
        rows = []
        for label, path, target in PUBLIC_PAGES:
            path = path or f"/events/{public['sample_event_id']}/"
            final, status, size = measure.resolve(port, path)
            if status != 200:
                rows.append(Row("public pages (page / floor)", label, f"HTTP {status}", "", False))
                continue
            # Interleaved: a floor run right before each page run, on the same warm server.
            floor = measure.wrk(port, measure_floor_path(), seconds)
            page = measure.wrk(port, final, seconds)
            extra = f" ({size / 1024:.0f} kB)"
            if page.non_2xx or page.errors:
                extra += f" [{page.non_2xx} non-2xx, {page.errors} socket errors]"
            shown = label if final == path else f"{label} → {final}"
            rows.append(
                ratio_row(shown, floor.requests_per_second, page.requests_per_second, target, extra)
            )
        return rows

    def _burst(self, port: int, public: dict, database: str) -> list[Row]:
        count, capacity = 200, public["burst_capacity"]
        measure.warm_up_signups(port, f"/events/{public['sample_event_id']}/")
        result = measure.signup_burst(port, f"/events/{public['burst_event_id']}/", count)
        confirmed, waiting = burst_counts(database, public["burst_event_id"])
        exact = (confirmed, waiting, result.errors) == (capacity, count - capacity, 0)
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(result.statuses.items()))
        section = f"signup burst ({count} at once, {capacity} places)"
        return [
            Row(
                section,
                "total time",
                f"{result.seconds:.2f} s ({result.signups_per_second:.0f} signups/s)",
                f"≤ {BURST_SECONDS} s",
                result.seconds <= BURST_SECONDS,
            ),
            Row(section, "p95 per signup", f"{result.p95_ms:.0f} ms"),
            Row(
                section,
                "confirmed / waiting / errors",
                f"{confirmed} / {waiting} / {result.errors} (HTTP {statuses})",
                f"{capacity} / {count - capacity} / 0",
                exact,
            ),
        ]


def measure_floor_path() -> str:
    from calportal.bench.floor import FLOOR_PATH

    return FLOOR_PATH


def burst_counts(database: str, event_id: int) -> tuple[int, int]:
    """(confirmed, waiting) registrations of the burst's event in ``database``."""
    import psycopg

    server = measure._server_params()
    with psycopg.connect(
        dbname=database,
        host=server["host"],
        port=server["port"],
        user=server["user"],
        password=server["password"] or None,
    ) as conn:
        rows = dict(
            conn.execute(
                "SELECT status, count(*) FROM initiatives_registration WHERE event_id = %s "
                "GROUP BY status",
                [event_id],
            ).fetchall()
        )
    return rows.get("confirmed", 0), rows.get("waiting", 0)


def measure_lists(spec: dict) -> dict:
    """In this process (the lists database): for each size, add that many rows in a
    transaction, time every staff list as ``spec["email"]`` (default: the demo's OPS
    coordinator), roll back. ``spec``: ``{"sizes": [10, 10000], "quick": bool, "email": …}``.
    Returns ``{size: {label: {median_ms, queries, status, kilobytes}}}``."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from calportal.bench.data import add_list_rows
    from calportal.demo import LOGINS

    staff = get_user_model().objects.get(email=spec.get("email") or LOGINS[0].email)
    repeats = 3 if spec.get("quick") else 5
    figures = {}
    for size in spec["sizes"]:
        with transaction.atomic():
            added = add_list_rows(size)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            client = Client()
            client.force_login(staff)
            figures[str(size)] = {}
            for label, url_name, takes_event in STAFF_LISTS:
                path = reverse(url_name, args=[added.event_id] if takes_event else [])
                timing = measure.time_page(client, path, repeats)
                figures[str(size)][label] = timing.__dict__
            transaction.set_rollback(True)
    return figures


def list_rows(figures: dict) -> list[Row]:
    """The staff-list rows of the table from :func:`measure_lists`' figures: per list the
    small and the large size; the large one is held to the target."""
    sizes = sorted(figures, key=int)
    small, large = sizes[0], sizes[-1]
    rows = []
    for label, _url_name, _takes_event in STAFF_LISTS:
        a, b = figures[small][label], figures[large][label]
        measured = (
            f"{a['median_ms']:.0f} ms/{a['queries']} q → {b['median_ms']:.0f} ms/{b['queries']} q"
            f" ({b['kilobytes']:.0f} kB)"
        )
        if a["status"] != 200 or b["status"] != 200:
            measured += f" HTTP {a['status']}/{b['status']}"
        query_limit = DASHBOARD_QUERIES if label == "dashboard" else a["queries"]
        passed = (
            b["median_ms"] < LIST_MS
            and b["queries"] <= query_limit
            and a["status"] == b["status"] == 200
        )
        target = f"< {LIST_MS} ms, " + (
            f"≤ {DASHBOARD_QUERIES} q" if label == "dashboard" else "same q"
        )
        rows.append(
            Row(
                f"staff lists ({int(small):,} → {int(large):,} rows)",
                label,
                measured,
                target,
                passed,
            )
        )
    return rows
