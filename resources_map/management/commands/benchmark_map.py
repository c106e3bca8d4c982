"""How fast the public GeoJSON is with many resources: ``manage.py benchmark_map --resources 5000``.

Creates the rows inside a transaction that is rolled back, so it leaves the database as it
found it. Reports the median and worst time of the whole request (view, queries, JSON) through
Django's test client, the number of queries and the response size.
"""

import gzip
import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from calportal import public_cache
from resources_map.models import Area, AreaKind, Need, Resource, ResourceClass, ResourceKind


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the public GeoJSON endpoint with N public resources (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--resources", type=int, default=5000)
        parser.add_argument("--needs", type=int, default=200)
        parser.add_argument("--runs", type=int, default=15)

    def handle(self, *args, resources: int, needs: int, runs: int, **options):
        try:
            with transaction.atomic():
                self._fill(resources, needs)
                self._measure(runs, resources, needs)
                raise Rollback
        except Rollback:
            pass

    def _fill(self, resources: int, needs: int) -> None:
        area = Area.objects.create(
            name="Benchmark area", kind=AreaKind.DISTRICT, latitude=52.0889, longitude=17.015
        )
        Resource.objects.bulk_create(
            [
                Resource(
                    name=f"Zasób testowy nr {i}",
                    resource_class=ResourceClass.MATERIAL,
                    kind=ResourceKind.ROOM,
                    address=f"ul. Testowa {i}, 63-100 Śrem",
                    opening_hours="pon.–pt. 8:00–16:00",
                    latitude=52.0 + (i % 1000) / 10000,
                    longitude=16.95 + (i // 1000) / 100,
                    area=area,
                    is_public=True,
                )
                for i in range(resources)
            ],
            batch_size=1000,
        )
        created = Need.objects.bulk_create(
            [Need(title=f"Potrzeba {i}", description="…", found_by="survey") for i in range(needs)]
        )
        Need.areas.through.objects.bulk_create(
            [Need.areas.through(need=need, area=area) for need in created]
        )
        public_cache.changed("map")

    def _measure(self, runs: int, resources: int, needs: int) -> None:
        host = next((h for h in settings.ALLOWED_HOSTS if h not in ("*", "")), "localhost")
        client = Client(HTTP_HOST=host.lstrip("."))
        url = reverse("resources_map:geojson")
        client.get(url)  # warm up
        timings = []
        for _ in range(runs):
            public_cache.changed("map")  # measure building the GeoJSON, not the cache
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise CommandError(f"GeoJSON answered {response.status_code}")
        self.stdout.write(
            f"GeoJSON with {resources} resources and {needs} needs "
            f"({connection.vendor}): median {statistics.median(timings) * 1000:.0f} ms, "
            f"worst {max(timings) * 1000:.0f} ms over {runs} runs; "
            f"{len(queries)} queries; {len(response.content) / 1024:.0f} KiB, "
            f"{len(gzip.compress(response.content)) / 1024:.0f} KiB gzipped"
        )
