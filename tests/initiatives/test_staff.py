"""Staff run initiatives and events: who may, and what they can do."""

import csv
import io

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from initiatives import services
from initiatives.models import Event, Funding, Initiative, Registration, RegistrationStatus
from tests.factories import EventFactory, InitiativeFactory, ParticipantFactory
from tests.initiatives.conftest import person

ALLOWED, DENIED, LOGIN = "allowed", "denied", "login"
ROLES = ["staff", "partner_a", "team_member", None]
# view -> (staff, partner, team member, anonymous)
MATRIX = {
    "initiatives:initiative_list": (ALLOWED, DENIED, ALLOWED, LOGIN),
    "initiatives:initiative_detail": (ALLOWED, DENIED, ALLOWED, LOGIN),
    "initiatives:initiative_create": (ALLOWED, DENIED, DENIED, LOGIN),
    "initiatives:initiative_edit": (ALLOWED, DENIED, DENIED, LOGIN),
    "initiatives:event_series": (ALLOWED, DENIED, DENIED, LOGIN),
    "initiatives:event_list": (ALLOWED, DENIED, ALLOWED, LOGIN),
    "initiatives:event_create": (ALLOWED, DENIED, DENIED, LOGIN),
    "initiatives:event_edit": (ALLOWED, DENIED, DENIED, LOGIN),
    "initiatives:event_cancel": (ALLOWED, DENIED, DENIED, LOGIN),
    "initiatives:event_registrations": (ALLOWED, DENIED, DENIED, LOGIN),
    "initiatives:registration_add": (ALLOWED, DENIED, DENIED, LOGIN),
    "initiatives:event_attendance": (ALLOWED, DENIED, DENIED, LOGIN),
    "initiatives:event_message": (ALLOWED, DENIED, DENIED, LOGIN),
    "initiatives:event_csv": (ALLOWED, DENIED, DENIED, LOGIN),
}


@pytest.fixture
def some_event(db):
    event = EventFactory(title="Spotkanie klubu")
    services.registration_create(event_id=event.pk, person=person(1))
    return event


def url_for(name: str, event: Event) -> str:
    if name in {
        "initiatives:initiative_detail",
        "initiatives:initiative_edit",
        "initiatives:event_series",
    }:
        return reverse(name, args=[event.initiative_id])
    if (
        "event_" in name
        and name not in {"initiatives:event_list", "initiatives:event_create"}
        or name.startswith("initiatives:registration")
    ):
        return reverse(name, args=[event.pk])
    return reverse(name)


@pytest.mark.parametrize("view_name", MATRIX)
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=lambda i: ROLES[i] or "anonymous")
def test_each_role_gets_what_it_may(request, login, some_event, view_name, role_index):
    role = ROLES[role_index]
    client = login(request.getfixturevalue(role) if role else None)

    response = client.get(url_for(view_name, some_event))

    expected = MATRIX[view_name][role_index]
    if expected == ALLOWED:
        assert response.status_code == 200
    elif expected == DENIED:
        assert response.status_code == 403
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["partner_a", "team_member"])
def test_other_roles_cannot_change_registrations(request, login, some_event, role):
    client = login(request.getfixturevalue(role))
    registration = Registration.objects.get()

    responses = [
        client.post(
            reverse("initiatives:registration_cancel", args=[some_event.pk, registration.pk])
        ),
        client.post(reverse("initiatives:event_cancel", args=[some_event.pk])),
        client.post(
            reverse("initiatives:event_attendance", args=[some_event.pk]),
            {"present": [registration.pk]},
        ),
        client.post(reverse("initiatives:attendance_sheet", args=[some_event.pk])),
    ]

    assert [response.status_code for response in responses] == [403] * 4
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.attendance == ""


def test_the_registrations_page_shows_contacts_only_to_staff(login, staff, team_member, some_event):
    html = (
        login(staff)
        .get(reverse("initiatives:event_registrations", args=[some_event.pk]))
        .content.decode()
    )
    assert "jan1@example.org" in html

    team_html = (
        login(team_member)
        .get(reverse("initiatives:initiative_detail", args=[some_event.initiative_id]))
        .content.decode()
    )
    assert "jan1@example.org" not in team_html
    assert "Łęcki1" not in team_html


def test_staff_create_an_initiative_with_funding(login, staff, organisation_a):
    response = login(staff).post(
        reverse("initiatives:initiative_create"),
        {
            "title": "Akademia pełni życia",
            "slug": "akademia",
            "kind": "workshops",
            "category": "health",
            "status": "planned",
            "is_public": "on",
            "min_age": "55",
            "lead_organisation": organisation_a.pk,
            "funding-TOTAL_FORMS": "2",
            "funding-INITIAL_FORMS": "0",
            "funding-MIN_NUM_FORMS": "0",
            "funding-MAX_NUM_FORMS": "1000",
            "funding-0-source": "esf",
            "funding-0-amount": "48000.00",
            "funding-1-source": "",
            "funding-1-amount": "",
        },
    )

    initiative = Initiative.objects.get(slug="akademia")
    assert response.status_code == 302
    assert list(Funding.objects.values_list("source", "amount")) == [("esf", 48000)]
    assert initiative.min_age == 55


def test_an_age_range_upside_down_is_refused(login, staff, organisation_a):
    response = login(staff).post(
        reverse("initiatives:initiative_create"),
        {
            "title": "X",
            "slug": "x",
            "kind": "club",
            "category": "leisure",
            "status": "planned",
            "min_age": "70",
            "max_age": "60",
            "lead_organisation": organisation_a.pk,
            "funding-TOTAL_FORMS": "0",
            "funding-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert not Initiative.objects.filter(slug="x").exists()


def test_staff_duplicate_an_initiative(login, staff, some_event):
    initiative = some_event.initiative
    Funding.objects.create(initiative=initiative, source="municipal", amount=100)

    response = login(staff).post(reverse("initiatives:initiative_duplicate", args=[initiative.pk]))

    copy = Initiative.objects.exclude(pk=initiative.pk).get()
    assert response.status_code == 302
    assert copy.slug == f"{initiative.slug}-2"
    assert copy.fundings.count() == 1
    assert not copy.events.exists()


def test_a_series_is_created_from_a_rule_skipping_given_dates(login, staff, some_event):
    initiative = some_event.initiative

    response = login(staff).post(
        reverse("initiatives:event_series", args=[initiative.pk]),
        {
            "weekdays": ["1"],  # Tuesday
            "start_time": "16:00",
            "end_time": "17:30",
            "first_day": "2027-09-01",
            "last_day": "2027-11-30",
            "skip_dates": "2027-11-09",
            "place_name": "Pływalnia",
            "capacity": "20",
            "max_companions": "1",
        },
    )

    sessions = Event.objects.filter(initiative=initiative, place_name="Pływalnia").order_by(
        "starts_at"
    )
    assert response.status_code == 302
    assert sessions.count() == 12  # 13 Tuesdays, one skipped
    first = sessions.first()
    assert (first.starts_at.isoformat(), first.capacity) == ("2027-09-07T14:00:00+00:00", 20)
    assert "2027-11-09" not in [str(s.starts_at.date()) for s in sessions]


def test_a_series_with_a_bad_date_is_explained(login, staff, some_event):
    response = login(staff).post(
        reverse("initiatives:event_series", args=[some_event.initiative_id]),
        {
            "weekdays": ["1"],
            "start_time": "16:00",
            "end_time": "15:00",
            "first_day": "2027-09-01",
            "last_day": "2027-08-01",
            "skip_dates": "tomorrow",
            "place_name": "X",
            "capacity": "5",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    for field in ("end_time", "last_day", "skip_dates"):
        assert f'id="error_1_id_{field}"' in html
    assert Event.objects.count() == 1


def test_staff_register_someone_who_phoned_in_finding_them_first(login, staff, some_event):
    known = ParticipantFactory(first_name="Halina", last_name="Wiśniewska", phone="601234567")
    client = login(staff)

    found = client.get(
        reverse("initiatives:registration_add", args=[some_event.pk]), {"q": "601 234"}
    )
    assert "Wiśniewska" in found.content.decode()
    response = client.post(
        reverse("initiatives:registration_add", args=[some_event.pk]),
        {
            "q": "601 234",
            "participant": known.pk,
            "companions": "0",
            "source": "phone",
            "consent": "on",
            "gender": "not_given",
        },
    )

    assert response.status_code == 302
    registration = Registration.objects.get(participant=known)
    assert registration.source == "phone"
    assert registration.created_by == staff


def test_staff_can_register_a_phone_caller_after_online_registration_closed(login, staff, db):
    from django.utils import timezone

    event = EventFactory(registration_closes_at=timezone.now())
    response = login(staff).post(
        reverse("initiatives:registration_add", args=[event.pk]),
        {
            "first_name": "Jan",
            "last_name": "Nowy",
            "phone": "602 000 111",
            "companions": "0",
            "source": "phone",
            "consent": "on",
            "gender": "man",
        },
    )

    assert response.status_code == 302
    assert Registration.objects.get().participant.phone == "602000111"


def test_cancelling_a_registration_promotes_and_cancelling_the_event_tells_everyone(
    login, staff, some_event, django_capture_on_commit_callbacks
):
    Event.objects.filter(pk=some_event.pk).update(capacity=1)  # not save(): keep the counter
    services.registration_create(event_id=some_event.pk, person=person(2))
    first = Registration.objects.get(participant__email="jan1@example.org")
    client = login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("initiatives:registration_cancel", args=[some_event.pk, first.pk]))
    assert Registration.objects.get(participant__email="jan2@example.org").status == "confirmed"
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("initiatives:event_cancel", args=[some_event.pk]))

    some_event.refresh_from_db()
    assert some_event.is_cancelled
    assert [message.to for message in mail.outbox] == [["jan2@example.org"]]


def test_a_registration_moves_to_another_session(login, staff, some_event):
    other = EventFactory(initiative=some_event.initiative, capacity=5)
    registration = Registration.objects.get()

    login(staff).post(
        reverse("initiatives:registration_move", args=[some_event.pk, registration.pk]),
        {"to_event": other.pk},
    )

    registration.refresh_from_db()
    some_event.refresh_from_db()
    other.refresh_from_db()
    assert registration.event == other
    assert (some_event.places_taken, other.places_taken) == (0, 1)


def test_lowering_places_below_those_taken_is_refused_and_raising_them_promotes(
    login, staff, some_event
):
    Event.objects.filter(pk=some_event.pk).update(capacity=1)  # not save(): keep the counter
    services.registration_create(event_id=some_event.pk, person=person(2))
    client = login(staff)
    data = {
        "title": some_event.title,
        "starts_at": some_event.starts_at.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": some_event.ends_at.strftime("%Y-%m-%dT%H:%M"),
        "place_name": "Sala",
        "max_companions": "1",
    }

    refused = client.post(
        reverse("initiatives:event_edit", args=[some_event.pk]), {**data, "capacity": "0"}
    )
    assert refused.status_code == 200
    preview = client.post(
        reverse("initiatives:event_edit", args=[some_event.pk]), {**data, "capacity": "2"}
    )
    assert preview.status_code == 200  # who gets the place, and how told: confirm first
    raised = client.post(
        reverse("initiatives:event_edit", args=[some_event.pk]),
        {**data, "capacity": "2", "confirm_told": "1"},
    )

    assert raised.status_code == 302, raised.context["form"].errors
    some_event.refresh_from_db()
    assert (some_event.capacity, some_event.places_taken) == (2, 2)
    assert not Registration.objects.filter(status=RegistrationStatus.WAITING).exists()


def test_staff_mark_attendance_of_those_on_their_checklist_only(login, staff, some_event):
    services.registration_create(event_id=some_event.pk, person=person(2))
    came, missed = Registration.objects.order_by("pk")
    services.registration_create(event_id=some_event.pk, person=person(3))  # after page load
    latecomer = Registration.objects.get(participant__email="jan3@example.org")

    with time_machine.travel(some_event.starts_at, tick=False):  # at the door
        login(staff).post(
            reverse("initiatives:event_attendance", args=[some_event.pk]),
            {"shown": [str(came.pk), str(missed.pk)], "present": [str(came.pk), "junk"]},
        )

    for registration in (came, missed, latecomer):
        registration.refresh_from_db()
    assert (came.attendance, missed.attendance, latecomer.attendance) == ("present", "absent", "")


def test_staff_message_everyone_with_an_email(
    login, staff, some_event, django_capture_on_commit_callbacks
):
    services.registration_create(
        event_id=some_event.pk, person=person(2, email="", phone="600100200")
    )

    with django_capture_on_commit_callbacks(execute=True):
        login(staff).post(
            reverse("initiatives:event_message", args=[some_event.pk]),
            {
                "subject": "Zmiana sali & godziny",
                "body": "Spotykamy się w sali 2.",
                "include_waiting": "on",
            },
        )

    assert [message.to for message in mail.outbox] == [["jan1@example.org"]]
    assert mail.outbox[0].subject == "Zmiana sali & godziny"
    assert "Spotykamy się w sali 2." in mail.outbox[0].body


def test_the_csv_export_lists_everyone_with_polish_letters(login, staff, some_event):
    response = login(staff).get(reverse("initiatives:event_csv", args=[some_event.pk]))

    text = response.getvalue().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1][3] == "Łęcki1"
    assert rows[1][4] == "jan1@example.org"


@pytest.mark.parametrize("name", ["initiatives:event_list", "initiatives:initiative_list"])
def test_staff_lists_use_the_same_number_of_queries_for_10_or_500_events(
    login, staff, db, name, django_assert_num_queries, django_assert_max_num_queries
):
    client = login(staff)
    initiative = InitiativeFactory()
    EventFactory.create_batch(10, initiative=initiative)
    with django_assert_max_num_queries(50) as baseline:
        client.get(reverse(name))
    initiatives = InitiativeFactory.create_batch(20)
    Event.objects.bulk_create(
        [
            Event(**{**_event_fields(EventFactory.build()), "initiative": initiatives[n % 20]})
            for n in range(490)
        ]
    )

    with django_assert_num_queries(len(baseline.captured_queries)):
        client.get(reverse(name))


def test_the_registrations_page_uses_the_same_number_of_queries_for_10_or_500(
    login, staff, db, django_assert_num_queries, django_assert_max_num_queries
):
    event = EventFactory(capacity=300, max_companions=0)
    for n in range(10):
        services.registration_create(event_id=event.pk, person=person(n))
    client = login(staff)
    with django_assert_max_num_queries(50) as baseline:
        client.get(reverse("initiatives:event_registrations", args=[event.pk]))
    for n in range(10, 500):  # 300 confirmed, 200 on the waiting list
        services.registration_create(event_id=event.pk, person=person(n))
    for registration in Registration.objects.filter(status="confirmed")[:20]:
        services.registration_cancel(registration_id=registration.pk, by_staff=True)

    with django_assert_num_queries(len(baseline.captured_queries)):
        response = client.get(reverse("initiatives:event_registrations", args=[event.pk]))

    assert (response.context["confirmed"].count, response.context["cancelled"].count) == (300, 20)


def _event_fields(event: Event) -> dict:
    return {
        field.name: getattr(event, field.name)
        for field in Event._meta.concrete_fields
        if field.name not in {"id", "initiative"}
    }
