"""Two venues scan the same pass at the same moment (PostgreSQL, separate connections)."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from initiatives.passes import services
from initiatives.passes.models import ProgrammeSettings, Redemption
from tests.conftest import require
from tests.initiatives.test_concurrency import run_at_once
from tests.passes.conftest import make_venue, senior

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    require(connection.vendor == "postgresql", "concurrency tests need PostgreSQL")


def test_many_venues_scanning_one_pass_at_once_never_exceed_the_allowance(staff):
    ProgrammeSettings.objects.update_or_create(
        pk=1, defaults={"uses_per_month": 4, "weekly_pool": None}
    )
    senior_pass = services.pass_issue(person=senior(1), issued_by=staff)
    venues = [make_venue(f"Kawiarnia {n}") for n in range(8)]
    Redemption.objects.create(
        senior_pass=senior_pass,
        venue=venues[0],
        redeemed_at=timezone.now() - datetime.timedelta(minutes=1),
    )

    results = run_at_once(
        [
            (
                lambda venue=venue: services.redemption_record(
                    pass_id=senior_pass.pk, venue_id=venue.pk, recorded_by=None
                )
            )
            for venue in venues
            for _ in range(3)  # each venue's staff also taps three times
        ]
    )

    created = [r for r in results if isinstance(r, services.RedemptionResult) and r.created]
    refused = [r for r in results if isinstance(r, services.PassError)]
    unexpected = [
        r for r in results if isinstance(r, Exception) and not isinstance(r, services.PassError)
    ]
    assert unexpected == []
    assert len(created) == 3
    assert Redemption.objects.filter(senior_pass=senior_pass).count() == 4
    assert refused  # the rest were told the allowance is used up


def test_many_passes_at_one_venue_at_once_never_exceed_its_weekly_pool(staff):
    ProgrammeSettings.objects.update_or_create(
        pk=1, defaults={"uses_per_month": 4, "weekly_pool": 5}
    )
    venue = make_venue("Kawiarnia Pula")
    passes = [services.pass_issue(person=senior(n), issued_by=staff) for n in range(20)]

    results = run_at_once(
        [
            (
                lambda senior_pass=senior_pass: services.redemption_record(
                    pass_id=senior_pass.pk, venue_id=venue.pk, recorded_by=None
                )
            )
            for senior_pass in passes
        ]
    )

    assert [
        r for r in results if isinstance(r, Exception) and not isinstance(r, services.PassError)
    ] == []
    assert Redemption.objects.filter(venue=venue).count() == 5


def test_simultaneous_issuing_never_repeats_a_number(staff):
    results = run_at_once(
        [(lambda n=n: services.pass_issue(person=senior(n), issued_by=staff)) for n in range(20)]
    )

    numbers = [r.number for r in results if not isinstance(r, Exception)]
    assert len(numbers) == 20
    assert len(set(numbers)) == 20
