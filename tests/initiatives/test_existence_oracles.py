"""No public form tells a stranger whether a person is known to us.

The social-welfare act forbids revealing who receives help: whoever types a resident's name and
contact details into a public form must get exactly the answer a new person gets. What the
known person needs goes only to the contact on file (or, without an e-mail, to the office)."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from calportal.accounts.roles import Role
from initiatives.models import Registration
from initiatives.passes import services as pass_services
from initiatives.passes.models import PassApplication, ProgrammeSettings
from initiatives.services import PersonData
from selfhelp.models import ContactWay, JoinRequest
from tests.factories import EventFactory, ParticipantFactory, UserFactory
from tests.initiatives.conftest import signup_data
from tests.selfhelp.conftest import make_group, make_request
from volunteers.models import Volunteer, VolunteerStatus

BORN = timezone.localdate().year - 70


def answer(client, url, data, capture):
    """What a stranger sees: status, where it leads, and the page it leads to (tokens and the
    varying names normalised away)."""
    with capture(execute=True):
        response = client.post(url, data)
    location = response.headers.get("Location", "")
    page = client.get(location).content.decode() if location else response.content.decode()
    page = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1", page)
    page = re.sub(r'nonce="[^"]+"', "", page)
    return response.status_code, location, page


def recipients() -> list[str]:
    return [address for message in mail.outbox for address in message.to]


# --- Senior pass application ------------------------------------------------------------------


def pass_form(first_name, last_name, **fields):
    return {
        "first_name": first_name,
        "last_name": last_name,
        "birth_year": str(BORN),
        "district": "Jeziorany",
        "phone": "601000111",
        "email": "",
        "message": "",
        "consent": "on",
        "hp_check": "",
        **fields,
    }


@pytest.fixture
def programme(db):
    return ProgrammeSettings.current()


def test_a_pass_applicant_already_waiting_gets_the_page_anyone_gets_and_an_email_on_file(
    client, programme, django_capture_on_commit_callbacks
):
    pass_services.application_create(
        person=PersonData(
            first_name="Halina",
            last_name="Żurawska",
            email="halina@example.org",
            phone="",
            birth_year=BORN,
        ),
        call_back=False,
        message="",
    )
    url = reverse("passes:apply")

    known = answer(client, url, pass_form("Halina", "Żurawska"), django_capture_on_commit_callbacks)
    new = answer(client, url, pass_form("Irena", "Nowa"), django_capture_on_commit_callbacks)

    assert known == new
    assert known[0] == 302
    assert PassApplication.objects.filter(last_name="Żurawska").count() == 1
    assert recipients() == ["halina@example.org"]
    assert "601000111" not in mail.outbox[0].body


def test_a_pass_applicant_on_file_with_only_a_phone_is_marked_for_a_call_back(
    client, programme, django_capture_on_commit_callbacks
):
    application = pass_services.application_create(
        person=PersonData(
            first_name="Halina", last_name="Żurawska", phone="602000222", birth_year=BORN
        ),
        call_back=False,
        message="",
    )

    answer(
        client,
        reverse("passes:apply"),
        pass_form("Halina", "Żurawska"),
        django_capture_on_commit_callbacks,
    )

    application.refresh_from_db()
    assert application.call_back
    assert mail.outbox == []


@pytest.mark.parametrize("holder_email", ["holder@example.org", ""])
def test_a_pass_holder_applying_again_gets_the_page_anyone_gets(
    client, staff, programme, settings, django_capture_on_commit_callbacks, holder_email
):
    person = PersonData(
        first_name="Halina",
        last_name="Żurawska",
        email=holder_email,
        phone="603000333",
        birth_year=BORN,
    )
    senior_pass = pass_services.pass_issue(person=person, issued_by=staff)
    url = reverse("passes:apply")

    known = answer(client, url, pass_form("Halina", "Żurawska"), django_capture_on_commit_callbacks)
    new = answer(client, url, pass_form("Irena", "Nowa"), django_capture_on_commit_callbacks)

    assert known == new
    assert not PassApplication.objects.filter(last_name="Żurawska").exists()
    if holder_email:
        assert recipients() == [holder_email]
        assert senior_pass.number in mail.outbox[0].body
    else:
        assert recipients() == [settings.CONTACT_EMAIL]
        assert "603000333" in mail.outbox[0].body


# --- Event signup -----------------------------------------------------------------------------


@pytest.fixture
def event(db):
    return EventFactory(title="Warsztaty ceramiczne", capacity=10)


def test_a_registered_person_signing_up_again_gets_the_page_anyone_gets_and_the_link_by_email(
    client, event, django_capture_on_commit_callbacks
):
    url = reverse("initiatives:event_public", args=[event.pk])
    answer(client, url, signup_data(), django_capture_on_commit_callbacks)
    mail.outbox.clear()

    known = answer(client, url, signup_data(), django_capture_on_commit_callbacks)
    new = answer(
        client,
        url,
        signup_data(first_name="Irena", last_name="Nowa", email="irena@example.org"),
        django_capture_on_commit_callbacks,
    )

    assert known == new
    assert known[0] == 302
    assert Registration.objects.count() == 2
    assert sorted(recipients()) == ["grazyna@example.org", "irena@example.org"]
    assert all("/registration/" in message.body for message in mail.outbox)


def test_a_registered_person_with_only_a_phone_is_the_office_s_to_call(
    client, event, settings, django_capture_on_commit_callbacks
):
    url = reverse("initiatives:event_public", args=[event.pk])
    phone_only = signup_data(email="", phone="604000444")
    answer(client, url, phone_only, django_capture_on_commit_callbacks)

    known = answer(client, url, phone_only, django_capture_on_commit_callbacks)
    new = answer(
        client,
        url,
        {**phone_only, "last_name": "Nowa", "phone": "605000555"},
        django_capture_on_commit_callbacks,
    )

    assert known == new
    assert recipients() == [settings.CONTACT_EMAIL]
    assert "604000444" in mail.outbox[0].body


def test_the_signup_page_shows_no_personal_link_even_to_a_new_person(
    client, event, django_capture_on_commit_callbacks
):
    ParticipantFactory(first_name="Grażyna", last_name="Żółkiewska", email="grazyna@example.org")

    _status, location, page = answer(
        client,
        reverse("initiatives:event_public", args=[event.pk]),
        signup_data(),
        django_capture_on_commit_callbacks,
    )

    assert location == reverse("initiatives:signup_received", args=[event.pk])
    assert "/registration/" not in page


# --- Self-help group ---------------------------------------------------------------------------


def join_form(first_name, phone, email=""):
    return {
        "first_name": first_name,
        "phone": phone,
        "email": email,
        "contact_way": ContactWay.PHONE,
        "contact_time": "",
        "message": "",
        "consent": "on",
        "hp_check": "",
    }


@pytest.mark.parametrize("email_on_file", ["ela@example.org", ""])
def test_someone_asking_to_join_again_gets_the_page_anyone_gets(
    client, roles, django_capture_on_commit_callbacks, email_on_file
):
    facilitator = UserFactory(email="prowadzaca@example.org", role=Role.GROUP_FACILITATOR)
    group = make_group(facilitator)
    existing = make_request(group, phone="602345678", email=email_on_file)
    url = reverse("selfhelp:group_public", args=[group.slug])

    known = answer(
        client, url, join_form("Elżbieta", "602345678"), django_capture_on_commit_callbacks
    )
    new = answer(client, url, join_form("Anna", "609876543"), django_capture_on_commit_callbacks)

    assert known == new
    assert JoinRequest.objects.filter(phone="602345678").count() == 1
    existing.refresh_from_db()
    if email_on_file:
        assert recipients() == [email_on_file]
        assert group.name not in mail.outbox[0].subject
        assert group.get_topic_display() not in mail.outbox[0].subject
    else:
        assert recipients() == []
        assert "please call" in existing.note or "prosimy o telefon" in existing.note


# --- Volunteer application ---------------------------------------------------------------------


def volunteer_form(organisation, first_name, last_name, phone, email=""):
    return {
        "first_name": first_name,
        "last_name": last_name,
        "birth_year": "1990",
        "phone": phone,
        "email": email,
        "organisation": organisation.pk,
        "consent": "on",
        "hp_check": "",
    }


@pytest.mark.parametrize("email_on_file", ["anna@example.org", ""])
@pytest.mark.parametrize("status", [VolunteerStatus.APPLICANT, VolunteerStatus.ACTIVE])
def test_a_volunteer_applying_again_gets_the_page_anyone_gets(
    client, partner_a, organisation_a, django_capture_on_commit_callbacks, email_on_file, status
):
    volunteer = Volunteer.objects.create(
        organisation=organisation_a,
        first_name="Anna",
        last_name="Wolna",
        phone="606000666",
        email=email_on_file,
        birth_year=1990,
        status=status,
    )
    url = reverse("volunteers:apply")

    known = answer(
        client,
        url,
        volunteer_form(organisation_a, "Anna", "Wolna", "606000666"),
        django_capture_on_commit_callbacks,
    )
    new = answer(
        client,
        url,
        volunteer_form(organisation_a, "Ewa", "Nowa", "607000777"),
        django_capture_on_commit_callbacks,
    )

    assert known == new
    assert Volunteer.objects.filter(last_name="Wolna").count() == 1
    volunteer.refresh_from_db()
    if email_on_file:
        assert recipients() == [email_on_file]
        assert organisation_a.name in mail.outbox[0].body
    else:
        assert recipients() == []
        assert volunteer.notes


# --- Map report --------------------------------------------------------------------------------


def test_a_map_report_answers_the_same_whoever_sends_it(
    client, db, django_capture_on_commit_callbacks
):
    url = reverse("resources_map:report")
    data = {
        "kind": "need",
        "description": "Brak podjazdu do przychodni.",
        "place": "",
        "name": "Grażyna Żółkiewska",
        "email": "grazyna@example.org",
        "phone": "",
        "consent": "on",
        "hp_check": "",
    }

    first = answer(client, url, data, django_capture_on_commit_callbacks)
    again = answer(client, url, data, django_capture_on_commit_callbacks)

    assert first == again
    assert first[0] == 302


# --- What reaches the address a stranger types -------------------------------------------------


def test_a_stranger_typing_a_residents_phone_and_their_own_address_learns_nothing_by_mail(
    client, event, django_capture_on_commit_callbacks
):
    """Whoever types a known resident's name and phone with their own e-mail address gets the
    same message as for a phone nobody knows: their own new registration's confirmation."""
    ParticipantFactory(first_name="Grażyna", last_name="Żółkiewska", email="", phone="601234567")
    url = reverse("initiatives:event_public", args=[event.pk])

    answer(
        client,
        url,
        signup_data(email="stranger@example.org", phone="601 234 567"),
        django_capture_on_commit_callbacks,
    )
    known = [(message.to, message.subject) for message in mail.outbox]
    mail.outbox.clear()
    answer(
        client,
        url,
        signup_data(first_name="Teresa", email="other@example.org", phone="609 876 543"),
        django_capture_on_commit_callbacks,
    )
    unknown = [(message.to, message.subject) for message in mail.outbox]

    assert known == [(["stranger@example.org"], unknown[0][1])]
    assert unknown == [(["other@example.org"], known[0][1])]


def test_a_stranger_typing_a_requesters_phone_and_their_own_address_learns_nothing_by_mail(
    client, roles, django_capture_on_commit_callbacks
):
    facilitator = UserFactory(email="prowadzaca@example.org", role=Role.GROUP_FACILITATOR)
    group = make_group(facilitator)
    make_request(group, "Elżbieta", phone="602345678", email="")
    url = reverse("selfhelp:group_public", args=[group.slug])

    answer(
        client,
        url,
        join_form("Elżbieta", "602345678", email="stranger@example.org"),
        django_capture_on_commit_callbacks,
    )
    known = [(message.to, message.subject) for message in mail.outbox]
    mail.outbox.clear()
    answer(
        client,
        url,
        join_form("Anna", "609876543", email="other@example.org"),
        django_capture_on_commit_callbacks,
    )
    unknown = [(message.to, message.subject) for message in mail.outbox]

    assert known == [(["stranger@example.org"], unknown[0][1])]
    assert unknown == [(["other@example.org"], known[0][1])]
