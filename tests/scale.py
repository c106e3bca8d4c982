"""Helpers of the tests that build 10,000 rows with ``bulk_create`` (``tests/*/test_scale.py``)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def analyse(*models) -> None:
    """Fresh planner statistics after a bulk insert, as autovacuum would soon give: without
    them PostgreSQL plans for the empty tables it last saw."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"ANALYZE {model._meta.db_table}")


def raw_delete(queryset) -> None:
    """Delete the rows in one statement: rows a builder made that nothing else refers to, so
    Django's collector (a query per related table) is not needed."""
    queryset._raw_delete(queryset.db)


def queries_of(client, url: str, data=None) -> tuple[int, str]:
    """GET ``url`` (with ``data``), which must answer 200: (queries it ran, the page's text)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data or {})
    assert response.status_code == 200
    return len(captured), response.content.decode()
