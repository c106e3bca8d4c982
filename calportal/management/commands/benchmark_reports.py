"""Time the reports on a city-sized data set (issues 13 and 14: the dataset in 10 s, the PDF in
30 s, 400 MB): R1, and R6 (a public task of 20 initiatives), R4 (a project of a third of the
initiatives) and R8 (volunteering, the whole CAL) for one year.

Seeds :mod:`calportal.reports.benchmark`'s data set for the year and the two before it,
commits it, measures each report in a fresh process (``--measure-only``: the seeding's memory
does not count, as in a worker that only builds reports), prints the figures against the
targets and deletes what it added (``--keep`` keeps it). The data must be committed for the
other process to see it, so the command does not roll back: it deletes every row above the ids
the tables had before it started.
"""

import json
import os
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from calportal.reports import benchmark

# The targets.
DATASET_SECONDS = 10
PDF_SECONDS = 30
PEAK_MB = 400


class Command(BaseCommand):
    help = (
        "Seed a city-sized data set (100,000 participants, 200,000 registrations over 3 years, "
        "…) and time reports R1, R6, R4 and R8 for one year: dataset, PDF, XLSX, CSV, SQL "
        "queries and peak memory. Refuses a database that has participants unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Size of the data set: 1.0 = the issue's sizes, 0.01 = a hundredth.",
        )
        parser.add_argument(
            "--year", type=int, default=None, help="The report's year (default: last year)."
        )
        parser.add_argument(
            "--keep",
            action="store_true",
            help="Keep the seeded data (default: delete it after measuring).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even though the database has participants (the data is added to theirs "
            "and the figures include them). Never on a real deployment.",
        )
        parser.add_argument(
            "--measure-only",
            action="store_true",
            help="Seed nothing: measure R1 on the data that is there, in this process.",
        )
        parser.add_argument(
            "--no-files", action="store_true", help="Time the dataset only, not the files."
        )
        parser.add_argument(
            "--profile",
            metavar="PATH",
            help="Write cProfile statistics of the dataset and the PDF to PATH.dataset/.pdf.",
        )
        parser.add_argument(
            "--kinds",
            default=",".join(benchmark.KINDS),
            help=f"The reports to time, comma-separated (default: {','.join(benchmark.KINDS)}).",
        )
        parser.add_argument("--random-seed", type=int, default=13)
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")

    def handle(self, *args, **options):
        year = options["year"] or timezone.localdate().year - 1
        kinds = [kind.strip() for kind in options["kinds"].split(",") if kind.strip()]
        unknown = set(kinds) - set(benchmark.KINDS)
        if unknown or not kinds:
            raise CommandError(
                f"--kinds takes {', '.join(benchmark.KINDS)}; not {', '.join(sorted(unknown))}."
            )
        if options["measure_only"]:
            figures = {
                kind: benchmark.measure(
                    year, kind=kind, files=not options["no_files"], profile=options["profile"]
                )
                for kind in kinds
            }
            if options["json"]:
                self.stdout.write(json.dumps(figures, default=str))
            else:
                for kind_figures in figures.values():
                    self._table(kind_figures)
            return

        from initiatives.models import Participant

        if Participant.objects.exists() and not options["force"]:
            raise CommandError(
                "The database already has participants: the benchmark adds 100,000 made-up "
                "people and their activity, so it only runs on an empty database "
                "(e.g. createdb bench; DATABASE_URL=postgres://…/bench manage.py migrate). "
                "Use --force to add to the data that is there."
            )
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark needs PostgreSQL (it seeds with COPY).")

        marks = benchmark.watermarks()
        try:
            self.stdout.write(
                f"Seeding {year - benchmark.YEARS + 1}–{year} at scale {options['scale']} …"
            )
            seeded = benchmark.seed(
                year=year, scale=options["scale"], random_seed=options["random_seed"]
            )
            self.stdout.write(
                f"Seeded in {seeded.seconds:.1f} s: {benchmark.dataset_size_summary(seeded.counts)}"
            )
            benchmark.analyze()
            figures = {}
            for kind in kinds:
                self.stdout.write(f"Measuring {kind} in a fresh process …")
                figures[kind] = self._measure_in_child(year, kind, options)[kind]
                figures[kind]["seeding_seconds"] = round(seeded.seconds, 1)
                figures[kind]["counts"] = seeded.counts
        finally:
            if options["keep"]:
                self.stdout.write("The data set is kept (--keep).")
            else:
                benchmark.remove(marks)
                self.stdout.write("The seeded data was deleted.")
        if options["json"]:
            self.stdout.write(json.dumps(figures, default=str))
        else:
            for kind_figures in figures.values():
                self._table(kind_figures)

    def _measure_in_child(self, year: int, kind: str, options: dict) -> dict:
        command = [
            sys.executable,
            str(settings.BASE_DIR / "manage.py"),
            "benchmark_reports",
            "--measure-only",
            "--json",
            f"--year={year}",
            f"--kinds={kind}",
        ]
        if options["no_files"]:
            command.append("--no-files")
        if options["profile"]:
            command.append(f"--profile={options['profile']}")
        result = subprocess.run(
            command,
            env={**os.environ, "DATABASE_URL": _database_url()},
            capture_output=True,
            text=True,
            timeout=3600,
        )
        if result.returncode:
            raise CommandError(f"The measuring process failed:\n{result.stderr[-4000:]}")
        return json.loads(result.stdout.strip().splitlines()[-1])

    def _table(self, figures: dict) -> None:
        dataset = figures["dataset"]
        kind = figures.get("kind", "R1")
        rows = [
            (
                f"{kind} dataset (build_dataset)",
                f"{dataset['seconds']:.2f} s",
                f"≤ {DATASET_SECONDS} s",
                dataset["seconds"] <= DATASET_SECONDS,
            ),
            ("  SQL queries", str(dataset["queries"]), "constant", None),
            ("  memory it added", benchmark.megabytes(dataset["rss_growth_mb"]), "", None),
            ("  JSON size", benchmark.human_bytes(dataset["json_bytes"]), "", None),
        ]
        for name, target in (("pdf", PDF_SECONDS), ("xlsx", None), ("csv", None)):
            if name in figures:
                file = figures[name]
                rows.append(
                    (
                        f"{name.upper()} render",
                        f"{file['seconds']:.2f} s, {benchmark.human_bytes(file['bytes'])}",
                        f"≤ {target} s" if target else "",
                        file["seconds"] <= target if target else None,
                    )
                )
        rows.append(
            (
                "Peak memory of the process",
                benchmark.megabytes(figures["peak_rss_mb"]),
                f"≤ {PEAK_MB} MB",
                figures["peak_rss_mb"] <= PEAK_MB,
            )
        )
        self.stdout.write("")
        compared = f" (compared with {figures['year'] - 1})" if kind in {"R1", "R8"} else ""
        self.stdout.write(f"{kind} for {figures['year']}{compared}")
        if figures.get("counts"):
            self.stdout.write(f"Data: {benchmark.dataset_size_summary(figures['counts'])}")
        self.stdout.write(f"{'figure':<30} {'measured':<34} {'target':<10} result")
        for label, measured, target, passed in rows:
            verdict = "" if passed is None else "PASS" if passed else "FAIL"
            style = self.style.SUCCESS if passed else self.style.ERROR
            self.stdout.write(
                f"{label:<30} {measured:<34} {target:<10} " + (style(verdict) if verdict else "")
            )
        self.stdout.write(
            f"(process memory before the dataset: {benchmark.megabytes(figures['rss_before_mb'])};"
            f" measured {timezone.localtime():%Y-%m-%d %H:%M})"
        )


def _database_url() -> str:
    """The database this process uses, as a URL for the measuring process (under the test
    runner that is the test database, not the one DATABASE_URL names)."""
    from urllib.parse import quote

    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db.get("HOST") or "localhost", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"
