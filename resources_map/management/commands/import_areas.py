"""``manage.py import_areas BOUNDARIES.geojson [--population BDL.csv] [--dry-run]``: a
municipality's districts and villages with their boundaries and residents
(:mod:`resources_map.area_import`). Nothing is imported when any feature or row is wrong: every
problem is printed, one per line, and the command exits with status 1."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from resources_map.area_import import AreaImportError, import_areas


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Import the municipality's areas: boundaries from GeoJSON (one feature per district or "
        "village, properties name and teryt) and residents by year, sex and age from a CSV "
        "exported from the GUS Local Data Bank. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("boundaries", help="A GeoJSON FeatureCollection (UTF-8).")
        parser.add_argument(
            "--population", help="Residents: a BDL CSV file (Kod;Nazwa;Wiek;Płeć;Rok;Wartosc)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the files and report; import nothing."
        )

    def handle(self, *args, boundaries, population=None, dry_run=False, **options):
        try:
            boundaries_raw = Path(boundaries).read_bytes()
            population_raw = Path(population).read_bytes() if population else None
        except OSError as error:
            raise CommandError(str(error)) from None
        try:
            with transaction.atomic():
                result = import_areas(boundaries_raw, population_raw)
                if dry_run:
                    raise _DryRun
        except AreaImportError as error:
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"Nothing was imported: {len(error.problems)} problem(s) in the files."
            ) from None
        except _DryRun:
            self.stdout.write("The files are correct (dry run: nothing was imported).")
            return
        self.stdout.write(
            f"Areas added: {len(result.created)}, updated: {len(result.updated)}; residents "
            f"for {len(result.population)} area(s)."
        )
