"""The invariant of issue 15: every report gives the same figures before and after the
anonymisation of the data it covers (PRIVACY.md §2).

A data set over 2024–2026 (local times, Europe/Warsaw; the clock frozen on 1 March 2027, when
every event is over): three initiatives of two organisations (one a partner of the other's),
events in every year — one cancelled, one on 31 December 23:30 and one on 1 January 00:30 (the
same UTC night, two local years) —, registrations present, absent, cancelled and waiting (some
still waiting after their event started), companions, disability declarations, accessibility
texts (one already deleted by retention: only the flag), sources, areas, genders and ages on
both sides of the band edges (17/18, 59/60, 64/65; a person aged 17 in 2025 is 18 in 2026),
people coming back year after year (PE3), senior passes spanning two years (used in both, one
expired the day after its last valid day, one replaced after a loss, one revoked) held by
people who also came to events (RE1 counts them once), and volunteers with hours around the
turn of a year, an agreement, a child-safety check, a shift assignment, a certificate and the
dated rate table.

For each year, the datasets of R1, R2, R5, R7, R8 (CAL and one organisation), R9 (CAL and one
venue), R11 (an initiative and an event) and the scoped PE3 (an initiative and an organisation)
are computed BEFORE; then every person is anonymised (and, separately, only 2024 and 2025, as
retention would, the rest later), and the same are computed AFTER; they must be equal. Tables
that list volunteers by name (R8's internal compliance, checks, hours per volunteer and certificate
lists) are person lists, not figures, and are left out; so is VO6's "work with children without
a valid check", which cannot be kept once checks are deleted (PRIVACY.md §1).

**Out of scope:** periods spanning two calendar years (a project's unique persons over its whole
duration): records of one person in different years are deliberately no longer linkable, so such
figures must be produced before anonymisation (PRIVACY.md §2) — the project retention rule keeps
those participants identifiable until then.
"""

import datetime
import json

import pytest
import time_machine

from calportal.privacy import anonymise
from calportal.reports.figures import Scope
from calportal.reports.periods import WARSAW, Period
from calportal.reports.registry import Request, get_kind
from initiatives import figures as event_figures
from initiatives.models import Event, Participant, Registration
from initiatives.passes.models import (
    PartnerVenue,
    PassStatus,
    PassStatusChange,
    ProgrammeSettings,
    Redemption,
    SeniorPass,
)
from resources_map.models import Area
from tests.factories import InitiativeFactory, OrganisationFactory
from volunteers.models import (
    Agreement,
    Assignment,
    Certificate,
    ChildSafetyCheck,
    EntryStatus,
    HoursEntry,
    Opportunity,
    Shift,
    Volunteer,
    VolunteerRate,
    WorkKind,
)

D = datetime.date
NOW = datetime.datetime(2027, 3, 1, 10, 0, tzinfo=WARSAW)
YEARS = (2024, 2025, 2026)
# Person lists of R8's internal variant (names, not figures).
PERSON_LISTS = {"compliance", "checks_expiring", "hours_by_volunteer", "certificates"}


def at(year, month, day, hour=17, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=WARSAW)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _person(n, gender, born, *, area=None, outside=False):
    return Participant.objects.create(
        first_name=f"Osoba{n}",
        last_name=f"Nazwisko{n}",
        email=f"osoba{n}@example.org",
        phone=f"600200{n:03d}",
        gender=gender,
        birth_year=born,
        area=area,
        outside_municipality=outside,
        district="Jeziorany",
        consent_text_version="2024-01",
        consent_scope="registration",
        consent_given_at=at(2024, 1, 1),
    )


def _event(initiative, start, *, cancelled=False, capacity=20, hours=2):
    return Event.objects.create(
        initiative=initiative,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=hours),
        place_name="Sala OPS",
        capacity=capacity,
        max_companions=3,
        status="cancelled" if cancelled else "scheduled",
    )


def _register(event, person, status="confirmed", attendance="present", **fields):
    registration = Registration.objects.create(
        event=event,
        participant=person,
        status=status,
        attendance=attendance if status == "confirmed" else "",
        consent_text_version="2024-01",
        consent_given_at=event.starts_at - datetime.timedelta(days=3),
        **fields,
    )
    return registration


def _pass(holder, number, issued, valid_until, changes, *, status=None):
    history = [(PassStatus.ACTIVE, issued), *changes]
    senior_pass = SeniorPass.objects.create(
        holder=holder,
        number=f"SPS-{issued.year}-{number:04d}",
        issued_on=issued,
        valid_until=valid_until,
        status=status or history[-1][0],
    )
    for state, day in history:
        PassStatusChange.objects.create(
            senior_pass=senior_pass,
            status=state,
            started_on=day,
            changed_at=datetime.datetime.combine(day, datetime.time(9), tzinfo=WARSAW),
            reason="Zgłoszenie pani Osoby" if state != PassStatus.ACTIVE else "",
        )
    return senior_pass


def _hours(volunteer, day, hours, status=EntryStatus.APPROVED, **fields):
    if not fields.get("opportunity"):
        fields.setdefault("activity", "Dyżur w świetlicy")
    return HoursEntry.objects.create(
        volunteer=volunteer,
        date=day,
        quarters=int(hours * 4),
        status=status,
        reject_reason="Pomyłka Ani" if status == EntryStatus.REJECTED else "",
        decided_at=None if status == EntryStatus.SUBMITTED else at(day.year, day.month, day.day),
        description="Pomagała pani Zofii",
        **fields,
    )


@pytest.fixture
def data(db, clock):
    """The data set (see the module docstring); returns the ids the scopes need."""
    ProgrammeSettings.objects.update_or_create(pk=1, defaults={"weekly_pool": 10})
    a1 = Area.objects.create(
        name="Osiedle Jeziorany", kind="district", population_60_plus=200, population_year=2025
    )
    a2 = Area.objects.create(
        name="Pysząca", kind="village", urban=False, population_60_plus=50, population_year=2025
    )
    oa = OrganisationFactory(name="Stowarzyszenie A")
    ob = OrganisationFactory(name="Fundacja B")
    i1 = InitiativeFactory(lead_organisation=oa, category="integration", kind="workshops")
    i2 = InitiativeFactory(lead_organisation=ob, category="health", kind="sports")
    i2.partner_organisations.add(oa)
    i3 = InitiativeFactory(lead_organisation=ob, category="support", kind="club")

    # Persons: ages around the band edges (age in 2025 / 2026).
    p = {
        1: _person(1, "woman", 2008, area=a1),  # 17 / 18
        2: _person(2, "man", 1966, area=a1),  # 59 / 60
        3: _person(3, "woman", 1961, area=a2),  # 64 / 65
        4: _person(4, "man", 1960, area=a2),  # 65 / 66
        5: _person(5, "not_given", None, outside=True),  # no year of birth
        6: _person(6, "woman", 1950),  # 75 / 76, no area
        7: _person(7, "man", 2015, area=a1),  # a child
        8: _person(8, "woman", 1944, area=a1),  # 81 / 82
    }
    events = {}
    for year in YEARS:
        events[year, "i1a"] = _event(i1, at(year, 3, 10))
        events[year, "i1b"] = _event(i1, at(year, 9, 15), capacity=5)
        events[year, "i2"] = _event(i2, at(year, 6, 1, 10), hours=3)
        events[year, "i3"] = _event(i3, at(year, 11, 20))
    events["cancelled"] = _event(i3, at(2025, 4, 1), cancelled=True)
    events["eve"] = _event(i1, at(2025, 12, 31, 23, 30), hours=1)
    events["new_year"] = _event(i2, at(2026, 1, 1, 0, 30), hours=1)

    # Registrations: (year, event, person, status, attendance, extra).
    plan = [
        (2024, "i1a", 2, "confirmed", "present", {}),
        (2024, "i1a", 3, "confirmed", "present", {"places": 2}),
        (2024, "i2", 6, "confirmed", "present", {"certificate_declared": True}),
        (2024, "i3", 8, "confirmed", "absent", {}),
        (2024, "i1b", 1, "confirmed", "present", {"source": "phone"}),
        (2025, "i1a", 1, "confirmed", "present", {"accessibility_needs": "Wózek"}),
        (2025, "i1a", 2, "confirmed", "present", {}),
        (2025, "i1b", 3, "confirmed", "present", {"places": 3}),
        (2025, "i1b", 4, "waiting", "", {}),
        (2025, "i2", 4, "confirmed", "present", {"certificate_declared": True}),
        (2025, "i2", 5, "confirmed", "", {"source": "on_site"}),
        (2025, "i2", 7, "confirmed", "present", {"certificate_declared": True, "places": 2}),
        (2025, "i3", 6, "cancelled", "", {"accessibility_needs": "Pętla indukcyjna"}),
        (2025, "i3", 8, "confirmed", "present", {"had_accessibility_needs": True}),
        (2026, "i1a", 1, "confirmed", "present", {}),
        (2026, "i1a", 4, "confirmed", "absent", {}),
        (2026, "i1b", 2, "confirmed", "present", {"source": "phone"}),
        (2026, "i1b", 6, "waiting", "", {"accessibility_needs": "Tłumacz PJM"}),
        (2026, "i2", 3, "confirmed", "present", {}),
        (2026, "i2", 8, "confirmed", "present", {"certificate_declared": True}),
        (2026, "i3", 5, "confirmed", "present", {}),
        (2026, "i3", 7, "confirmed", "present", {"certificate_declared": True}),
    ]
    for year, key, n, status, attendance, extra in plan:
        _register(events[year, key], p[n], status, attendance, **extra)
    _register(events["cancelled"], p[2], "confirmed", "")
    _register(events["eve"], p[3], "confirmed", "present")
    _register(events["eve"], p[8], "confirmed", "present")
    _register(events["new_year"], p[3], "confirmed", "present")
    _register(events["new_year"], p[6], "confirmed", "present", certificate_declared=True)

    # Senior passes and their uses.
    venue_org = OrganisationFactory(name="Kawiarnia A sp. z o.o.", sector="business")
    venue_org_b = OrganisationFactory(name="Kawiarnia B sp. z o.o.", sector="business")
    va = PartnerVenue.objects.create(
        organisation=venue_org, name="Kawiarnia A", address="Rynek 1", active_from=D(2024, 1, 1)
    )
    vb = PartnerVenue.objects.create(
        organisation=venue_org_b, name="Kawiarnia B", address="Rynek 2",
        active_from=D(2024, 1, 1), weekly_pool=5,
    )  # fmt: skip
    spanning = _pass(p[3], 1, D(2025, 6, 1), D(2026, 5, 31), [(PassStatus.EXPIRED, D(2026, 6, 1))])
    lost = _pass(p[8], 2, D(2025, 3, 1), D(2026, 2, 28), [(PassStatus.REPLACED, D(2025, 11, 15))])
    replacement = _pass(p[8], 3, D(2025, 11, 15), D(2026, 11, 14), [])
    SeniorPass.objects.filter(pk=lost.pk).update(replaced_by=replacement)
    revoked = _pass(p[4], 4, D(2026, 2, 1), D(2027, 1, 31), [(PassStatus.REVOKED, D(2026, 5, 10))])
    suspended = _pass(
        p[6], 5, D(2024, 9, 1), D(2025, 8, 31),
        [(PassStatus.SUSPENDED, D(2024, 12, 1)), (PassStatus.ACTIVE, D(2025, 1, 10)),
         (PassStatus.EXPIRED, D(2025, 9, 1))],
    )  # fmt: skip
    uses = [
        (spanning, va, at(2025, 6, 5, 10)),
        (spanning, vb, at(2025, 12, 31, 23, 30)),
        (spanning, va, at(2026, 1, 1, 0, 30)),
        (spanning, va, at(2026, 5, 20, 10)),
        (lost, va, at(2025, 4, 2, 10)),
        (replacement, vb, at(2025, 12, 1, 10)),
        (replacement, vb, at(2026, 3, 3, 10)),
        (revoked, va, at(2026, 3, 3, 11)),
        (suspended, vb, at(2024, 10, 1, 10)),
        (suspended, va, at(2025, 2, 2, 10)),
    ]
    for senior_pass, venue, moment in uses:
        Redemption.objects.create(senior_pass=senior_pass, venue=venue, redeemed_at=moment)

    # Volunteers, hours and the rate table.
    VolunteerRate.objects.all().delete()
    care, _ = WorkKind.objects.get_or_create(name="opieka nad seniorami")
    VolunteerRate.objects.create(valid_from=D(2000, 1, 1), hourly_rate="30.00", source="G1")
    VolunteerRate.objects.create(valid_from=D(2026, 1, 1), hourly_rate="35.00", source="G2")
    VolunteerRate.objects.create(
        valid_from=D(2000, 1, 1), work_kind=care, hourly_rate="50.00", source="K1"
    )
    opportunity = Opportunity.objects.create(
        organisation=oa, title="Zajęcia z dziećmi", initiative=i1, involves_children=True
    )
    v1 = Volunteer.objects.create(
        organisation=oa, first_name="Wanda", last_name="Wolontariuszka", birth_year=1966,
        email="wanda@example.org", phone="600300001", notes="Lubi szydełkować",
        message="Chcę pomagać", availability=["mon_am"], insured=True, policy_number="PZU-1",
    )  # fmt: skip
    v1.areas.add(a1)
    v2 = Volunteer.objects.create(
        organisation=ob, first_name="Wiktor", last_name="Wolny", birth_year=2008,
        email="wiktor@example.org",
    )  # fmt: skip
    v3 = Volunteer.objects.create(
        organisation=oa, first_name="Wiesław", last_name="Wiosenny", birth_year=1961,
        status="ended", ended_on=D(2026, 4, 30),
    )  # fmt: skip
    _hours(v1, D(2025, 12, 20), 2, work_kind=care)  # first ever, 12 days before the new year
    _hours(v1, D(2026, 1, 1), 3)
    _hours(v1, D(2026, 2, 10), 1, EntryStatus.SUBMITTED)
    _hours(v2, D(2024, 5, 5), 4, opportunity=opportunity)
    _hours(v2, D(2025, 7, 7), 2, EntryStatus.REJECTED)
    _hours(v2, D(2026, 3, 3), 2.5, opportunity=opportunity)
    _hours(v3, D(2024, 2, 2), 1)
    _hours(v3, D(2026, 4, 1), 6, work_kind=care)
    Agreement.objects.create(
        volunteer=v2, starts_on=D(2024, 1, 15), ends_on=None, scope="Świetlica",
        signed_on=D(2024, 1, 10),
    )  # fmt: skip
    Agreement.objects.create(
        volunteer=v3, starts_on=D(2020, 1, 1), ends_on=D(2020, 6, 30), scope="Biuro",
        signed_on=D(2020, 1, 1),
    )  # fmt: skip
    ChildSafetyCheck.objects.create(
        volunteer=v2, checked_on=D(2024, 1, 2), valid_until=D(2030, 1, 1), checked_by="Ewa Kowal"
    )
    shift = Shift.objects.create(
        opportunity=opportunity, starts_at=at(2026, 3, 3, 10), ends_at=at(2026, 3, 3, 12),
        needed=2, assigned_count=1,
    )  # fmt: skip
    Assignment.objects.create(shift=shift, volunteer=v2)
    Certificate.objects.create(
        number="ZW/2026/0001", year=2026, sequence=1, volunteer=v1, period_from=D(2025, 12, 1),
        period_to=D(2026, 1, 31), issued_on=D(2026, 2, 1), total_quarters=20,
    )  # fmt: skip
    return {
        "i1": i1.pk, "i2": i2.pk, "i3": i3.pk, "oa": oa.pk, "ob": ob.pk, "va": va.pk,
        "event": events[2025, "i1b"].pk, "a1": a1.pk,
    }  # fmt: skip


def _year(year: int) -> Period:
    return Period(D(year, 1, 1), D(year, 12, 31))


def _quarters(year: int) -> list[Period]:
    """The first and last quarters: the turn of the year is where rows of two years meet."""
    return [Period(D(year, 1, 1), D(year, 3, 31)), Period(D(year, 10, 1), D(year, 12, 31))]


def _dataset(kind: str, period: Period, scope: Scope) -> dict:
    request = Request(
        kind=kind,
        period=period,
        comparison=None,
        scope=scope,
        variant="internal",
        language="en",
        today=NOW.date(),
    )
    dataset = get_kind(kind).build(request)
    for section in dataset.get("sections", []):
        section["tables"] = [t for t in section["tables"] if t["id"] not in PERSON_LISTS]
    dataset.pop("data_as_of", None)
    # A JSON round trip: Decimals and dates compare as printed.
    return json.loads(json.dumps(dataset, default=str, sort_keys=True))


def _scoped_pe3(ids, period: Period) -> dict:
    return {
        name: (
            event_figures.new_participants(period, scope),
            event_figures.participants(period, scope),
        )
        for name, scope in {
            "cal": Scope(),
            "initiative i1": Scope(initiative=ids["i1"]),
            "initiative i2": Scope(initiative=ids["i2"]),
            "organisation oa": Scope(organisation=ids["oa"]),
            "organisation ob": Scope(organisation=ids["ob"]),
            "area a1": Scope(area=ids["a1"]),
        }.items()
    }


def _figures(ids) -> dict:
    """Every figure the invariant compares, by (report, scope, period)."""
    from calportal.reports.kinds import volunteering  # noqa: F401 - registers R8

    result = {}
    for year in YEARS:
        periods = [_year(year), *_quarters(year)]
        for period in periods:
            label = f"{period.start}/{period.end}"
            result["PE3", label] = _scoped_pe3(ids, period)
            for kind in ("R8", "R9", "R11"):
                scope = Scope(initiative=ids["i1"]) if kind == "R11" else Scope()
                result[kind, str(scope), label] = _dataset(kind, period, scope)
        for kind, scope in [
            ("R1", Scope()),
            ("R2", Scope()),
            ("R5", Scope()),
            ("R7", Scope()),
            ("R8", Scope(organisation=ids["oa"])),
            ("R9", Scope(venue=ids["va"])),
        ]:
            result[kind, str(scope), year] = _dataset(kind, _year(year), scope)
    result["R11 event"] = _dataset("R11", _year(2025), Scope(event=ids["event"]))
    return result


def _differences(before: dict, after: dict) -> list[str]:
    return [str(key) for key in before if before[key] != after.get(key)]


def test_every_report_is_the_same_after_everyone_is_anonymised(data):
    before = _figures(data)
    assert before["PE3", "2025-01-01/2025-12-31"]["cal"][1] > 0
    for participant in Participant.objects.filter(anonymised_year__isnull=True):
        anonymise.anonymise_participant(participant)
    for volunteer in Volunteer.objects.filter(anonymised_year__isnull=True):
        anonymise.anonymise_volunteer(volunteer)
    assert not Participant.objects.filter(anonymised_year__isnull=True).exists()
    assert not Volunteer.objects.filter(anonymised_year__isnull=True).exists()
    after = _figures(data)
    assert _differences(before, after) == []


def test_the_figures_stay_when_only_past_years_are_anonymised_as_retention_would(data):
    before = _figures(data)
    for participant in Participant.objects.all():
        anonymise.anonymise_participant_year(participant, 2024)
        anonymise.anonymise_participant_year(participant, 2025)
    assert Participant.objects.filter(anonymised_year=2025).count() >= 7
    after = _figures(data)
    assert _differences(before, after) == []
    # The rest later (a second batch reuses the year rows): still the same.
    for participant in Participant.objects.filter(anonymised_year__isnull=True):
        anonymise.anonymise_participant(participant)
    assert _differences(before, _figures(data)) == []


def test_the_disability_and_accessibility_figures_are_counted_on_the_anonymous_rows(data):
    period = _year(2025)
    counts = (
        event_figures.accessibility_needs,
        event_figures.participants_with_disability,
        event_figures.children_with_disability,
        event_figures.companions,
        event_figures.participants_60_plus,
        event_figures.reach_persons,
    )
    before = [count(period) for count in counts]
    assert before[0] == 2  # one text, one flag left by the 30-day rule (the cancelled: no)
    assert before[3] == 3
    for participant in Participant.objects.filter(anonymised_year__isnull=True):
        anonymise.anonymise_participant(participant)
    assert [count(period) for count in counts] == before
    assert not Registration.objects.exclude(accessibility_needs="").exists()
