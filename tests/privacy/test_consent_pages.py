"""The consent registry's pages (PRIVACY.md §5): who may read and publish, the public page of
the text in force, the clauses naming the DPO, and staff taking a withdrawal on the phone."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from calportal.privacy import consent
from calportal.privacy.models import Consent, ConsentText, ErasureRecord
from initiatives.models import Registration, RegistrationStatus
from tests.factories import EventFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)
LIST = reverse("privacy:consent_list")
CREATE = reverse("privacy:consent_create")


def detail_url():
    return reverse("privacy:consent_detail", args=[consent.current_text("event_signup", "pl").pk])


@pytest.mark.parametrize("who", ["data_officer", "dpo"])
def test_the_dpo_and_the_data_officer_read_the_registry(request, login, who):
    client = login(request.getfixturevalue(who))

    listing = client.get("/en" + LIST)
    detail = client.get(detail_url())

    assert listing.status_code == detail.status_code == 200
    body = listing.content.decode()
    assert "Signing up for events" in body and "In force" in body
    assert ("New version" in body) is (who == "data_officer")
    assert "Ośrodek Pomocy Społecznej w Śremie" in detail.content.decode()


@pytest.mark.parametrize("who", ["staff", "partner_a", "team_member"])
def test_others_may_not_see_the_registry(request, login, who):
    client = login(request.getfixturevalue(who))

    assert client.get(LIST).status_code == 403
    assert client.get(detail_url()).status_code == 403
    assert client.get(CREATE).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(login):
    client = login(None)

    for url in (LIST, detail_url(), CREATE):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_unknown_ids_and_odd_query_strings(login, data_officer):
    client = login(data_officer)

    assert client.get(reverse("privacy:consent_detail", args=[999999])).status_code == 404
    assert client.get(CREATE + "?purpose=nope&language=<b>").status_code == 200
    assert client.get(CREATE + "?purpose=volunteer&language=xx").status_code == 200


def test_the_dpo_cannot_publish_a_version(login, dpo):
    client = login(dpo)

    response = client.post(
        CREATE, {"purpose": "volunteer", "language": "pl", "version": "2027-01", "text": "x"}
    )

    assert response.status_code == 403
    assert not ConsentText.objects.filter(version="2027-01").exists()


def test_a_new_version_starts_as_a_copy_of_the_text_in_force(login, data_officer):
    client = login(data_officer)
    current = consent.current_text("map_report", "en")

    form = client.get(CREATE + "?purpose=map_report&language=en").context["form"]
    assert form.initial["text"] == current.text

    with time_machine.travel(NOW, tick=False):
        response = client.post(
            CREATE,
            {
                "purpose": "map_report",
                "language": "en",
                "version": "2027-01",
                "text": current.text + " We also tell you when it is done.",
                "material_change": "",
            },
        )

    new = ConsentText.objects.get(purpose="map_report", language="en", version="2027-01")
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:consent_detail", args=[new.pk])
    current.refresh_from_db()
    assert current.valid_to == NOW
    assert new.created_by == data_officer


def test_a_repeated_version_name_is_refused_nothing_saved(login, data_officer):
    client = login(data_officer)
    before = ConsentText.objects.count()

    response = client.post(
        "/en" + CREATE,
        {"purpose": "volunteer", "language": "pl", "version": "2026-11", "text": "Nowy"},
    )

    assert response.status_code == 200
    assert "This version already exists" in response.content.decode()
    assert ConsentText.objects.count() == before


def test_the_registry_is_read_in_a_constant_number_of_queries(
    login, data_officer, django_assert_max_num_queries
):
    client = login(data_officer)
    with django_assert_max_num_queries(12):
        client.get(LIST)
    for n in range(5):
        old = consent.current_text("selfhelp", "pl")
        consent.text_new_version(
            purpose="selfhelp",
            language="pl",
            version=f"2027-0{n}",
            text=old.text + f" {n}",
            material_change=False,
            user=data_officer,
        )
        consent.record(ParticipantFactory(), "event_signup", channel="online")
    with django_assert_max_num_queries(12):
        response = client.get("/en" + LIST)
    assert response.content.decode().count("Earlier version") >= 5


# -- the public page and the clauses ------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("", "Wyrażam zgodę na przetwarzanie moich danych osobowych w celu zapisania"),
        ("/en", "I agree to the processing of my data to sign me up for this event"),
    ],
)
def test_anyone_reads_the_text_in_force_in_their_language(client, prefix, expected):
    response = client.get(prefix + reverse("privacy:consent_public", args=["event_signup"]))

    assert response.status_code == 200
    body = response.content.decode()
    assert expected in body
    assert settings.DPO_EMAIL in body


def test_an_unknown_purpose_is_not_found(client):
    assert client.get(reverse("privacy:consent_public", args=["nope"])).status_code == 404


def test_the_privacy_notice_names_the_dpo_and_links_every_consent_text(client):
    body = client.get(reverse("privacy")).content.decode()

    assert settings.DPO_EMAIL in body
    for purpose in (
        "event_signup",
        "disability",
        "senior_pass",
        "volunteer",
        "selfhelp",
        "map_report",
    ):
        assert reverse("privacy:consent_public", args=[purpose]) in body


def test_every_public_form_shows_the_registry_text_names_the_dpo_and_links_it(
    client, organisation_a, partner_a
):
    from calportal.accounts.roles import Role
    from initiatives.passes.models import ProgrammeSettings
    from tests.factories import UserFactory
    from tests.selfhelp.conftest import make_group

    ProgrammeSettings.current()
    group = make_group(UserFactory(email="f@example.org", role=Role.GROUP_FACILITATOR))
    pages = {
        reverse("initiatives:event_public", args=[EventFactory().pk]): "event_signup",
        reverse("passes:apply"): "senior_pass",
        reverse("volunteers:apply"): "volunteer",
        reverse("resources_map:report"): "map_report",
        reverse("selfhelp:group_public", args=[group.slug]): "selfhelp",
    }
    for url, purpose in pages.items():
        body = client.get("/en" + url).content.decode()
        assert settings.DPO_EMAIL in body, url
        assert reverse("privacy:consent_public", args=[purpose]) in body, url
        first_line = consent.current_text(purpose, "en").text.split("\n")[0]
        assert first_line[:60] in body.replace("&#x27;", "'"), url


def test_the_signup_shows_the_health_clause_next_to_the_needs(client):
    body = client.get(
        reverse("initiatives:event_public", args=[EventFactory().pk])
    ).content.decode()

    assert reverse("privacy:consent_public", args=["disability"]) in body
    assert 'name="health_consent"' in body


# -- staff take a withdrawal on the phone -------------------------------------------------


def _registered_person():
    event = EventFactory(starts_at=NOW + datetime.timedelta(days=7))
    person = ParticipantFactory()
    registration = Registration.objects.create(
        event=event, participant=person, status="confirmed", consent_given_at=NOW
    )
    event.places_taken = 1
    event.save()
    consent.record(registration, "event_signup", channel="online", at=NOW)
    consent.record(person, "event_signup", channel="online", at=NOW)
    return person, registration


def test_staff_without_the_data_requests_role_record_a_withdrawal_but_do_not_erase(login, staff):
    """Review finding: plain OPS staff erased people with no preview. Now the withdrawal is
    recorded, the future sign-ups cancelled, and the erasure waits in the register."""
    from calportal.privacy.models import SubjectRequest

    with time_machine.travel(NOW, tick=False):
        person, registration = _registered_person()
    client = login(staff)
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        response = client.post(
            reverse("privacy:consent_withdraw", args=["participant", person.pk]),
            {"channel": "phone"},
        )

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert not ErasureRecord.objects.exists()
    person.refresh_from_db()  # still there
    request = SubjectRequest.objects.get()
    assert (request.kind, request.created_by) == ("erasure", staff)
    assert request.matches == [{"model": "initiatives.participant", "pk": person.pk}]


def test_data_officer_takes_a_withdrawal_by_phone_and_the_person_is_erased(login, data_officer):
    with time_machine.travel(NOW, tick=False):
        person, registration = _registered_person()
    staff = data_officer
    client = login(staff)
    page = reverse("privacy:consent_subject", args=["participant", person.pk])

    assert client.get(page).status_code == 200
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        response = client.post(
            reverse("privacy:consent_withdraw", args=["participant", person.pk]),
            {"channel": "phone"},
        )

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    record = ErasureRecord.objects.get()
    assert (record.performed_by, record.reason) == (staff, consent.withdrawal_reason())


@pytest.mark.parametrize("who", ["dpo", "partner_a", "team_member"])
def test_others_cannot_take_a_withdrawal(request, login, who):
    person, registration = _registered_person()
    client = login(request.getfixturevalue(who))

    response = client.post(
        reverse("privacy:consent_withdraw", args=["participant", person.pk]), {"channel": "phone"}
    )

    assert response.status_code == 403
    assert not Consent.objects.filter(withdrawn_at__isnull=False).exists()


def test_the_staff_pages_refuse_anonymous_unknown_and_get(login, staff):
    person, _registration = _registered_person()
    anonymous = login(None)
    page = reverse("privacy:consent_subject", args=["participant", person.pk])
    assert "/login/" in anonymous.get(page)["Location"]

    client = login(staff)
    assert (
        client.get(reverse("privacy:consent_subject", args=["participant", 999999])).status_code
        == 404
    )
    assert (
        client.get(reverse("privacy:consent_subject", args=["nobody", person.pk])).status_code
        == 404
    )
    withdraw = reverse("privacy:consent_withdraw", args=["participant", person.pk])
    assert client.get(withdraw).status_code == 405


def test_a_volunteers_page_asks_for_a_new_consent_after_a_material_change(
    login, partner_a, organisation_a, data_officer
):
    from volunteers.services import volunteer_apply

    volunteer = volunteer_apply(
        data={
            "organisation": organisation_a,
            "first_name": "Ewa",
            "last_name": "Nowa",
            "birth_year": 2000,
            "phone": "601234567",
        }
    )
    old = consent.current_text("volunteer", "pl")
    consent.text_new_version(
        purpose="volunteer",
        language="pl",
        version="2027-01",
        text=old.text + " Nowy cel.",
        material_change=True,
        user=data_officer,
    )
    client = login(partner_a)
    page = reverse("privacy:consent_subject", args=["volunteer", volunteer.pk])

    assert "2027-01" in client.get(page).content.decode()
    client.post(
        reverse("privacy:consent_renew", args=["volunteer", volunteer.pk]),
        {"channel": "phone", "read": "on"},
    )
    renewed = Consent.objects.filter(volunteer=volunteer).order_by("-given_at", "-pk").first()
    assert (renewed.text.version, renewed.channel, renewed.taken_by) == (
        "2027-01",
        "phone",
        partner_a,
    )
    assert consent.reconsent_needed(volunteer) is None
