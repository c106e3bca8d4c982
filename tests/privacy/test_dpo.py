"""The DPO's overview (PRIVACY.md §6), the "Data protection" menu, the dashboard tile and the
privacy demo data."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from calportal.accounts.roles import Role
from calportal.privacy.models import (
    Breach,
    ErasureRecord,
    RequestChannel,
    RequestKind,
    RequestStatus,
    RetentionRun,
    SubjectRequest,
)

TODAY = datetime.date(2026, 12, 10)


def en(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


def short(day: datetime.date) -> str:
    with translation.override("en"):
        return date_format(day, "SHORT_DATE_FORMAT")


def subject_request(received_on: datetime.date, **fields) -> SubjectRequest:
    values = {
        "kind": RequestKind.ACCESS,
        "received_on": received_on,
        "deadline": SubjectRequest.deadline_for(received_on),
        "channel": RequestChannel.EMAIL,
        "requester_name": "Jadwiga Wnioskująca",
    }
    return SubjectRequest.objects.create(**{**values, **fields})


@pytest.fixture
def at_noon():
    with time_machine.travel(
        datetime.datetime(2026, 12, 10, 12, 0, tzinfo=timezone.get_default_timezone()), tick=False
    ):
        yield


def test_the_overview_lists_open_requests_by_deadline_in_words(at_noon, login, dpo):
    subject_request(datetime.date(2026, 11, 5))  # due 5 Dec: overdue
    subject_request(datetime.date(2026, 11, 14), kind=RequestKind.ERASURE)  # due 14 Dec: soon
    subject_request(datetime.date(2026, 12, 1))  # due 1 Jan: in time
    subject_request(datetime.date(2026, 10, 1), status=RequestStatus.ANSWERED)  # closed

    page = login(dpo).get(en("privacy:dpo")).content.decode()

    assert "3 open requests" in page
    assert "1 due within 7 days" in page
    assert "1 overdue" in page
    assert page.count(">Overdue<") == 1
    assert page.count(">Due soon<") == 1
    assert page.count(">In time<") == 1
    dates = [
        short(datetime.date(2026, 12, 5)),
        short(datetime.date(2026, 12, 14)),
        short(datetime.date(2027, 1, 1)),
    ]
    assert page.index(dates[0]) < page.index(dates[1]) < page.index(dates[2])


def test_an_extension_moves_the_deadline(at_noon, login, dpo):
    subject_request(
        datetime.date(2026, 11, 5),
        extended_until=datetime.date(2027, 1, 5),
        extension_reason="Wiele rejestrów",
        status=RequestStatus.EXTENDED,
    )

    page = login(dpo).get(en("privacy:dpo")).content.decode()

    assert "0 overdue" in page
    assert f"{short(datetime.date(2027, 1, 5))} (extended)" in page


def test_the_overview_shows_retention_erasures_and_breaches(at_noon, login, dpo, data_officer):
    RetentionRun.objects.create(counts={"registration": 12, "accessibility_needs": 3})
    RetentionRun.objects.create(dry_run=True, counts={"registration": 4})
    ErasureRecord.objects.create(
        performed_by=data_officer, erased={"registrations": 2}, reason="Żądanie art. 17"
    )
    Breach.objects.create(
        found_at=timezone.now() - datetime.timedelta(days=5),
        description="x",
        categories="wolontariusze",
        affected_count=2,
    )

    page = login(dpo).get(en("privacy:dpo")).content.decode()

    assert ": 12" in page and ": 3" in page
    assert "4 records would be anonymised or deleted" in page
    assert "1 erasure recorded" in page and "Żądanie art. 17" in page
    assert "1 breach recorded" in page
    assert "Attention: 1 breach" in page
    assert "processing activities in the register" in page


def test_the_overview_takes_a_fixed_number_of_queries(at_noon, login, dpo, data_officer):
    client = login(dpo)
    subject_request(datetime.date(2026, 11, 20))
    client.get(en("privacy:dpo"))
    with CaptureQueriesContext(connection) as few:
        client.get(en("privacy:dpo"))
    for n in range(25):
        subject_request(datetime.date(2026, 11, 1) + datetime.timedelta(days=n))
        ErasureRecord.objects.create(performed_by=data_officer, erased={"registrations": n})
        Breach.objects.create(
            found_at=timezone.now() - datetime.timedelta(days=n),
            description="x",
            categories="c",
            affected_count=n,
        )
        RetentionRun.objects.create(counts={"registration": n})

    with CaptureQueriesContext(connection) as many:
        response = client.get(en("privacy:dpo"))

    assert response.status_code == 200
    assert len(many) == len(few)


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        ("dpo", True),
        ("data_officer", True),
        ("staff", False),
        ("partner_a", False),
        ("team_member", False),
    ],
)
def test_the_data_protection_menu_is_shown_to_whom_may_read_it(request, login, role, shown):
    page = login(request.getfixturevalue(role)).get(reverse("dashboard")).content.decode()

    assert (f'href="{reverse("privacy:dpo")}"' in page) is shown
    assert (f'href="{reverse("privacy:breach_list")}"' in page) is shown


def test_the_menu_marks_the_current_page(login, dpo):
    page = login(dpo).get(reverse("privacy:breach_list")).content.decode()

    assert f'href="{reverse("privacy:breach_list")}" aria-current="page"' in page


def test_the_dashboard_counts_requests_due_soon(at_noon, login, data_officer, staff):
    subject_request(datetime.date(2026, 11, 12))

    page = login(data_officer).get(en("dashboard")).content.decode()
    assert "1 open request from a data subject" in page
    assert "1 to be answered within 7 days" in page

    assert (
        "open request from a data subject" not in login(staff).get(en("dashboard")).content.decode()
    )


def test_the_privacy_demo_data_loads_once(db):
    from calportal.demo import LOGINS
    from calportal.privacy.demo import privacy_demo_load

    privacy_demo_load()
    privacy_demo_load()

    assert SubjectRequest.objects.count() == 2
    assert Breach.objects.count() == 1
    logins = {login.email: login for login in LOGINS}
    assert logins["iod@example.org"].role == Role.DPO
    assert Role.DATA_REQUESTS in logins["koordynator@example.org"].extra_roles
