"""The rate table of the value of volunteer work and the kinds of work (REPORTS.md §9 D6): who
may keep them, bad input, rows in effect kept, the list's queries; the kind of work on hours
and on certificates; a volunteer's end date."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from calportal.accounts.roles import Role
from tests.access import ALLOWED, DENIED, LOGIN, assert_outcome
from tests.factories import UserFactory
from tests.volunteers.conftest import make_entry, today
from volunteers import services
from volunteers.models import (
    Certificate,
    EntryStatus,
    HoursEntry,
    Volunteer,
    VolunteerRate,
    VolunteerStatus,
    WorkKind,
)


@pytest.fixture
def venue(roles):
    return UserFactory(email="venue.rates@example.org", role=Role.VENUE_STAFF)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("staff", ALLOWED),
        ("partner_a", DENIED),
        ("team_member", DENIED),
        ("venue", DENIED),
        (None, LOGIN),
    ],
)
def test_only_ops_staff_open_the_rates(request, db, login, role, expected):
    user = request.getfixturevalue(role) if role else None
    assert_outcome(login(user).get(reverse("volunteers:rates")), expected)


@pytest.mark.parametrize("role", ["partner_a", "team_member", "venue"])
def test_others_cannot_add_or_delete_a_rate(request, login, role):
    client = login(request.getfixturevalue(role))
    future = VolunteerRate.objects.create(
        valid_from=today() + datetime.timedelta(days=10), hourly_rate="35.00", source="x"
    )
    data = {
        "form": "rate",
        "rate-valid_from": "2030-01-01",
        "rate-hourly_rate": "40,00",
        "rate-source": "GUS",
    }
    assert client.post(reverse("volunteers:rates"), data).status_code == 403
    assert client.post(reverse("volunteers:rate_delete", args=[future.pk])).status_code == 403
    assert VolunteerRate.objects.filter(pk=future.pk).exists()
    assert not VolunteerRate.objects.filter(valid_from=datetime.date(2030, 1, 1)).exists()


def test_the_migration_made_the_settings_rate_the_first_general_row(db):
    row = VolunteerRate.objects.get(work_kind=None, valid_from=datetime.date(2000, 1, 1))
    assert row.hourly_rate == Decimal("31.40") and row.source == "ustawienia portalu"
    assert WorkKind.objects.filter(name="opieka nad seniorami").exists()


def test_staff_add_a_rate_for_a_kind(login, staff):
    kind = WorkKind.objects.get(name="prace fizyczne")
    response = login(staff).post(
        reverse("volunteers:rates"),
        {
            "form": "rate",
            "rate-valid_from": "2026-01-01",
            "rate-work_kind": kind.pk,
            "rate-hourly_rate": "33,50",
            "rate-source": "GUS – przeciętne wynagrodzenie godzinowe",
        },
    )
    assert response.status_code == 302
    row = VolunteerRate.objects.get(work_kind=kind)
    assert row.hourly_rate == Decimal("33.50") and row.created_by == staff


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("rate-hourly_rate", "-1"),
        ("rate-hourly_rate", "trzydzieści"),
        ("rate-valid_from", "2026-13-45"),
        ("rate-valid_from", "1850-01-01"),
        ("rate-source", ""),
    ],
)
def test_bad_input_is_explained_and_nothing_saved(login, staff, field, value):
    data = {
        "form": "rate",
        "rate-valid_from": "2026-01-01",
        "rate-hourly_rate": "33,00",
        "rate-source": "GUS",
        field: value,
    }
    before = VolunteerRate.objects.count()
    response = login(staff).post(reverse("volunteers:rates"), data)
    assert response.status_code == 200
    assert VolunteerRate.objects.count() == before
    form = response.context["rate_form"]
    assert list(form.errors) == [field.removeprefix("rate-")]
    assert form.errors[field.removeprefix("rate-")][0] in response.content.decode()


def test_a_second_general_rate_on_the_same_day_is_refused(login, staff):
    response = login(staff).post(
        reverse("volunteers:rates"),
        {
            "form": "rate",
            "rate-valid_from": "2000-01-01",
            "rate-hourly_rate": "20,00",
            "rate-source": "again",
        },
    )
    assert response.status_code == 200
    assert response.context["rate_form"].errors
    assert VolunteerRate.objects.filter(valid_from=datetime.date(2000, 1, 1)).count() == 1


def test_a_rate_in_effect_stays_and_a_future_one_can_go(login, staff):
    client = login(staff)
    in_effect = VolunteerRate.objects.get(valid_from=datetime.date(2000, 1, 1))
    future = VolunteerRate.objects.create(
        valid_from=timezone.localdate() + datetime.timedelta(days=1),
        hourly_rate="35.00",
        source="x",
    )
    client.post(reverse("volunteers:rate_delete", args=[in_effect.pk]))
    assert VolunteerRate.objects.filter(pk=in_effect.pk).exists()
    client.post(reverse("volunteers:rate_delete", args=[future.pk]))
    assert not VolunteerRate.objects.filter(pk=future.pk).exists()
    assert client.get(reverse("volunteers:rate_delete", args=[in_effect.pk])).status_code == 405


def test_staff_add_and_retire_a_kind_of_work(login, staff):
    client = login(staff)
    client.post(
        reverse("volunteers:rates"),
        {"form": "kind", "kind-name": "  wsparcie   cyfrowe ", "kind-is_offered": "on"},
    )
    kind = WorkKind.objects.get(name="wsparcie cyfrowe")
    client.post(reverse("volunteers:work_kind_edit", args=[kind.pk]), {"name": kind.name})
    kind.refresh_from_db()
    assert not kind.is_offered


def test_the_rate_list_takes_the_same_queries_for_few_and_many(
    login, staff, django_assert_num_queries
):
    client = login(staff)
    kind = WorkKind.objects.first()
    client.get(reverse("volunteers:rates"))  # warm the session and the user
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("volunteers:rates"))
    VolunteerRate.objects.bulk_create(
        VolunteerRate(
            valid_from=datetime.date(2001, 1, 1) + datetime.timedelta(days=day),
            work_kind=kind if day % 2 else None,
            hourly_rate="30.00",
            source="x",
            created_by=staff,
        )
        for day in range(60)
    )
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("volunteers:rates"))
    assert len(response.context["page"].object_list) == 25


def test_hours_logged_in_the_form_keep_their_kind(login, partner_a, volunteer_a):
    kind = WorkKind.objects.get(name="prace organizacyjne")
    response = login(partner_a).post(
        reverse("volunteers:hours_create"),
        {
            "volunteer": volunteer_a.pk,
            "date": (today() - datetime.timedelta(days=1)).isoformat(),
            "hours": "2",
            "activity": "Biuro",
            "work_kind": kind.pk,
            "with_children": "no",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert HoursEntry.objects.get(volunteer=volunteer_a).work_kind == kind


def test_the_certificate_lists_kinds_of_work_and_falls_back_to_the_activity(staff, volunteer_a):
    kind = WorkKind.objects.get(name="opieka nad seniorami")
    make_entry(volunteer_a, quarters=8, status=EntryStatus.APPROVED, work_kind=kind)
    make_entry(volunteer_a, quarters=4, status=EntryStatus.APPROVED, days_ago=4, work_kind=kind)
    make_entry(volunteer_a, quarters=2, status=EntryStatus.APPROVED, days_ago=5, activity="Biuro")
    certificate = services.certificate_issue(
        volunteer=volunteer_a,
        period_from=today() - datetime.timedelta(days=30),
        period_to=today(),
        user=staff,
        language="pl",
    )
    certificate = Certificate.objects.get(pk=certificate.pk)
    assert certificate.kinds == [
        {"label": "opieka nad seniorami", "quarters": 12},
        {"label": "Biuro", "quarters": 2},
    ]


def test_ending_a_volunteer_records_the_day(login, partner_a, volunteer_a):
    client = login(partner_a)
    url = reverse("volunteers:volunteer_status", args=[volunteer_a.pk])
    client.post(url, {"status": "ended", "ended_on": "not-a-date"})
    volunteer_a.refresh_from_db()
    assert volunteer_a.status == VolunteerStatus.ACTIVE and volunteer_a.ended_on is None
    day = today() - datetime.timedelta(days=2)
    client.post(url, {"status": "ended", "ended_on": day.isoformat()})
    volunteer_a.refresh_from_db()
    assert volunteer_a.status == VolunteerStatus.ENDED and volunteer_a.ended_on == day
    response = client.get(reverse("volunteers:volunteer_detail", args=[volunteer_a.pk]))
    assert day.strftime("%d.%m.%Y") in response.content.decode()
    client.post(url, {"status": "active"})
    volunteer_a.refresh_from_db()
    assert volunteer_a.ended_on is None


def test_ending_without_a_day_takes_today_and_not_a_day_before_the_hours(volunteer_a):
    make_entry(volunteer_a, days_ago=1)
    with pytest.raises(services.VolunteeringError):
        services.volunteer_set_status(
            volunteer=volunteer_a,
            status=VolunteerStatus.ENDED,
            ended_on=today() - datetime.timedelta(days=5),
        )
    services.volunteer_set_status(volunteer=volunteer_a, status=VolunteerStatus.ENDED)
    assert Volunteer.objects.get(pk=volunteer_a.pk).ended_on == today()
