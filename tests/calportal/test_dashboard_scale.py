"""The dashboard runs at most ten queries for every role, whatever the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from calportal.accounts.roles import Role
from resources_map.models import ResidentReport
from tests.factories import EventFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

LIMIT = 10


def _queries(client, user) -> tuple[int, str]:
    client.force_login(user)
    client.get(reverse("dashboard"))  # once first: caches of content types and the like
    with CaptureQueriesContext(connection) as queries, translation.override("en"):
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize("role", list(Role))
def test_every_role_s_dashboard_runs_at_most_ten_queries(client, roles, role):
    organisation = OrganisationFactory(name="Towarzystwo Nadzieja")
    user = UserFactory(email="tiles@example.org", role=role, organisation=organisation)

    count, _body = _queries(client, user)

    assert count <= LIMIT


def test_the_office_s_dashboard_counts_what_the_lists_hold(client, staff):
    from django.utils import timezone

    for _ in range(3):
        ResidentReport.objects.create(
            kind="need",
            description="Brak ławek",
            phone="600100200",
            consent_given_at=timezone.now(),
        )
    OrganisationFactory.create_batch(4, is_partner=False)
    EventFactory(initiative__title="Warsztaty ceramiczne")

    count, body = _queries(client, staff)

    assert count <= LIMIT
    assert "reports waiting for moderation" in body and "3 residents" in body
    assert "Warsztaty ceramiczne" in body
    assert "in the stakeholder catalogue, 1 of them a partner" in " ".join(body.split())
