"""Finding a person's records across the portal (PRIVACY.md §3 "Search")."""

import datetime
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from calportal.privacy import search
from calportal.privacy.models import Consent, ConsentText
from initiatives.models import Participant, PassApplication, Registration
from initiatives.passes.models import PartnerVenue, Redemption, SeniorPass
from resources_map.models import ResidentReport
from selfhelp.models import ContactWay, Group, JoinRequest, Meeting, Member, Topic
from tests.factories import EventFactory, OrganisationFactory, UserFactory
from volunteers.models import Agreement, Certificate, ChildSafetyCheck, HoursEntry, Volunteer

EMAIL = "zofia.wierzbicka@example.org"
PHONE = "601234567"
OTHER_EMAIL = "jan.kowalski@example.org"
OTHER_PHONE = "602999888"
# What must never appear in the person's package: the other people's identities.
OTHERS = ["Kowalski", OTHER_EMAIL, OTHER_PHONE, "Krystyna", "krystyna@example.org", "Nowakowa"]


@dataclass
class World:
    person_keys: set = field(default_factory=set)
    other_keys: set = field(default_factory=set)
    events: list = field(default_factory=list)
    objects: dict = field(default_factory=dict)


def build_world(facilitator=None) -> World:
    """A person present in every app, with other people beside them in the same event, venue,
    organisation and group."""
    world = World()
    now = timezone.now().replace(microsecond=0)
    lead = OrganisationFactory(name="Towarzystwo „Nadzieja”")
    host = OrganisationFactory(name="Lokalne Centrum Wolontariatu")
    first = EventFactory(
        title="Majówka Seniorów",
        initiative__lead_organisation=lead,
        starts_at=datetime.datetime(2026, 5, 9, 12, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 5, 9, 15, tzinfo=datetime.UTC),
    )
    second = EventFactory(
        title="Akademia pełni życia",
        initiative__lead_organisation=lead,
        starts_at=datetime.datetime(2026, 10, 3, 9, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 10, 3, 11, tzinfo=datetime.UTC),
    )
    world.events = [first, second]

    person = Participant.objects.create(
        first_name="Zofia",
        last_name="Wierzbicka",
        email=EMAIL,
        phone=PHONE,
        birth_year=1948,
        gender="woman",
        district="Jeziorany",
        consent_text_version="2026-01",
        consent_given_at=now,
        consent_scope="registration",
    )
    other = Participant.objects.create(
        first_name="Jan",
        last_name="Kowalski",
        email=OTHER_EMAIL,
        phone=OTHER_PHONE,
        birth_year=1948,
        consent_text_version="2026-01",
        consent_given_at=now,
        consent_scope="registration",
    )
    text = ConsentText.objects.create(
        purpose="event_signup",
        version="2026-01",
        language="pl",
        text="Zgadzam się na przetwarzanie moich danych.",
    )
    registrations = []
    for event in (first, second):
        registrations.append(
            Registration.objects.create(
                event=event,
                participant=person,
                places=2,
                status="confirmed",
                source="phone",
                accessibility_needs="Wózek inwalidzki" if event is first else "",
                attendance="present",
                certificate_declared=True,
            )
        )
        Registration.objects.create(
            event=event,
            participant=other,
            places=1,
            status="confirmed",
            accessibility_needs="Pętla indukcyjna dla Kowalskiego",
        )
    Consent.objects.create(text=text, channel="phone", registration=registrations[0])

    venue = PartnerVenue.objects.create(
        organisation=OrganisationFactory(name="Kawiarnia Rynek", sector="business"),
        name="Kawiarnia Rynek",
        address="Rynek 1",
    )
    application = PassApplication.objects.create(
        first_name="Zofia",
        last_name="Wierzbicka",
        birth_year=1948,
        phone=PHONE,
        consent_text_version="2026-01",
        consent_given_at=now,
        status="issued",
    )
    own_pass = SeniorPass.objects.create(
        holder=person,
        number="SPS-2026-0001",
        issued_on=datetime.date(2026, 3, 1),
        valid_until=datetime.date(2027, 3, 1),
        application=application,
    )
    other_pass = SeniorPass.objects.create(
        holder=other,
        number="SPS-2026-0002",
        issued_on=datetime.date(2026, 3, 1),
        valid_until=datetime.date(2027, 3, 1),
    )
    for day in (4, 11):
        Redemption.objects.create(
            senior_pass=own_pass,
            venue=venue,
            redeemed_at=datetime.datetime(2026, 4, day, 10, tzinfo=datetime.UTC),
        )
    Redemption.objects.create(
        senior_pass=other_pass,
        venue=venue,
        redeemed_at=datetime.datetime(2026, 4, 5, 10, tzinfo=datetime.UTC),
    )

    volunteer = Volunteer.objects.create(
        organisation=host,
        first_name="Zofia",
        last_name="Wierzbicka",
        email=EMAIL.upper(),
        birth_year=1948,
        message="Chcę pomagać seniorom.",
        consent_given_at=now,
    )
    other_volunteer = Volunteer.objects.create(
        organisation=host,
        first_name="Jan",
        last_name="Kowalski",
        email=OTHER_EMAIL,
        birth_year=1948,
    )
    Agreement.objects.create(
        volunteer=volunteer,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        scope="Pomoc przy wydarzeniach",
        signed_on=datetime.date(2026, 1, 1),
    )
    ChildSafetyCheck.objects.create(
        volunteer=volunteer, checked_on=datetime.date(2026, 1, 5), checked_by="Anna Sprawdzająca"
    )
    for day, quarters in ((10, 8), (17, 12)):
        HoursEntry.objects.create(
            volunteer=volunteer,
            date=datetime.date(2026, 2, day),
            quarters=quarters,
            activity="Pomoc w kawiarence",
        )
    HoursEntry.objects.create(
        volunteer=other_volunteer,
        date=datetime.date(2026, 2, 10),
        quarters=4,
        activity="Dyżur Kowalskiego",
    )
    Certificate.objects.create(
        number="LCW/1/2026",
        year=2026,
        sequence=1,
        volunteer=volunteer,
        period_from=datetime.date(2026, 1, 1),
        period_to=datetime.date(2026, 6, 30),
        total_quarters=20,
    )

    facilitator = facilitator or UserFactory(
        email="prowadzaca@example.org", full_name="Teresa Wolska"
    )
    group = Group.objects.create(
        name="Grupa wsparcia w żałobie",
        slug="zaloba",
        topic=Topic.BEREAVEMENT,
        description="Spotkania.",
        who_for="Dla dorosłych.",
        facilitator=facilitator,
        place="Biblioteka",
        weekday=1,
        starts_at=datetime.time(17, 0),
    )
    join_request = JoinRequest.objects.create(
        group=group,
        first_name="Zofia",
        email=EMAIL,
        contact_way=ContactWay.EMAIL,
        message="Straciłam męża.",
        consent_given_at=now,
        status="joined",
        note="Prywatna notatka prowadzącej o Zofii",
    )
    member = Member.objects.create(
        group=group,
        first_name="Zofia",
        last_name="Wierzbicka",
        phone=PHONE,
        joined_on=datetime.date(2026, 2, 1),
        request=join_request,
    )
    other_member = Member.objects.create(
        group=group,
        first_name="Krystyna",
        last_name="Nowakowa",
        email="krystyna@example.org",
        joined_on=datetime.date(2026, 2, 1),
    )
    other_request = JoinRequest.objects.create(
        group=group,
        first_name="Krystyna",
        email="krystyna@example.org",
        contact_way=ContactWay.EMAIL,
        consent_given_at=now,
        note="Notatka o Krystynie",
    )
    meeting = Meeting.objects.create(
        group=group,
        starts_at=datetime.datetime(2026, 3, 3, 16, tzinfo=datetime.UTC),
        topic="Pierwsze spotkanie",
        held=True,
        notes="Notatka ze spotkania: Krystyna płakała.",
    )
    meeting.attendees.add(member, other_member)

    report = ResidentReport.objects.create(
        kind="need",
        description="Brak ławek przy przystanku.",
        name="Zofia Wierzbicka",
        email=EMAIL,
        consent_given_at=now,
    )
    other_report = ResidentReport.objects.create(
        kind="skill",
        description="Mogę uczyć obsługi telefonu.",
        name="Jan Kowalski",
        phone=OTHER_PHONE,
        consent_given_at=now,
    )

    world.person_keys = {
        f"initiatives.participant:{person.pk}",
        f"initiatives.passapplication:{application.pk}",
        f"volunteers.volunteer:{volunteer.pk}",
        f"selfhelp.joinrequest:{join_request.pk}",
        f"selfhelp.member:{member.pk}",
        f"resources_map.residentreport:{report.pk}",
    }
    world.other_keys = {
        f"initiatives.participant:{other.pk}",
        f"volunteers.volunteer:{other_volunteer.pk}",
        f"selfhelp.member:{other_member.pk}",
        f"selfhelp.joinrequest:{other_request.pk}",
        f"resources_map.residentreport:{other_report.pk}",
    }
    world.objects = {
        "person": person,
        "other": other,
        "group": group,
        "member": member,
        "join_request": join_request,
        "volunteer": volunteer,
        "pass": own_pass,
    }
    return world


def keys(matches) -> set:
    return {m.key for m in matches}


@pytest.mark.django_db
def test_search_by_email_finds_every_record_of_the_person_and_none_of_the_others():
    world = build_world()
    found = search.find(email="  Zofia.Wierzbicka@EXAMPLE.org ")
    assert keys(found) == world.person_keys - {
        f"initiatives.passapplication:{world.objects['pass'].application_id}",
        f"selfhelp.member:{world.objects['member'].pk}",
    }  # the application and the membership hold only the phone
    assert not keys(found) & world.other_keys
    assert all("email" in m.matched_by for m in found)


@pytest.mark.django_db
def test_search_by_phone_typed_any_way():
    world = build_world()
    found = search.find(phone="+48 601-234-567")
    assert keys(found) == {
        f"initiatives.participant:{world.objects['person'].pk}",
        f"initiatives.passapplication:{world.objects['pass'].application_id}",
        f"selfhelp.member:{world.objects['member'].pk}",
    }


@pytest.mark.django_db
def test_search_by_name_and_birth_year():
    world = build_world()
    found = search.find(first_name=" zofia", last_name="WIERZBICKA ", birth_year=1948)
    # The join request holds a first name only: found by its contact, never by name.
    assert keys(found) == world.person_keys - {
        f"selfhelp.joinrequest:{world.objects['join_request'].pk}"
    }
    # Another year of birth: only the rows that hold no year are left to staff to judge.
    other_year = search.find(first_name="Zofia", last_name="Wierzbicka", birth_year=1950)
    assert {m.model for m in other_year} == {"selfhelp.member", "resources_map.residentreport"}


@pytest.mark.django_db
def test_all_criteria_together_find_everything_once():
    world = build_world()
    found = search.find(
        email=EMAIL,
        phone="601 234 567",
        first_name="Zofia",
        last_name="Wierzbicka",
        birth_year=1948,
    )
    assert keys(found) == world.person_keys
    assert len(found) == len(world.person_keys)
    participant = next(m for m in found if m.model == "initiatives.participant")
    assert sorted(participant.matched_by) == ["email", "name", "phone"]
    assert participant.area_label
    assert "Wierzbicka" in participant.summary


@pytest.mark.django_db
def test_anonymised_and_erased_rows_are_never_found():
    world = build_world()
    Participant.objects.filter(pk=world.objects["person"].pk).update(anonymised_year=2026)
    Member.objects.filter(pk=world.objects["member"].pk).update(
        left_on=datetime.date(2026, 3, 1), erased_at=timezone.now()
    )
    found = keys(search.find(email=EMAIL, phone=PHONE, first_name="Zofia", last_name="Wierzbicka"))
    assert f"initiatives.participant:{world.objects['person'].pk}" not in found
    assert f"selfhelp.member:{world.objects['member'].pk}" not in found


@pytest.mark.django_db
def test_accounts_are_found_by_email_and_name():
    user = UserFactory(email="olga@example.org", full_name="Olga Ochrona")
    assert keys(search.find(email="OLGA@example.org")) == {f"accounts.user:{user.pk}"}
    assert keys(search.find(first_name="olga", last_name="ochrona")) == {f"accounts.user:{user.pk}"}


@pytest.mark.django_db
def test_nothing_given_finds_nothing_and_keys_are_checked():
    assert search.find() == []
    assert search.find(phone="not a phone") == []
    with pytest.raises(ValueError):
        search.parse_key("auth.group:1")
    assert (
        search.existing_keys(["initiatives.participant:999999", "nonsense", "accounts.user:x"])
        == []
    )
