"""The same person is recognised however they write their name or their phone number."""

import importlib

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone, translation

from initiatives.models import Participant, Registration
from initiatives.passes import services as pass_services
from initiatives.passes.models import ApplicationStatus, PassApplication
from initiatives.services import PersonData, RegistrationError, participant_find_or_create
from selfhelp.models import ContactWay, JoinRequest
from tests.factories import ParticipantFactory
from tests.initiatives.conftest import signup_data
from volunteers.models import Volunteer


def signup(client, event, **overrides):
    return client.post(
        reverse("initiatives:event_public", args=[event.pk]), signup_data(**overrides)
    )


def test_anna_oneill_with_two_apostrophes_and_one_email_is_one_participant_with_one_place(
    client, event
):
    first = signup(client, event, first_name="Anna", last_name="O'Neill", email="anna@example.org")
    with translation.override("en"):
        second = client.post(
            reverse("initiatives:event_public", args=[event.pk]),  # /en/…
            signup_data(first_name="Anna", last_name="O’Neill", email="Anna@Example.org"),
        )

    assert first.status_code == 302
    assert second.status_code == 302  # the page anyone gets: see test_existence_oracles.py
    assert Participant.objects.count() == 1
    assert Registration.objects.count() == 1
    event.refresh_from_db()
    assert event.places_taken == 1


def test_a_double_barrelled_name_with_spaces_around_the_hyphen_and_one_phone_is_one_person(
    client, event
):
    signup(client, event, first_name="Ewa", last_name="Nowak-Kowalska", email="", phone="601234567")
    second = signup(
        client, event, first_name="EWA", last_name="Nowak - Kowalska", email="", phone="601 234 567"
    )

    assert second.status_code == 302
    assert Participant.objects.count() == 1
    assert Registration.objects.count() == 1
    event.refresh_from_db()
    assert event.places_taken == 1


@pytest.mark.parametrize("typed", ["0048 601 234 567", "0048601234567", "48 601 234 567"])
def test_a_phone_written_with_0048_is_accepted_and_is_the_same_as_plus_48(client, event, typed):
    signup(client, event, email="", phone="+48 601 234 567")
    second = signup(client, event, email="", phone=typed)

    assert second.status_code == 302  # the page anyone gets, not a form error
    assert Participant.objects.get().phone == "601234567"
    assert Registration.objects.count() == 1


@pytest.mark.parametrize("typed", ["601 234", "601-ABC-DEF", "+49 151 12345678", "123"])
def test_garbage_in_the_phone_field_is_refused_with_the_message_and_nothing_is_lost(
    client, event, typed
):
    with translation.override("en"):
        response = client.post(
            reverse("initiatives:event_public", args=[event.pk]),  # /en/…
            signup_data(email="", phone=typed, first_name="Halina"),
        )

        html = response.content.decode()
        assert response.status_code == 200
        assert "Polish" in response.context["form"].errors["phone"][0]
    assert 'value="Halina"' in html  # what was typed is kept
    assert not Registration.objects.exists()


def test_a_service_caller_with_a_bad_phone_gets_a_readable_error():
    with pytest.raises(RegistrationError):
        participant_find_or_create(person=PersonData(first_name="A", last_name="B", phone="12"))


def test_the_name_key_follows_the_names_when_staff_correct_them(db):
    person = ParticipantFactory(first_name="Anna", last_name="ONeill")
    person.last_name = "O’Neill"
    person.save(update_fields=["last_name"])

    person.refresh_from_db()
    assert person.name_key == "anna o'neill"


def test_staff_find_a_person_however_the_apostrophe_and_the_phone_are_typed(login, staff, event):
    ParticipantFactory(first_name="Anna", last_name="O’Neill", phone="601234567")
    client = login(staff)
    url = reverse("initiatives:registration_add", args=[event.pk])

    by_name = client.get(url, {"q": "o'neill"}).context["candidates"]
    by_phone = client.get(url, {"q": "+48 601-234"}).context["candidates"]

    assert [p.last_name for p in by_name] == ["O’Neill"]
    assert [p.last_name for p in by_phone] == ["O’Neill"]


# --- Senior passes ---------------------------------------------------------------------------


@pytest.fixture
def programme(db):
    from initiatives.passes.models import ProgrammeSettings

    return ProgrammeSettings.current()


def test_a_second_pass_application_with_another_apostrophe_is_the_same_person(programme):
    born = timezone.localdate().year - 70
    pass_services.application_create(
        person=PersonData(
            first_name="Anna", last_name="O'Neill", phone="601234567", birth_year=born
        ),
        call_back=False,
        message="",
    )

    again = pass_services.application_create(
        person=PersonData(
            first_name="anna", last_name="O’Neill", phone="0048 601 234 567", birth_year=born
        ),
        call_back=False,
        message="",
    )
    assert PassApplication.objects.count() == 1
    assert again == PassApplication.objects.get()  # the open one, answered as a new one


def test_the_database_keeps_one_open_application_per_name_key(programme):
    born = timezone.localdate().year - 70
    common = {"birth_year": born, "phone": "601234567", "consent_text_version": "x"}
    PassApplication.objects.create(
        first_name="Ewa", last_name="Nowak-Kowalska", consent_given_at=timezone.now(), **common
    )

    with pytest.raises(IntegrityError):
        PassApplication.objects.create(
            first_name="Ewa",
            last_name="Nowak – Kowalska",
            consent_given_at=timezone.now(),
            **common,
        )


def test_the_migration_fills_keys_fixes_phones_and_closes_duplicate_open_applications(programme):
    migration = importlib.import_module("initiatives.migrations.0007_name_key")
    from django.apps import apps

    born = timezone.localdate().year - 70
    first = PassApplication.objects.create(
        first_name="Anna",
        last_name="O'Neill",
        birth_year=born,
        phone="601234567",
        consent_text_version="x",
        consent_given_at=timezone.now(),
    )
    PassApplication.objects.filter(pk=first.pk).update(name_key="old 1", phone="+48 601 234 567")
    later = PassApplication.objects.create(
        first_name="Anna",
        last_name="O’Neill",
        birth_year=born,
        phone="601234567",
        consent_text_version="x",
        consent_given_at=timezone.now(),
        status=ApplicationStatus.REJECTED,
    )
    # As they could stand before the migration: both open, no key of the new kind yet.
    PassApplication.objects.filter(pk=later.pk).update(
        name_key="old 2", status=ApplicationStatus.NEW
    )

    migration.fill(apps, None)

    first.refresh_from_db()
    later.refresh_from_db()
    assert (first.name_key, first.phone, first.status) == ("anna o'neill", "601234567", "new")
    assert later.status == ApplicationStatus.REJECTED


# --- Self-help groups and volunteers ---------------------------------------------------------


def test_a_second_request_to_join_from_the_same_person_is_the_same_request(roles):
    from selfhelp import services as selfhelp_services
    from tests.factories import UserFactory
    from tests.selfhelp.conftest import make_group

    group = make_group(UserFactory(email="f@example.org"))
    data = {
        "first_name": "Anna-Maria",
        "phone": "601234567",
        "email": "",
        "contact_way": ContactWay.PHONE,
    }
    first = selfhelp_services.request_create(group=group, data=data)
    again = selfhelp_services.request_create(
        group=group, data={**data, "first_name": "anna – maria"}
    )

    assert again.pk == first.pk
    assert JoinRequest.objects.count() == 1


def test_a_second_volunteer_application_from_the_same_person_is_one_applicant(
    client, partner_a, organisation_a
):
    data = {
        "first_name": "Anna",
        "last_name": "O'Neill",
        "birth_year": "2000",
        "phone": "0048 601 234 567",
        "organisation": organisation_a.pk,
        "consent": "on",
    }
    client.post(reverse("volunteers:apply"), data)
    client.post(reverse("volunteers:apply"), {**data, "last_name": "O’Neill", "phone": "601234567"})

    assert Volunteer.objects.count() == 1
    assert Volunteer.objects.get().phone == "601234567"
