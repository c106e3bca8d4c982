"""The event, registration and participant figures (initiatives/figures.py) on one small data
set with every expected value worked out by hand (see the table in ``data``)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calportal.reports.figures import INDICATORS, NOT_GIVEN, OUTSIDE, Scope
from calportal.reports.periods import WARSAW, Period
from initiatives import figures
from initiatives.models import Funding, Participant, Registration
from initiatives.passes.figures import passes_active_in_queryset
from initiatives.passes.models import PassStatusChange, SeniorPass
from resources_map.models import Area
from tests.factories import EventFactory, InitiativeFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

Q1 = Period(datetime.date(2025, 1, 1), datetime.date(2025, 3, 31))
# From December 2024: a period spanning two years.
WINTER = Period(datetime.date(2024, 12, 1), datetime.date(2025, 3, 31))
AFTER = datetime.datetime(2025, 6, 1, 12, 0, tzinfo=WARSAW)  # every event of Q1 is over
MID_MARCH = datetime.datetime(2025, 3, 20, 12, 0, tzinfo=WARSAW)  # E3 still to come


def local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=WARSAW)


def _build() -> dict:
    """Organisations A, B, C, D; areas A1 (town), A2 (village).

    ====  ==========  ===================  ===================================  =====  ====
    ev.   initiative  category / kind      local start – end                    cap.   note
    ====  ==========  ===================  ===================================  =====  ====
    E1    I1          integration / cafe   2025-01-01 00:30 – 02:30 (2 h)       10     UTC: 2024
    E2    I1          integration / cafe   2025-02-10 10:00 – 12:00 (2 h)       5
    E3    I2          health / workshops   2025-03-31 23:30 – 04-01 01:00 (1.5) 8      last minute
    E4    I3          integration / cafe   2025-03-05 10:00 – 11:00 (1 h)       6      no attendance
    E5    I4          leisure / club       2025-02-20 cancelled                  20
    E6    I2          health / workshops   2024-12-31 23:30 – 01-01 00:30       10
    E7    I4          leisure / club       2024-06-01 10:00                      10
    E9    I1          integration / cafe   2025-04-01 00:30                      4      after Q1
    ====  ==========  ===================  ===================================  =====  ====

    I1: lead A, partners B and C; I2: lead A; I3: lead B; I4: lead D.

    Persons (birth year, gender, residence): p1 1950 woman A1; p2 1965 man A1; p3 1990 woman
    A2; p4 1955 man outside; p5 1960 not given, no residence; p6 (no year) man A2; p7 1965
    woman A1 (pass only); p8 1940 man A2 (pass); p9 1950 man A2; p10 1945 woman A2 (pass);
    p11 1950 woman, no residence (pass without history: never active).
    """
    org_a, org_b, org_c, org_d = (OrganisationFactory() for _ in range(4))
    a1 = Area.objects.create(name="Centrum", kind="district")
    a2 = Area.objects.create(name="Pysząca", kind="village", urban=False)
    i1 = InitiativeFactory(category="integration", kind="senior_cafe", lead_organisation=org_a)
    i1.partner_organisations.set([org_b, org_c])
    i2 = InitiativeFactory(category="health", kind="workshops", lead_organisation=org_a)
    i3 = InitiativeFactory(category="integration", kind="senior_cafe", lead_organisation=org_b)
    i4 = InitiativeFactory(category="leisure", kind="club", lead_organisation=org_d)

    def event(initiative, start, minutes, capacity, **extra):
        return EventFactory(
            initiative=initiative,
            starts_at=start,
            ends_at=start + datetime.timedelta(minutes=minutes),
            capacity=capacity,
            **extra,
        )

    e1 = event(i1, local(2025, 1, 1, 0, 30), 120, 10)
    e2 = event(i1, local(2025, 2, 10, 10, 0), 120, 5)
    e3 = event(i2, local(2025, 3, 31, 23, 30), 90, 8)
    e4 = event(i3, local(2025, 3, 5, 10, 0), 60, 6)
    e5 = event(i4, local(2025, 2, 20, 10, 0), 120, 20, status="cancelled")
    e6 = event(i2, local(2024, 12, 31, 23, 30), 60, 10)
    event(i4, local(2024, 6, 1, 10, 0), 120, 10)  # E7
    e9 = event(i1, local(2025, 4, 1, 0, 30), 60, 4)

    def person(n, birth_year, gender, area=None, outside=False):
        return Participant.objects.create(
            first_name="Osoba",
            last_name=f"Testowa{n}",
            email=f"figures{n}@example.org",
            birth_year=birth_year,
            gender=gender,
            area=area,
            outside_municipality=outside,
            consent_text_version="2026-11",
            consent_given_at=local(2024, 1, 1, 12, 0),
            consent_scope="registration",
        )

    p1 = person(1, 1950, "woman", a1)
    p2 = person(2, 1965, "man", a1)
    p3 = person(3, 1990, "woman", a2)
    p4 = person(4, 1955, "man", outside=True)
    p5 = person(5, 1960, "not_given")
    p6 = person(6, None, "man", a2)
    p7 = person(7, 1965, "woman", a1)
    p8 = person(8, 1940, "man", a2)
    p9 = person(9, 1950, "man", a2)
    p10 = person(10, 1945, "woman", a2)
    p11 = person(11, 1950, "woman")

    def register(event, participant, status="confirmed", attendance="", **extra):
        return Registration.objects.create(
            event=event, participant=participant, status=status, attendance=attendance, **extra
        )

    # E1
    register(
        e1,
        p1,
        attendance="present",
        places=3,
        certificate_declared=True,
        accessibility_needs="Wózek",
    )
    register(e1, p2, attendance="present", source="phone")
    register(e1, p3, attendance="absent")
    register(e1, p9, status="waiting")
    register(e1, p6, status="cancelled", accessibility_needs="Pies asystujący")
    # E2: p1 a second time
    register(e2, p1, attendance="present", source="on_site")
    register(e2, p4, attendance="present", places=2, source="phone", certificate_declared=True)
    register(e2, p5, attendance="present")
    register(e2, p6, status="waiting")
    # E3
    register(e3, p6, attendance="present", accessibility_needs="Pętla indukcyjna")
    register(e3, p3, attendance="absent")
    register(e3, p4, status="waiting")
    # E4: nobody's attendance recorded
    register(e4, p3)
    register(e4, p1, source="phone")
    register(e4, p9, status="cancelled", source="phone")
    # E5 (cancelled event): never counted, whatever it says
    register(e5, p7, attendance="present")
    # E6 (December 2024)
    register(e6, p2, attendance="present")
    register(e6, p8, attendance="present")
    # E9 (April)
    register(e9, p5, attendance="present")

    def senior_pass(holder, number, issued_on, valid_until, status, *changes):
        issued = SeniorPass.objects.create(
            holder=holder,
            number=f"SPS-2024-{number:04d}",
            issued_on=issued_on,
            valid_until=valid_until,
            status=status,
        )
        for minute, (change_status, started_on) in enumerate(changes):
            PassStatusChange.objects.create(
                senior_pass=issued,
                status=change_status,
                started_on=started_on,
                changed_at=local(started_on.year, started_on.month, started_on.day, 9, minute),
            )

    d = datetime.date
    senior_pass(p1, 1, d(2024, 1, 1), d(2025, 12, 31), "active", ("active", d(2024, 1, 1)))
    senior_pass(p7, 7, d(2024, 5, 1), d(2025, 4, 30), "active", ("active", d(2024, 5, 1)))
    # Suspended since December, active again from 15 March: active in Q1.
    senior_pass(
        p8,
        8,
        d(2024, 1, 1),
        d(2025, 12, 31),
        "active",
        ("active", d(2024, 1, 1)),
        ("suspended", d(2024, 12, 1)),
        ("active", d(2025, 3, 15)),
    )
    # Expired before Q1.
    senior_pass(p9, 9, d(2024, 2, 1), d(2024, 12, 31), "expired", ("active", d(2024, 2, 1)))
    # Active and suspended again on the same day (1 February): never active in Q1.
    senior_pass(
        p10,
        10,
        d(2024, 3, 1),
        d(2026, 2, 28),
        "suspended",
        ("active", d(2024, 3, 1)),
        ("suspended", d(2024, 10, 1)),
        ("active", d(2025, 2, 1)),
        ("suspended", d(2025, 2, 1)),
    )
    # No recorded history: never active, whatever its current status (PA1b of the passes).
    senior_pass(p11, 11, d(2024, 6, 1), d(2025, 5, 31), "active")

    Funding.objects.create(initiative=i1, source="municipal", amount=Decimal("1000.00"))
    Funding.objects.create(initiative=i1, source="esf", amount=Decimal("2500.50"))
    Funding.objects.create(initiative=i2, source="municipal", amount=Decimal("300.00"))
    Funding.objects.create(initiative=i4, source="donors", amount=Decimal("999.00"))

    return {
        "orgs": (org_a, org_b, org_c, org_d),
        "areas": (a1, a2),
        "initiatives": (i1, i2, i3, i4),
        "events": {"E1": e1, "E2": e2, "E3": e3, "E4": e4, "E5": e5, "E6": e6},
    }


@pytest.fixture(scope="module")
def data(django_db_setup, django_db_blocker):
    """Built once for the module; every test's changes are rolled back to it, and it is rolled
    back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build()
        transaction.set_rollback(True)


# -- events ------------------------------------------------------------------------------------


def test_event_counts_take_local_start_dates_and_leave_out_cancelled_events(data):
    # E1 (00:30 on 1 January, still 2024 in UTC) and E3 (23:30 on 31 March) are in Q1; E6
    # (23:30 on 31 December) and E9 (00:30 on 1 April) are not; E5 is cancelled.
    assert figures.events_held(Q1) == 4
    assert figures.events_cancelled(Q1) == 1
    assert figures.activity_hours(Q1) == Decimal("6.50")  # 2 + 2 + 1.5 (across DST) + 1
    assert figures.places_offered(Q1) == 29  # 10 + 5 + 8 + 6
    assert figures.fill_rate(Q1) == (13, 29)  # E1 3+1+1, E2 1+2+1, E3 1+1, E4 1+1


def test_attendance_recorded_counts_ended_events_with_every_attendance_marked(data):
    # E4's attendance was never recorded; E3 has not ended by mid-March.
    assert figures.attendance_recorded(Q1, now=AFTER) == (3, 4)
    assert figures.attendance_recorded(Q1, now=MID_MARCH) == (2, 3)


def test_an_event_without_attendance_adds_to_persons_reached_not_participants(data):
    e4 = Scope(event=data["events"]["E4"].pk)
    assert figures.participants(Q1, e4) == 0
    assert figures.persons_reached(Q1, e4) == 2
    assert figures.attendance_recorded(Q1, e4, now=AFTER) == (0, 1)


# -- registrations and attendance --------------------------------------------------------------


def test_registrations_by_status_and_source(data):
    counts = figures.registrations(Q1)
    assert counts == {
        ("confirmed", "online"): 6,
        ("confirmed", "phone"): 3,
        ("confirmed", "on_site"): 1,
        ("waiting", "online"): 3,
        ("waiting", "phone"): 0,
        ("waiting", "on_site"): 0,
        ("cancelled", "online"): 1,
        ("cancelled", "phone"): 1,
        ("cancelled", "on_site"): 0,
    }


def test_unmet_demand_counts_waiting_registrations_after_the_start(data):
    assert figures.unmet_demand(Q1, now=AFTER) == 3
    assert figures.unmet_demand(Q1, now=MID_MARCH) == 2  # E3's waiting one not yet


def test_attendances_companions_and_rate(data):
    # p1 came twice (E1 with places = 3, E2): two attendances, two companions, one person.
    assert figures.attendances(Q1) == 6
    assert figures.companions(Q1) == 3  # E1 p1: 2, E2 p4: 1
    assert figures.attendance_rate(Q1) == (6, 8)
    assert figures.accessibility_needs(Q1) == 2  # the cancelled registration's needs not


# -- persons -----------------------------------------------------------------------------------


def test_unique_participants_and_persons_reached(data):
    assert figures.participants(Q1) == 5  # p1, p2, p4, p5, p6; never companions, never p7
    assert figures.persons_reached(Q1) == 6  # and p3, registered for E4
    assert figures.participants_with_disability(Q1) == 2  # p1, p4


def test_a_person_present_in_december_is_returning(data):
    assert figures.new_participants(Q1) == 4  # p2 came on 31 December
    # Over December to March p2 and p8 started in the period.
    assert figures.participants(WINTER) == 6
    assert figures.new_participants(WINTER) == 6


def test_new_participants_are_new_to_the_scope(data):
    i1, i2 = data["initiatives"][:2]
    # p2 had come to I2 in December, but comes to I1 for the first time.
    assert figures.new_participants(Q1, Scope(initiative=i1.pk)) == 4
    assert figures.new_participants(Q1, Scope(initiative=i2.pk)) == 1  # p6


def test_participants_60_plus_by_age_in_the_year_of_the_first_attendance(data):
    assert figures.participants_60_plus(Q1) == {
        "60+": 4,  # p1 75, p2 60, p4 70, p5 65
        "post_working_age": 2,  # p1 woman 75, p4 man 70 (p2 man 60 is not)
        "gender_not_given_60_plus": 1,  # p5
    }
    # From December p2 first came in 2024, aged 59; p8 (man, 84) joins.
    assert figures.participants_60_plus(WINTER) == {
        "60+": 4,
        "post_working_age": 3,
        "gender_not_given_60_plus": 1,
    }


def test_participants_by_age_and_gender(data):
    counts = figures.participants_by_age_gender(Q1)
    # p1's age comes from E1's local year, 2025 (in UTC it would be 2024 and 74).
    nonzero = {key: n for key, n in counts.items() if n}
    assert nonzero == {
        ("75-84", "female"): 1,
        ("60-64", "male"): 1,
        ("65-74", "male"): 1,
        ("65-74", "not_given"): 1,
        ("unknown", "male"): 1,
    }
    assert len(counts) == 10 * 3
    assert sum(counts.values()) == figures.participants(Q1)
    assert figures.participants_by_age_gender(WINTER)[("55-59", "male")] == 1  # p2 in 2024


def test_participants_by_residence(data):
    a1, a2 = data["areas"]
    assert figures.participants_by_residence(Q1) == {
        a1.pk: {"participants": 2, "aged_60_plus": 2},
        a2.pk: {"participants": 1, "aged_60_plus": 0},
        OUTSIDE: {"participants": 1, "aged_60_plus": 1},
        NOT_GIVEN: {"participants": 1, "aged_60_plus": 1},
    }
    residence = figures.participants_by_residence(Q1)
    assert sum(cells["participants"] for cells in residence.values()) == figures.participants(Q1)
    assert figures.participants_without_area() == 2  # p5, p11


# -- breakdowns --------------------------------------------------------------------------------


def test_events_by_category_and_kind(data):
    rows = figures.events_by_category_kind(Q1)
    assert rows == {
        ("integration", "senior_cafe"): {
            "initiatives": 2,  # I1, I3
            "EV1": 3,
            "EV3": Decimal("5.00"),
            "EV4": 21,
            "places_confirmed": 11,
            "AT1": 5,
            "PE1": 4,
        },
        ("health", "workshops"): {
            "initiatives": 1,
            "EV1": 1,
            "EV3": Decimal("1.50"),
            "EV4": 8,
            "places_confirmed": 2,
            "AT1": 1,
            "PE1": 1,
        },
    }
    assert sum(row["EV1"] for row in rows.values()) == figures.events_held(Q1)
    assert sum(row["EV3"] for row in rows.values()) == figures.activity_hours(Q1)
    assert sum(row["AT1"] for row in rows.values()) == figures.attendances(Q1)


def test_monthly_by_local_month_of_the_event(data):
    months = figures.monthly(Q1, now=AFTER)
    zero = dict.fromkeys(
        [
            "EV1",
            "confirmed",
            "waiting",
            "cancelled",
            "AT1",
            "present",
            "absent",
            "RG2",
            "online",
            "phone",
            "on_site",
        ],
        0,
    )
    assert months == {
        # E1 starts at 00:30 on 1 January: January, though December in UTC.
        "2025-01": {
            **zero,
            "EV1": 1,
            "confirmed": 3,
            "waiting": 1,
            "cancelled": 1,
            "AT1": 2,
            "present": 2,
            "absent": 1,
            "RG2": 1,
            "online": 4,
            "phone": 1,
        },
        "2025-02": {
            **zero,
            "EV1": 1,
            "confirmed": 3,
            "waiting": 1,
            "AT1": 3,
            "present": 3,
            "RG2": 1,
            "online": 2,
            "phone": 1,
            "on_site": 1,
        },
        "2025-03": {
            **zero,
            "EV1": 2,
            "confirmed": 4,
            "waiting": 1,
            "cancelled": 1,
            "AT1": 1,
            "present": 1,
            "absent": 1,
            "RG2": 1,
            "online": 4,
            "phone": 2,
        },
    }
    assert sum(m["AT1"] for m in months.values()) == figures.attendances(Q1)
    empty = figures.monthly(Period(datetime.date(2030, 11, 15), datetime.date(2031, 1, 5)))
    assert list(empty) == ["2030-11", "2030-12", "2031-01"]
    assert all(value == 0 for cells in empty.values() for value in cells.values())


def test_local_dates_do_not_depend_on_the_active_time_zone(data):
    expected = (
        figures.monthly(Q1, now=AFTER),
        figures.participants_by_age_gender(Q1),
        figures.organisations_first_activity(),
        figures.events_held(Q1),
    )
    with timezone.override(datetime.UTC):
        assert (
            figures.monthly(Q1, now=AFTER),
            figures.participants_by_age_gender(Q1),
            figures.organisations_first_activity(),
            figures.events_held(Q1),
        ) == expected


# -- scopes ------------------------------------------------------------------------------------


def test_organisation_scope_covers_initiatives_led_and_partnered_once(data):
    org_a, org_b, org_c, org_d = data["orgs"]
    # A leads I1 (which has two partners: no event may count twice) and I2.
    assert figures.events_held(Q1, Scope(organisation=org_a.pk)) == 3  # E1, E2, E3
    assert figures.places_offered(Q1, Scope(organisation=org_a.pk)) == 23
    # B leads I3 and partners I1.
    assert figures.events_held(Q1, Scope(organisation=org_b.pk)) == 3  # E1, E2, E4
    assert figures.attendances(Q1, Scope(organisation=org_b.pk)) == 5
    assert figures.events_held(Q1, Scope(organisation=org_d.pk)) == 0
    assert figures.events_cancelled(Q1, Scope(organisation=org_d.pk)) == 1


def test_initiative_scope(data):
    i1 = data["initiatives"][0]
    scope = Scope(initiative=i1.pk)
    assert figures.events_held(Q1, scope) == 2
    assert figures.participants(Q1, scope) == 4  # p1, p2, p4, p5
    assert figures.attendances(Q1, scope) == 5


def test_area_scope_counts_its_residents(data):
    a1 = data["areas"][0]
    scope = Scope(area=a1.pk)
    # Residents of A1: p1, p2 (and p7, confirmed only for the cancelled E5).
    assert figures.events_held(Q1, scope) == 3  # E1, E2, E4
    assert figures.places_offered(Q1, scope) == 21
    assert figures.events_cancelled(Q1, scope) == 1
    assert figures.fill_rate(Q1, scope) == (6, 21)  # p1 3 + 1 + 1, p2 1
    assert figures.attendance_recorded(Q1, scope, now=AFTER) == (2, 3)
    assert figures.attendances(Q1, scope) == 3
    assert figures.companions(Q1, scope) == 2
    assert figures.participants(Q1, scope) == 2
    assert figures.new_participants(Q1, scope) == 1  # p2 returns
    assert figures.registrations(Q1, scope)[("confirmed", "phone")] == 2


# -- reach -------------------------------------------------------------------------------------


def test_reach_counts_participants_and_pass_holders_once(data):
    a1, a2 = data["areas"]
    assert figures.reach_persons(Q1) == {
        # p1 (participant and holder, once), p2 (60, a man), p7 (holder, 60 at the end of Q1)
        a1.pk: {"persons": 3, "60+": 3, "post_working_age": 2},
        # p6 (no year of birth), p8 (holder active again from 15 March); not p10 (active and
        # suspended the same day) nor p9 (expired in December)
        a2.pk: {"persons": 2, "60+": 1, "post_working_age": 1},
        OUTSIDE: {"persons": 1, "60+": 1, "post_working_age": 1},
        # p5 (gender not given); not p11 (a pass with no recorded history is never active)
        NOT_GIVEN: {"persons": 1, "60+": 1, "post_working_age": 0},
    }
    assert figures.reach_persons(Q1, Scope(area=a2.pk)) == {
        a2.pk: {"persons": 2, "60+": 1, "post_working_age": 1},
        OUTSIDE: {"persons": 0, "60+": 0, "post_working_age": 0},
        NOT_GIVEN: {"persons": 0, "60+": 0, "post_working_age": 0},
    }
    # Passes belong to no initiative.
    i2 = data["initiatives"][1]
    assert figures.reach_persons(Q1, Scope(initiative=i2.pk))[a2.pk]["persons"] == 1  # p6


def test_passes_active_in_a_period(data):
    # The reach figures take the holders from the passes module's PA1b.
    passes = passes_active_in_queryset(Q1)
    holders = set(passes.values_list("holder__last_name", flat=True))
    assert holders == {"Testowa1", "Testowa7", "Testowa8"}  # not p11's pass without history
    # In January 2024 only p1's and p8's passes had been issued (p9's on 1 February).
    january = Period(datetime.date(2024, 1, 1), datetime.date(2024, 1, 31))
    assert passes_active_in_queryset(january).count() == 2


# -- funding and partners ----------------------------------------------------------------------


def test_funding_of_initiatives_with_an_event_in_the_period(data):
    assert figures.funding_by_source(Q1) == {
        "municipal": Decimal("1300.00"),
        "esf": Decimal("2500.50"),
    }
    i1, i2, i3, i4 = data["initiatives"]
    assert figures.funding_by_source(Q1, Scope(initiative=i2.pk)) == {
        "municipal": Decimal("300.00")
    }
    assert figures.initiatives_with_events(Q1) == {i1.pk, i2.pk, i3.pk}


def test_organisations_active_and_their_first_activity(data):
    org_a, org_b, org_c, org_d = data["orgs"]
    assert figures.organisations_active(Q1) == {org_a.pk, org_b.pk, org_c.pk}
    first = figures.organisations_first_activity()
    assert first[org_a.pk] == datetime.date(2024, 12, 31)  # E6
    assert first[org_b.pk] == datetime.date(2025, 1, 1)  # E1, local date
    assert first[org_c.pk] == datetime.date(2025, 1, 1)
    assert first[org_d.pk] == datetime.date(2024, 6, 1)  # E7; E5 was cancelled


def test_indicators_are_defined_with_their_thresholds(data):
    for id in ("EV1", "EV3", "EV6", "RG1", "RG2", "AT1", "AT2", "AT3", "PE1", "PE3", "PE6"):
        assert id in INDICATORS
    assert INDICATORS["PE5"].k == 5
    assert INDICATORS["EV3"].unit == "hours"
    assert INDICATORS["FI1"].unit == "pln"
    labels = figures.labels()
    assert set(labels["registration_status"]) == {"confirmed", "waiting", "cancelled"}
    assert set(labels["source"]) == {"online", "phone", "on_site"}
    assert "health" in labels["category"] and "esf" in labels["funding_source"]


# -- query counts ------------------------------------------------------------------------------

BREAKDOWNS = [
    lambda period: figures.participants_by_age_gender(period),
    lambda period: figures.participants_by_residence(period),
    lambda period: figures.events_by_category_kind(period),
    lambda period: figures.monthly(period),
    lambda period: figures.reach_persons(period),
    lambda period: figures.registrations(period),
    lambda period: figures.organisations_active(period),
]


def _add_events(count: int, offset: int) -> None:
    a1 = Area.objects.get(name="Centrum")
    for n in range(count):
        initiative = InitiativeFactory(kind=("club", "seminar")[n % 2], category="support")
        event = EventFactory(
            initiative=initiative,
            starts_at=local(2030, 1 + n % 12, 1 + n % 28, 10, 0),
            ends_at=local(2030, 1 + n % 12, 1 + n % 28, 12, 0),
        )
        participant = Participant.objects.create(
            first_name="Ilość",
            last_name=f"Zapytań{offset + n}",
            email=f"queries{offset + n}@example.org",
            birth_year=1940 + n,
            gender=("woman", "man", "not_given")[n % 3],
            area=a1 if n % 2 else None,
            consent_text_version="2026-11",
            consent_given_at=local(2024, 1, 1, 12, 0),
            consent_scope="registration",
        )
        Registration.objects.create(
            event=event, participant=participant, status="confirmed", attendance="present"
        )


def _queries(function, period) -> int:
    with CaptureQueriesContext(connection) as queries:
        function(period)
    return len(queries)


def test_breakdowns_take_the_same_number_of_queries_for_more_data(data):
    year = Period(datetime.date(2030, 1, 1), datetime.date(2030, 12, 31))
    _add_events(2, offset=0)
    few = [_queries(function, year) for function in BREAKDOWNS]
    _add_events(18, offset=2)
    many = [_queries(function, year) for function in BREAKDOWNS]
    assert few == many
    assert figures.participants(year) == 20
    assert max(many) <= 2
