"""Two moderators handle the same report at the same moment: exactly one entry comes of it."""

import pytest
from django.db import connection

from resources_map import services
from resources_map.forms import NeedForm
from resources_map.models import Need, ReportStatus, ResidentReport
from tests.conftest import require
from tests.factories import UserFactory
from tests.initiatives.test_concurrency import run_at_once
from tests.resources_map.conftest import make_report

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    require(connection.vendor == "postgresql", "concurrency tests need PostgreSQL")


def accept(report_id: int, area_id: int, user):
    def run():
        form = NeedForm(
            {
                "title": "Ławki przy przychodni",
                "description": "…",
                "areas": [area_id],
                "severity": "2",
                "found_by": "report",
                "identified_on": "2026-11-01",
                "status": "identified",
            }
        )
        assert form.is_valid(), form.errors
        report = ResidentReport.objects.get(pk=report_id)
        return services.report_accept(report=report, form=form, user=user)

    return run


def reject(report_id: int, user):
    def run():
        report = ResidentReport.objects.get(pk=report_id)
        return services.report_reject(report=report, reason="Duplikat", user=user)

    return run


def test_simultaneous_moderation_of_one_report_happens_once(roles, area):
    report = make_report(area=area)
    moderators = [UserFactory() for _ in range(6)]

    results = run_at_once(
        [accept(report.pk, area.pk, user) for user in moderators[:4]]
        + [reject(report.pk, user) for user in moderators[4:]]
    )

    refused = [r for r in results if isinstance(r, services.ReportError)]
    assert len(refused) == 5, results
    report.refresh_from_db()
    if report.status == ReportStatus.ACCEPTED:
        assert Need.objects.count() == 1
        assert report.need == Need.objects.get()
    else:
        assert report.status == ReportStatus.REJECTED
        assert Need.objects.count() == 0
