"""Anonymisation (PRIVACY.md §2): identity and free text gone, the age band right at the event
date, one row per person and year that nothing links to the other years, the year row reused by
a later batch, passes split by year, volunteers the same way, and the small-cell check."""

import datetime

import pytest
import time_machine

from calportal.privacy import anonymise
from calportal.privacy.models import Consent, ConsentText
from calportal.reports.periods import WARSAW
from initiatives.models import Event, Participant, Registration
from initiatives.passes.models import (
    PartnerVenue,
    PassApplication,
    PassStatus,
    PassStatusChange,
    Redemption,
    SeniorPass,
)
from resources_map.models import Area
from tests.factories import EventFactory, InitiativeFactory, OrganisationFactory, UserFactory
from volunteers.models import (
    Agreement,
    Assignment,
    Certificate,
    ChildSafetyCheck,
    HoursEntry,
    Opportunity,
    Shift,
    Volunteer,
)

D = datetime.date
NOW = datetime.datetime(2027, 7, 1, 10, 0, tzinfo=WARSAW)


def at(year, month, day, hour=17, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=WARSAW)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def area(db):
    return Area.objects.create(name="Osiedle Jeziorany", kind="district")


@pytest.fixture
def person(area):
    return Participant.objects.create(
        first_name="Zofia",
        last_name="Źrebięcka",
        email="zofia@example.org",
        phone="600100200",
        birth_year=1966,  # 59 in 2025, 60 in 2026
        gender="woman",
        area=area,
        district="Jeziorany, ul. Słoneczna",
        consent_text_version="2024-01",
        consent_scope="registration",
        consent_given_at=at(2024, 1, 1),
    )


def _register(person, start, **fields):
    event = EventFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=2))
    registration = Registration.objects.create(
        event=event,
        participant=person,
        status=fields.pop("status", "confirmed"),
        attendance=fields.pop("attendance", "present"),
        consent_text_version="2024-01",
        consent_given_at=start - datetime.timedelta(days=2),
        **fields,
    )
    Registration.objects.filter(pk=registration.pk).update(
        created_at=datetime.datetime(start.year, start.month, 14, 13, 45, tzinfo=WARSAW)
    )
    return registration


def _consent(**subject):
    text, _ = ConsentText.objects.get_or_create(
        purpose="event_signup",
        version="2024-01",
        language="pl",
        defaults={"text": "Zgoda", "valid_from": at(2024, 1, 1)},
    )
    return Consent.objects.create(text=text, channel="online", **subject)


def _texts_of(*rows) -> str:
    """Every text value of the rows, to look for a name in."""
    values = []
    for row in rows:
        row.refresh_from_db()
        values += [str(getattr(row, f.attname)) for f in row._meta.concrete_fields]
    return " ".join(values)


def test_identity_free_text_access_key_and_consents_are_gone(person):
    staff = UserFactory(email="pracownik@example.org")
    own = UserFactory(email="zofia@example.org")
    first = _register(
        person, at(2025, 3, 10), accessibility_needs="Wózek, proszę o rampę", created_by=staff
    )
    second = _register(person, at(2025, 9, 1), created_by=own, places=2)
    old_keys = {first.access_key, second.access_key}
    _consent(registration=first)
    _consent(participant=person)

    counts = anonymise.anonymise_participant(person)

    assert counts == {
        "registrations": 2, "passes": 0, "redemptions": 0, "participants": 1, "anonymous_rows": 1,
    }  # fmt: skip
    assert not Participant.objects.filter(pk=person.pk).exists()
    row = Participant.objects.get(anonymised_year=2025)
    assert (row.first_name, row.last_name, row.email, row.phone, row.district, row.name_key) == (
        "", "", "", "", "", ""
    )  # fmt: skip
    assert row.consent_text_version == "" and row.consent_scope == ""
    assert (row.gender, row.area_id) == ("woman", person.area_id)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.participant == second.participant == row
    assert first.accessibility_needs == "" and first.had_accessibility_needs
    assert not second.had_accessibility_needs
    assert {first.access_key, second.access_key}.isdisjoint(old_keys)
    assert first.created_at == datetime.datetime(2025, 3, 1, tzinfo=WARSAW)
    assert first.created_by == staff and second.created_by is None  # signed up themself
    assert first.consent_text_version == "" and first.consent_given_at is None
    assert second.places == 2 and first.attendance == "present"
    assert not Consent.objects.exists()
    text = _texts_of(row, first, second)
    for identity in ("Zofia", "Źrebięcka", "zofia@example.org", "600100200", "Wózek", "Słoneczna"):
        assert identity not in text


def test_the_age_band_is_the_one_at_the_event_date(person):
    _register(person, at(2025, 12, 31, 23, 30))  # 59: still 55–59 on New Year's Eve
    _register(person, at(2026, 1, 1, 0, 30))  # 60 half an hour later (UTC: still 2025)
    anonymise.anonymise_participant(person)
    rows = {p.anonymised_year: p for p in Participant.objects.all()}
    assert set(rows) == {2025, 2026}
    assert (rows[2025].age_band, rows[2025].birth_year) == ("55-59", 2025 - 55)
    assert (rows[2026].age_band, rows[2026].birth_year) == ("60-64", 2026 - 60)


def test_two_years_give_two_rows_that_nothing_links(person):
    _register(person, at(2025, 3, 10))
    _register(person, at(2026, 4, 1), status="cancelled", attendance="")
    anonymise.anonymise_participant(person)
    first, second = Participant.objects.order_by("anonymised_year")
    assert (first.anonymised_year, second.anonymised_year) == (2025, 2026)
    assert first.pk != second.pk
    assert first.registrations.count() == second.registrations.count() == 1
    # Nothing but what every person of that band and area shares: no token, no name key.
    assert "tokens" not in first.first_years and "tokens" not in second.first_years
    assert first.first_years == {"cal": 2025, **_scopes(first)}
    assert second.first_years.get("cal") == 2025  # PE3: came before, "returning"


def _scopes(row):
    return {key: value for key, value in row.first_years.items() if key != "cal"}


def test_a_later_batch_of_the_same_year_reuses_the_year_row(person):
    cancelled = _register(person, at(2025, 2, 1), status="cancelled", attendance="")
    present = _register(person, at(2025, 5, 5))
    later = _register(person, at(2026, 5, 5))
    # Retention first takes the cancelled registration (30 days after its event)…
    moved = anonymise.anonymise_registrations(Registration.objects.filter(pk=cancelled.pk))
    assert moved == 1
    person.refresh_from_db()
    row = Participant.objects.get(anonymised_year=2025)
    assert person.first_years["tokens"] == {"2025": row.pk}
    # …then the whole year, later: the same row.
    assert anonymise.anonymise_participant_year(person, 2025) == row
    present.refresh_from_db()
    later.refresh_from_db()
    assert present.participant == row and later.participant == person
    assert Participant.objects.filter(anonymised_year=2025).count() == 1
    # The identifiable row remembers when the person first came (PE3 of 2026: returning).
    person.refresh_from_db()
    assert person.first_years["cal"] == 2025
    # Nothing left in 2025: nothing to do.
    assert anonymise.anonymise_participant_year(person, 2025) is None
    # When the identifiable row goes, the map goes with it.
    anonymise.anonymise_participant(person)
    assert Participant.objects.filter(anonymised_year=2026).count() == 1
    assert not Participant.objects.filter(first_years__has_key="tokens").exists()


def test_a_pass_over_two_years_is_split_and_its_uses_follow_their_year(person):
    venue = PartnerVenue.objects.create(
        organisation=OrganisationFactory(sector="business"), name="Kawiarnia", address="Rynek 1"
    )
    application = PassApplication.objects.create(
        first_name="Zofia", last_name="Źrebięcka", birth_year=1966, phone="600100200",
        consent_text_version="x", consent_given_at=at(2025, 5, 1), status="issued",
        message="Proszę o kartę",
    )  # fmt: skip
    senior_pass = SeniorPass.objects.create(
        holder=person, number="SPS-2025-0007", issued_on=D(2025, 6, 1),
        valid_until=D(2026, 5, 31), status=PassStatus.EXPIRED, application=application,
    )  # fmt: skip
    for status, day in [(PassStatus.ACTIVE, D(2025, 6, 1)), (PassStatus.EXPIRED, D(2026, 6, 1))]:
        PassStatusChange.objects.create(senior_pass=senior_pass, status=status, started_on=day)
    for moment in (at(2025, 7, 1), at(2025, 12, 31, 23, 30), at(2026, 1, 1, 0, 30)):
        Redemption.objects.create(senior_pass=senior_pass, venue=venue, redeemed_at=moment)
    _register(person, at(2026, 3, 3))

    counts = anonymise.anonymise_participant(person)

    assert counts["passes"] == 2 and counts["redemptions"] == 3
    rows = {p.anonymised_year: p for p in Participant.objects.all()}
    piece_2025 = SeniorPass.objects.get(holder=rows[2025])
    piece_2026 = SeniorPass.objects.get(holder=rows[2026])
    assert piece_2025.valid_until == D(2025, 12, 31) and piece_2026.valid_until == D(2026, 5, 31)
    assert piece_2025.redemptions.count() == 2 and piece_2026.redemptions.count() == 1
    assert [c.status for c in piece_2026.status_changes.order_by("started_on")] == [
        PassStatus.ACTIVE,  # from 1 January: the pass was active across the new year
        PassStatus.EXPIRED,
    ]
    assert {piece_2025.number[:5], piece_2026.number[:5]} == {"ANON-"}
    assert piece_2025.number != piece_2026.number
    assert piece_2025.application is None and not PassApplication.objects.exists()
    assert not SeniorPass.objects.filter(number="SPS-2025-0007").exists()
    # The pass holder of 2026 is the same row as the participant of 2026 (RE1 counts once).
    assert rows[2026].registrations.count() == 1


def test_a_volunteer_becomes_one_row_per_year_of_hours(area):
    organisation = OrganisationFactory()
    volunteer = Volunteer.objects.create(
        organisation=organisation, first_name="Wanda", last_name="Wolska", birth_year=2008,
        email="wanda@example.org", phone="600300001", notes="Lubi dzieci", message="Chcę pomóc",
        availability=["mon_am"], insured=True, policy_number="PZU-123", languages="angielski",
    )  # fmt: skip
    volunteer.areas.add(area)
    _consent(volunteer=volunteer)
    HoursEntry.objects.create(
        volunteer=volunteer, date=D(2025, 12, 20), quarters=8, activity="Świetlica",
        status="approved", decided_at=at(2025, 12, 21), description="Z panią Zofią",
    )  # fmt: skip
    HoursEntry.objects.create(
        volunteer=volunteer, date=D(2026, 1, 5), quarters=4, activity="Świetlica",
        status="approved", decided_at=at(2026, 1, 6),
    )  # fmt: skip
    Agreement.objects.create(
        volunteer=volunteer, starts_on=D(2019, 5, 1), ends_on=None, scope="Świetlica dla dzieci",
        signed_on=D(2019, 4, 30),
    )  # fmt: skip
    ChildSafetyCheck.objects.create(
        volunteer=volunteer, checked_on=D(2025, 1, 2), checked_by="Ewa Kowal"
    )
    opportunity = Opportunity.objects.create(organisation=organisation, title="Świetlica")
    shift = Shift.objects.create(
        opportunity=opportunity, starts_at=at(2026, 1, 5, 9), ends_at=at(2026, 1, 5, 12),
        assigned_count=1,
    )  # fmt: skip
    Assignment.objects.create(shift=shift, volunteer=volunteer)
    Certificate.objects.create(
        number="ZW/2026/0001", year=2026, sequence=1, volunteer=volunteer,
        period_from=D(2025, 12, 1), period_to=D(2026, 1, 31), issued_on=D(2026, 2, 1),
        total_quarters=12,
    )  # fmt: skip

    counts = anonymise.anonymise_volunteer(volunteer)

    assert counts["anonymous_rows"] == 2 and counts["checks"] == 1 and counts["hours"] == 2
    assert not Volunteer.objects.filter(pk=volunteer.pk).exists()
    rows = {v.anonymised_year: v for v in Volunteer.objects.all()}
    assert set(rows) == {2025, 2026}
    for year, row in rows.items():
        assert (row.first_name, row.last_name, row.email, row.phone, row.notes, row.message) == (
            "", "", "", "", "", ""
        )  # fmt: skip
        assert row.availability == [] and row.policy_number == "" and not row.insured
        assert row.organisation == organisation and list(row.areas.all()) == [area]
        assert row.hours.get().date.year == year
        assert row.hours.get().description == ""
        agreement = row.agreements.get()
        assert agreement.scope == "" and agreement.ends_on is None
        assert agreement.starts_on == D(year, 1, 1) - datetime.timedelta(days=30)
    assert (rows[2025].birth_year, rows[2026].birth_year) == (2025 - 0, 2026 - 18)  # 17 → 18
    assert rows[2025].first_years == {"cal": 2025}
    assert rows[2026].first_years == {"cal": 2025, "since": "2025-12-20"}
    assert Assignment.objects.get().volunteer == rows[2026]
    assert Certificate.objects.get().volunteer == rows[2026]
    assert not ChildSafetyCheck.objects.exists() and not Consent.objects.exists()


def test_accessibility_texts_are_deleted_and_the_flag_kept(person):
    with_text = _register(person, at(2026, 3, 3), accessibility_needs="Pętla indukcyjna")
    without = _register(person, at(2026, 4, 3))
    assert anonymise.delete_accessibility_text(Registration.objects.all()) == 1
    with_text.refresh_from_db()
    without.refresh_from_db()
    assert (with_text.accessibility_needs, with_text.had_accessibility_needs) == ("", True)
    assert not without.had_accessibility_needs


def test_the_small_cell_check_lists_combinations_below_three_without_changing_them(area, db):
    def someone(n, gender, born):
        return Participant.objects.create(
            first_name=f"A{n}", last_name=f"B{n}", phone=f"60010{n:04d}", gender=gender,
            birth_year=born, area=area, consent_text_version="x", consent_scope="x",
            consent_given_at=at(2025, 1, 1),
        )  # fmt: skip

    people = [someone(n, "woman", 1950) for n in range(3)] + [someone(9, "man", 1990)]
    event = EventFactory(
        initiative=InitiativeFactory(), starts_at=at(2025, 5, 5), ends_at=at(2025, 5, 5, 19)
    )
    for participant in people:
        Registration.objects.create(
            event=event, participant=participant, status="confirmed", attendance="present"
        )
        anonymise.anonymise_participant(participant)
    before = list(Participant.objects.values_list("area", "gender", "age_band", "birth_year"))

    assert anonymise.small_cell_check(2025) == [
        {"year": 2025, "area": area.pk, "gender": "man", "age_band": "30-44", "persons": 1}
    ]
    assert anonymise.small_cell_check(2024) == []
    after = list(Participant.objects.values_list("area", "gender", "age_band", "birth_year"))
    assert after == before
    assert Event.objects.get().registrations.count() == 4
