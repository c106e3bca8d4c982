"""Consent versions (PRIVACY.md §5): the registry's first texts and the migrated consents,
recording a consent on every form, the separate health-data consent, new versions and
withdrawal."""

import datetime
import importlib

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from calportal.privacy import consent
from calportal.privacy.models import Consent, ConsentText, ErasureRecord
from initiatives.links import registration_path
from initiatives.models import Participant, Registration, RegistrationStatus
from tests.factories import EventFactory, ParticipantFactory
from tests.initiatives.conftest import signup_data

MIGRATION = importlib.import_module("calportal.privacy.migrations.0003_consent_texts")
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(db):
    return EventFactory(
        title="Warsztaty ceramiczne", capacity=3, starts_at=NOW + datetime.timedelta(days=7)
    )


def signup(client, event, **overrides):
    return client.post(
        reverse("initiatives:event_public", args=[event.pk]), signup_data(**overrides)
    )


def legacy_records(staff) -> dict:
    """Records as the portal held them before the registry: consent strings, no Consent."""
    from calportal.accounts.roles import Role
    from initiatives.models import PassApplication
    from resources_map.models import ResidentReport
    from selfhelp.models import JoinRequest
    from tests.factories import OrganisationFactory, UserFactory
    from tests.selfhelp.conftest import make_group
    from volunteers.models import Volunteer

    event = EventFactory()
    online_person, phone_person = ParticipantFactory(), ParticipantFactory()
    common = {
        "event": event,
        "status": "confirmed",
        "consent_text_version": "2026-11",
        "consent_given_at": NOW,
    }
    records = {
        "online_person": online_person,
        "phone_person": phone_person,
        "online_registration": Registration.objects.create(participant=online_person, **common),
        "phone_registration": Registration.objects.create(
            participant=phone_person, source="phone", created_by=staff, **common
        ),
        "application": PassApplication.objects.create(
            first_name="Halina",
            last_name="Żurawska",
            birth_year=1950,
            phone="601200300",
            consent_text_version="2026-11-sps",
            consent_given_at=NOW,
        ),
        "volunteer": Volunteer.objects.create(
            organisation=OrganisationFactory(),
            first_name="Ewa",
            last_name="Nowa",
            birth_year=2000,
            phone="601234567",
            consent_given_at=NOW,
        ),
        "join_request": JoinRequest.objects.create(
            group=make_group(UserFactory(email="f@example.org", role=Role.GROUP_FACILITATOR)),
            first_name="Ela",
            phone="602345678",
            contact_way="phone",
            consent_given_at=NOW,
            language="en",
        ),
        "report": ResidentReport.objects.create(
            kind="need",
            description="Ławki",
            name="Zofia",
            phone="600100200",
            consent_given_at=NOW,
        ),
    }
    Consent.objects.all().delete()
    return records


def send_other_forms(client, organisation) -> None:
    """The pass application, the volunteer application, a self-help request, a map report."""
    from calportal.accounts.roles import Role
    from initiatives.passes.models import ProgrammeSettings
    from tests.factories import UserFactory
    from tests.selfhelp.conftest import join_data, make_group

    ProgrammeSettings.current()
    forms = [
        (
            reverse("passes:apply"),
            {
                "first_name": "Halina",
                "last_name": "Żurawska",
                "birth_year": "1950",
                "phone": "601 200 300",
                "consent": "on",
                "hp_check": "",
            },
        ),
        (
            reverse("volunteers:apply"),
            {
                "first_name": "Ewa",
                "last_name": "Nowa",
                "birth_year": "2000",
                "phone": "601 234 567",
                "organisation": organisation.pk,
                "availability": ["mon_pm"],
                "consent": "on",
            },
        ),
        (
            reverse("resources_map:report"),
            {
                "kind": "room",
                "description": "Sala w remizie.",
                "name": "Jan",
                "email": "jan@example.org",
                "consent": "on",
            },
        ),
    ]
    group = make_group(UserFactory(email="f@example.org", role=Role.GROUP_FACILITATOR))
    forms.append((reverse("selfhelp:group_public", args=[group.slug]), join_data()))
    for url, data in forms:
        response = client.post(url, data)
        assert response.status_code == 302, (
            url,
            response.context and response.context["form"].errors,
        )


def applied_volunteer(organisation):
    from volunteers.services import volunteer_apply

    return volunteer_apply(
        data={
            "organisation": organisation,
            "first_name": "Ewa",
            "last_name": "Nowa",
            "birth_year": 2000,
            "phone": "601234567",
        }
    )


# -- the registry's first entries and the migrated consents --------------------------------


def test_the_migration_puts_every_purpose_in_polish_and_english_with_the_old_version_strings():
    texts = {(t.purpose, t.language): t for t in ConsentText.objects.all()}

    for purpose in (
        "event_signup",
        "disability",
        "senior_pass",
        "volunteer",
        "selfhelp",
        "map_report",
    ):
        assert {(purpose, "pl"), (purpose, "en")} <= texts.keys()
    assert texts["event_signup", "pl"].version == "2026-11"
    assert texts["senior_pass", "en"].version == "2026-11-sps"
    assert "Ośrodek Pomocy Społecznej w Śremie" in texts["event_signup", "pl"].text
    assert "Article 9(2)(a)" in texts["disability", "en"].text
    assert "art. 9 ust. 2 lit. a" in texts["disability", "pl"].text


def test_the_migration_gives_every_record_with_a_consent_its_consent_row(staff):
    records = legacy_records(staff)

    created = MIGRATION.create_consents(apps)

    assert created == 8
    online = Consent.objects.get(registration=records["online_registration"])
    assert (online.channel, online.taken_by, online.text.version) == ("online", None, "2026-11")
    assert online.given_at == records["online_registration"].consent_given_at
    by_phone = Consent.objects.get(registration=records["phone_registration"])
    assert (by_phone.channel, by_phone.taken_by) == ("phone", staff)
    # The person's consent follows their first registration (taken by phone here).
    assert Consent.objects.get(participant=records["phone_person"]).channel == "phone"
    assert (
        Consent.objects.get(pass_application=records["application"]).text.purpose == "senior_pass"
    )
    assert Consent.objects.get(volunteer=records["volunteer"]).text.purpose == "volunteer"
    assert Consent.objects.get(join_request=records["join_request"]).text.language == "en"
    assert Consent.objects.get(resident_report=records["report"]).text.purpose == "map_report"
    # Run again: nothing twice.
    assert MIGRATION.create_consents(apps) == 0


# -- recording --------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_public_signup_records_the_consent_to_the_text_in_force_online(client, event):
    response = signup(client, event)

    assert response.status_code == 302
    registration = Registration.objects.get()
    given = Consent.objects.get(registration=registration)
    assert given.text == consent.current_text("event_signup", "pl")
    assert (given.channel, given.taken_by, given.given_at) == ("online", None, NOW)
    assert registration.consent_text_version == given.text.version
    # The person's first consent too; no health-data consent was asked for.
    assert Consent.objects.filter(participant=registration.participant).count() == 1
    assert not Consent.objects.filter(text__purpose="disability").exists()


@time_machine.travel(NOW, tick=False)
def test_an_english_signup_records_the_english_text(client, event):
    client.post(
        reverse("initiatives:event_public", args=[event.pk]).replace("/", "/en/", 1), signup_data()
    )

    assert Consent.objects.get(registration__isnull=False).text.language == "en"


@time_machine.travel(NOW, tick=False)
def test_health_data_without_its_own_consent_is_not_kept_and_the_person_is_told(client, event):
    response = client.post(
        "/en" + reverse("initiatives:event_public", args=[event.pk]),
        signup_data(accessibility_needs="Wózek"),
        follow=True,
    )

    registration = Registration.objects.get()  # the signup itself goes through
    assert registration.accessibility_needs == ""
    assert not Consent.objects.filter(text__purpose="disability").exists()
    assert "We did not keep what you wrote about your needs" in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_where_a_certificate_is_required_the_health_consent_is_too(client, event):
    event.initiative.disability_certificate_required = True
    event.initiative.save()

    refused = client.post(
        "/en" + reverse("initiatives:event_public", args=[event.pk]),
        signup_data(disability_certificate="on"),
    )
    assert refused.status_code == 200
    assert "we need this separate consent" in refused.content.decode()
    assert not Registration.objects.exists()

    signup(client, event, disability_certificate="on", health_consent="on")
    registration = Registration.objects.get()
    assert registration.certificate_declared
    assert Consent.objects.filter(registration=registration, text__purpose="disability").exists()


def test_the_service_refuses_health_data_without_its_consent(event):
    from initiatives import services

    with pytest.raises(services.RegistrationError):
        services.registration_create(
            event_id=event.pk,
            person=services.PersonData(first_name="A", last_name="B", email="a@example.org"),
            accessibility_needs="Wózek",
            health_consent=False,
        )
    assert not Registration.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_health_data_with_its_own_consent_is_kept_with_a_second_consent(client, event):
    signup(client, event, accessibility_needs="Wózek", health_consent="on")

    registration = Registration.objects.get()
    assert registration.accessibility_needs == "Wózek"
    purposes = sorted(
        Consent.objects.filter(registration=registration).values_list("text__purpose", flat=True)
    )
    assert purposes == ["disability", "event_signup"]


@time_machine.travel(NOW, tick=False)
def test_staff_registering_by_phone_record_the_channel_and_themselves(login, staff, event):
    data = {
        "first_name": "Jan",
        "last_name": "Telefoniczny",
        "phone": "601234567",
        "email": "",
        "gender": "not_given",
        "companions": "0",
        "source": "phone",
        "accessibility_needs": "",
    }
    page = reverse("initiatives:registration_add", args=[event.pk])
    client = login(staff)

    refused = client.post("/en" + page, data)
    assert refused.status_code == 200
    assert "Read the consent clause to the person" in refused.content.decode()
    assert not Registration.objects.exists()

    client.post(page, {**data, "consent": "on"})
    given = Consent.objects.get(registration__isnull=False)
    assert (given.channel, given.taken_by) == ("phone", staff)
    assert given.text.purpose == "event_signup"


@time_machine.travel(NOW, tick=False)
def test_staff_record_needs_only_after_reading_the_health_clause(login, staff, event):
    data = {
        "first_name": "Jan",
        "last_name": "Telefoniczny",
        "phone": "601234567",
        "email": "",
        "gender": "not_given",
        "companions": "0",
        "source": "on_site",
        "accessibility_needs": "Pętla indukcyjna",
        "consent": "on",
    }
    page = reverse("initiatives:registration_add", args=[event.pk])
    client = login(staff)

    assert client.post(page, data).status_code == 200
    assert not Registration.objects.exists()

    client.post(page, {**data, "health_consent": "on"})
    health = Consent.objects.get(text__purpose="disability")
    assert (health.channel, health.taken_by) == ("on_site", staff)


def test_the_other_public_forms_record_their_consent(client, organisation_a, partner_a):
    send_other_forms(client, organisation_a)

    purposes = set(Consent.objects.values_list("text__purpose", flat=True))
    assert purposes == {"senior_pass", "volunteer", "selfhelp", "map_report"}
    assert set(Consent.objects.values_list("channel", flat=True)) == {"online"}


# -- versions -----------------------------------------------------------------------------


def test_a_new_version_closes_the_old_one_and_new_signups_use_it(client, data_officer):
    old = consent.current_text("event_signup", "pl")
    # A day into the version in force (the registry's latest began when it was migrated).
    now = max(NOW, old.valid_from + datetime.timedelta(days=1))
    with time_machine.travel(now, tick=False):
        new = consent.text_new_version(
            purpose="event_signup",
            language="pl",
            version="2027-01",
            text=old.text + "\n\nNowe zdanie.",
            material_change=False,
            user=data_officer,
        )
    old.refresh_from_db()
    assert old.valid_to == now == new.valid_from

    event = EventFactory(capacity=3, starts_at=now + datetime.timedelta(days=7))
    with time_machine.travel(now + datetime.timedelta(hours=1), tick=False):
        signup(client, event)

    registration = Registration.objects.get()
    assert Consent.objects.get(registration=registration).text == new
    assert registration.consent_text_version == "2027-01"
    # What was given before stays with the old text.
    assert consent.current_text("event_signup", "pl", at=now - datetime.timedelta(days=1)) == old


def test_a_text_is_never_edited_in_place():
    text = consent.current_text("volunteer", "pl")
    text.text = "Inny tekst"

    with pytest.raises(ValidationError):
        text.save()
    text.refresh_from_db()
    text.valid_to = timezone.now()
    text.save()  # closing it is allowed


def test_a_new_version_needs_a_new_name_and_a_changed_text(data_officer):
    old = consent.current_text("volunteer", "en")
    with pytest.raises(consent.ConsentError):
        consent.text_new_version(
            purpose="volunteer",
            language="en",
            version=old.version,
            text="x",
            material_change=False,
            user=data_officer,
        )
    with pytest.raises(consent.ConsentError):
        consent.text_new_version(
            purpose="volunteer",
            language="en",
            version="2027-01",
            text=old.text,
            material_change=False,
            user=data_officer,
        )


def test_a_material_change_asks_a_volunteer_to_consent_again(organisation_a, data_officer):
    volunteer = applied_volunteer(organisation_a)
    assert consent.reconsent_needed(volunteer) is None
    old = consent.current_text("volunteer", "pl")
    new = consent.text_new_version(
        purpose="volunteer",
        language="pl",
        version="2027-01",
        text=old.text + " Nowy cel.",
        material_change=True,
        user=data_officer,
    )

    assert consent.reconsent_needed(volunteer) == new
    consent.record(volunteer, "volunteer", channel="phone", taken_by=data_officer)
    assert consent.reconsent_needed(volunteer) is None


# -- withdrawal ---------------------------------------------------------------------------


def test_withdrawal_from_the_personal_link_cancels_and_erases(client, event):
    with time_machine.travel(NOW, tick=False):
        signup(client, event)
    registration = Registration.objects.get()
    path = registration_path(registration)
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert "Withdraw my consent" in client.get("/en" + path).content.decode()

    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        unconfirmed = client.post(reverse("privacy:consent_withdraw_personal", args=[token]))
        assert unconfirmed["Location"].endswith(path)  # back to the page: the box confirms it
        assert not Consent.objects.filter(withdrawn_at__isnull=False).exists()
        response = client.post(
            reverse("privacy:consent_withdraw_personal", args=[token]), {"confirm": "1"}
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:consent_withdrawn")
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    event.refresh_from_db()
    assert event.places_taken == 0
    assert not Participant.objects.filter(email="grazyna@example.org").exists()
    assert ErasureRecord.objects.get().reason == consent.withdrawal_reason()


def test_the_personal_withdrawal_is_post_only_and_needs_a_valid_link(client, event):
    assert client.get(reverse("privacy:consent_withdraw_personal", args=["x"])).status_code == 405
    assert client.post(reverse("privacy:consent_withdraw_personal", args=["x"])).status_code == 404


def test_withdrawal_is_recorded_on_consents_that_must_be_kept(event):
    """A person whose sign-up must be kept (an EU-funded project's participant, art. 17(3)(b)):
    the withdrawal stays on record with the kept registration."""
    from calportal.projects.models import Project

    project = Project.objects.create(
        name="Aktywni razem (EFS+)",
        funder="WUP w Poznaniu",
        agreement_number="FEWP.06.01-IZ.00-0001/25",
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2027, 12, 31),
        retention_end=datetime.date(2033, 12, 31),
    )
    project.initiatives.add(event.initiative)
    participant = ParticipantFactory()
    registration = Registration.objects.create(
        event=event,
        participant=participant,
        status=RegistrationStatus.CONFIRMED,
        consent_given_at=timezone.now(),
    )
    given = consent.record(registration, "event_signup", channel="online")

    consent.withdraw(given, channel="phone", user=None)

    given.refresh_from_db()
    assert given.withdrawn_at is not None
    assert given.withdrawal_channel == "phone"


def test_withdrawing_the_health_consent_deletes_only_the_health_data(client, event):
    """Art. 9(2)(a) consent is separate: withdrawing it deletes the accessibility needs, and
    the person, the sign-up and a senior pass stay (review finding: it erased the person)."""
    with time_machine.travel(NOW, tick=False):
        signup(client, event, accessibility_needs="Wózek, potrzebny podjazd", health_consent="on")
    registration = Registration.objects.get()
    assert registration.accessibility_needs
    health = Consent.objects.get(text__purpose="disability")

    result = consent.withdraw(health, channel="phone", user=None)

    assert result is None
    registration.refresh_from_db()
    assert registration.accessibility_needs == ""
    assert registration.had_accessibility_needs
    assert registration.status == RegistrationStatus.CONFIRMED
    assert Participant.objects.filter(pk=registration.participant_id).exists()
    event_consent = Consent.objects.get(registration=registration, text__purpose="event_signup")
    assert event_consent.withdrawn_at is None
    assert not ErasureRecord.objects.exists()


def test_a_pass_holder_withdrawing_event_consent_keeps_the_pass(client, event):
    """The pass has its own purpose and consent: the sign-ups are cancelled, the pass stays
    active and the erasure waits in the register of requests for the office."""
    from calportal.privacy.models import SubjectRequest
    from initiatives.passes.models import PassStatus, SeniorPass

    with time_machine.travel(NOW, tick=False):
        signup(client, event)
    registration = Registration.objects.get()
    senior_pass = SeniorPass.objects.create(
        holder=registration.participant,
        number="SPS-2026-0999",
        valid_until=datetime.date(2027, 11, 30),
        status=PassStatus.ACTIVE,
    )
    given = Consent.objects.get(registration=registration)

    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        result = consent.withdraw(given, channel="online", user=None)

    assert isinstance(result, SubjectRequest)
    assert result.matches == [
        {"model": "initiatives.participant", "pk": registration.participant_id}
    ]
    senior_pass.refresh_from_db()
    assert senior_pass.status == PassStatus.ACTIVE
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
