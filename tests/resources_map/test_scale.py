"""The map's staff lists and the public guide at city scale: the same, pinned number of queries
at 10 rows and at 10,000 rows, and a page of rows rather than all of them.

The 10,000 rows are built once for the module (``bulk_create``, inside a transaction rolled
back at the end) and every list is requested at 10 and then at 10,000 rows."""

import datetime

import pytest
from django.apps import apps as django_apps
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from calportal.accounts.roles import Role, grant
from resources_map.models import (
    Area,
    AreaKind,
    Need,
    ResidentReport,
    Resource,
    Topic,
)
from tests.conftest import ROLE_PERMISSIONS
from tests.factories import UserFactory

TOPICS = Topic.values
LARGE = 10_000
# The queries of each list, the same at 10 and at 10,000 rows.
PINNED = {"guide": 7, "resource_list": 9, "need_list": 13, "report_list": 7}


def build(n: int, tag: str) -> dict:
    """Three areas, ``n`` public resources (spread over the guide's topics, with a point on
    the map), ``n`` needs (each in an area) and ``n`` residents' reports waiting for
    moderation, all with ``bulk_create``. ``tag`` keeps the names of two builds apart.
    Returns ``{"areas": [...]}``."""
    now = timezone.now()
    areas = Area.objects.bulk_create(
        Area(name=f"Osiedle {tag} {i}", kind=AreaKind.DISTRICT) for i in range(3)
    )
    Resource.objects.bulk_create(
        Resource(
            name=f"Miejsce {tag} {i}",
            resource_class="material",
            kind="premises",
            topic=TOPICS[i % len(TOPICS)],
            area=areas[i % 3] if i % 4 else None,
            address=f"ul. Długa {i}",
            latitude=52.08 + (i % 100) / 10_000,
            longitude=17.01 + (i % 97) / 10_000,
            description="Porady i wsparcie.",
            opening_hours="pn–pt 8–16",
            contact_phone=f"61{i:07d}",
            contact_email=f"miejsce{i}@example.org",
            website="https://example.org/",
            is_public=True,
        )
        for i in range(n)
    )
    needs = Need.objects.bulk_create(
        Need(title=f"Potrzeba {tag} {i}", description="Brak miejsca spotkań.", found_by="survey")
        for i in range(n)
    )
    Need.areas.through.objects.bulk_create(
        Need.areas.through(need_id=need.pk, area_id=areas[i % 3].pk) for i, need in enumerate(needs)
    )
    ResidentReport.objects.bulk_create(
        ResidentReport(
            kind="need",
            description=f"Zgłoszenie {tag} {i}: brak ławek.",
            area=areas[i % 3],
            name="Jan Kowalski",
            phone=f"6{i:08d}",
            consent_given_at=now - datetime.timedelta(minutes=i),
        )
        for i in range(n)
    )
    return {"areas": areas}


def _measure(client) -> dict:
    measured = {}
    for name in PINNED:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(f"resources_map:{name}"))
        assert response.status_code == 200, name
        measured[name] = {"queries": len(queries), "body": response.content.decode()}
    return measured


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    """The guide and the staff lists with 10 rows and again with 10,000 more (built once,
    rolled back at the end): ``{"small": {list: {"queries", "body"}}, "large": …}``."""
    with django_db_blocker.unblock(), transaction.atomic():
        # The role groups, in case a transactional test emptied the database before.
        grant(django_apps, ROLE_PERMISSIONS)
        staff = UserFactory(email="scale-map@example.org", role=Role.OPS_STAFF)
        client = Client()
        client.force_login(staff)
        with translation.override("en"):
            build(10, "S")
            _measure(client)  # once first: caches of content types and the like
            small = _measure(client)
            build(LARGE, "L")
            large = _measure(client)
            large["guide_page_3"] = client.get(
                reverse("resources_map:guide"), {"topic": "welfare", "page": "3"}
            ).content.decode()
        transaction.set_rollback(True)
    return {"small": small, "large": large}


@pytest.mark.parametrize("name", PINNED)
def test_each_list_runs_the_same_pinned_number_of_queries_at_10_and_10000_rows(measured, name):
    small, large = measured["small"][name]["queries"], measured["large"][name]["queries"]
    assert small == large == PINNED[name]


def test_the_guide_shows_a_page_of_places_with_links_to_the_others(measured):
    body = measured["large"]["guide"]["body"]

    assert body.count('class="card mb-3 guide-entry"') == 50
    assert "Places 1–50 of 10010." in body
    assert "page=2" in body


def test_a_page_of_the_guide_keeps_its_topic_in_the_links(measured):
    body = measured["large"]["guide_page_3"]

    assert "Places 101–150 of 1001." in body
    assert "topic=welfare&amp;page=4" in body and "topic=welfare&amp;page=2" in body
    assert (
        "Counselling and crisis support" not in body.split("<main", 1)[-1].split("</form>", 1)[-1]
    )


def test_the_moderation_queue_shows_a_page_of_reports(measured):
    body = measured["large"]["report_list"]["body"]

    assert "10010 reports waiting" in body
    assert body.count('name="reason"') == 25
