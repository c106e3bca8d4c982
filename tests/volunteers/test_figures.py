"""Volunteering report figures (VO1–VO8) on a small fixed data set, values counted by hand.

The data (period P = Q1 2026). Organisations OA and OB; initiative I1 with event E1;
opportunities OP1 (OA, for I1), OP2 (OA, for E1), OP3 (OB, work with children, "Zajęcia dla
dzieci"). The rate is 31.40 zł an hour.

    volunteer  host  area  agreement               hours (A approved, S submitted, R rejected)
    W1         OA    A1    2025-10-01 – open       A 2025-10-05 2 h; A 01-10 3 h OP1; A 02-10 1 h;
                                                   S 03-05 2 h
    W2         OA    —     —                       A 01-20 2 h OP2; A 03-01 1 h for I1
    W3         OB    A1    —                       A 03-20 4 h OP3 (check valid); R 03-25 1 h
    W4         OB    —     —                       A 02-02 0.5 h "zajęcia  dla DZIECI " (check
                                                   ran out 01-31); A 04-01 1 h
    W5         OB    —     —                       S 01-15 2 h
    W6         OA    —     2026-01-01 – 06-30      A 01-05 1 h

Shifts: OP1 03-31 23:30 (3 needed, 2 assigned), OP2 01-20 (2, 2), OP2 04-01 00:30 (2, 1),
OP3 02-10 (4, 4). Certificates: W1 issued 03-31, W3 issued 04-01.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from calportal.reports.figures import Amount, Scope
from calportal.reports.periods import WARSAW, Period
from resources_map.models import Area
from tests.factories import EventFactory, InitiativeFactory, OrganisationFactory
from volunteers import figures
from volunteers.models import (
    Agreement,
    Certificate,
    ChildSafetyCheck,
    EntryStatus,
    HoursEntry,
    Opportunity,
    Shift,
    Volunteer,
    VolunteerRate,
)

Q1 = Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
APRIL = Period(datetime.date(2026, 4, 1), datetime.date(2026, 4, 30))
D = datetime.date
A, S, R = EntryStatus.APPROVED, EntryStatus.SUBMITTED, EntryStatus.REJECTED


def at(year, month, day, hour=10, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=WARSAW)


def make_volunteer(organisation, n, *, areas=()) -> Volunteer:
    volunteer = Volunteer.objects.create(
        organisation=organisation, first_name=f"W{n}", last_name="Testowy", birth_year=1990
    )
    volunteer.areas.set(areas)
    return volunteer


def entry(volunteer, day, hours, status=A, **fields) -> HoursEntry:
    if not fields.get("opportunity") and not fields.get("initiative"):
        fields.setdefault("activity", "Biuro")
    return HoursEntry.objects.create(
        volunteer=volunteer,
        date=day,
        quarters=int(hours * 4),
        status=status,
        reject_reason="Pomyłka" if status == R else "",
        decided_at=None if status == S else at(2026, 4, 2),
        **fields,
    )


@pytest.fixture(scope="module")
def data(django_db_setup, django_db_blocker):
    """Created once for the module inside a transaction rolled back at its end; each test
    runs in a savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        VolunteerRate.objects.all().delete()
        VolunteerRate.objects.create(
            valid_from=D(2000, 1, 1), hourly_rate=Decimal("31.40"), source="test"
        )
        a1 = Area.objects.create(name="Osiedle Jeziorany", kind="district")
        oa = OrganisationFactory(name="Stowarzyszenie A")
        ob = OrganisationFactory(name="Fundacja B")
        i1 = InitiativeFactory(lead_organisation=oa)
        e1 = EventFactory(initiative=i1, starts_at=at(2026, 1, 20), ends_at=at(2026, 1, 20, 12))
        op1 = Opportunity.objects.create(organisation=oa, title="Pomoc w I1", initiative=i1)
        op2 = Opportunity.objects.create(organisation=oa, title="Pomoc na E1", event=e1)
        op3 = Opportunity.objects.create(
            organisation=ob, title="Zajęcia dla dzieci", involves_children=True
        )
        w1 = make_volunteer(oa, 1, areas=[a1])
        w2 = make_volunteer(oa, 2)
        w3 = make_volunteer(ob, 3, areas=[a1])
        w4 = make_volunteer(ob, 4)
        w5 = make_volunteer(ob, 5)
        w6 = make_volunteer(oa, 6)
        Agreement.objects.create(
            volunteer=w1, starts_on=D(2025, 10, 1), scope="Biuro", signed_on=D(2025, 10, 1)
        )
        Agreement.objects.create(
            volunteer=w6,
            starts_on=D(2026, 1, 1),
            ends_on=D(2026, 6, 30),
            scope="Biuro",
            signed_on=D(2026, 1, 1),
        )
        ChildSafetyCheck.objects.create(volunteer=w3, checked_on=D(2026, 1, 1), checked_by="X")
        ChildSafetyCheck.objects.create(
            volunteer=w4, checked_on=D(2025, 2, 1), valid_until=D(2026, 1, 31), checked_by="X"
        )
        entry(w1, D(2025, 10, 5), 2)
        entry(w1, D(2026, 1, 10), 3, opportunity=op1)
        entry(w1, D(2026, 2, 10), 1)
        w1_pending = entry(w1, D(2026, 3, 5), 2, S)
        entry(w2, D(2026, 1, 20), 2, opportunity=op2)
        entry(w2, D(2026, 3, 1), 1, initiative=i1)
        entry(w3, D(2026, 3, 20), 4, opportunity=op3)
        entry(w3, D(2026, 3, 25), 1, R)
        entry(w4, D(2026, 2, 2), 0.5, activity=" zajęcia  dla DZIECI ")
        entry(w4, D(2026, 4, 1), 1)
        w5_pending = entry(w5, D(2026, 1, 15), 2, S)
        entry(w6, D(2026, 1, 5), 1)
        HoursEntry.objects.filter(pk=w1_pending.pk).update(created_at=at(2026, 3, 6, 12))
        HoursEntry.objects.filter(pk=w5_pending.pk).update(created_at=at(2026, 1, 16))
        for opportunity, starts_at, needed, assigned in [
            (op1, at(2026, 3, 31, 23, 30), 3, 2),
            (op2, at(2026, 1, 20), 2, 2),
            (op2, at(2026, 4, 1, 0, 30), 2, 1),
            (op3, at(2026, 2, 10), 4, 4),
        ]:
            Shift.objects.create(
                opportunity=opportunity,
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=2),
                needed=needed,
                assigned_count=assigned,
            )
        for n, (volunteer, issued_on) in enumerate([(w1, D(2026, 3, 31)), (w3, D(2026, 4, 1))]):
            Certificate.objects.create(
                number=f"ZW/2026/{n + 1:04d}",
                year=2026,
                sequence=n + 1,
                volunteer=volunteer,
                period_from=D(2026, 1, 1),
                period_to=D(2026, 3, 31),
                issued_on=issued_on,
                total_quarters=16,
            )
        yield {"a1": a1.pk, "oa": oa.pk, "ob": ob.pk, "i1": i1.pk, "e1": e1.pk}
        transaction.set_rollback(True)


@pytest.fixture
def ids(data, db):
    return data


def test_only_approved_hours_make_active_volunteers_and_hours(ids):
    assert figures.active_volunteers(Q1) == 5  # W1 W2 W3 W4 W6; W5 has pending hours only
    assert figures.new_volunteers(Q1) == 4  # W1 had approved hours in October 2025
    # W1 4 h, W2 3 h, W3 4 h, W4 0.5 h, W6 1 h; W1's and W5's pending hours are not in.
    assert figures.volunteer_hours(Q1) == Amount(Decimal("12.5"), 5, Decimal(4))
    assert figures.hours_by_status(Q1) == {
        "approved": Decimal("12.5"),
        "submitted": Decimal(4),
        "rejected": Decimal(1),
    }


def test_pending_hours_never_enter_the_value(ids):
    assert [r["rate"] for r in figures.rates_in_force(Q1)] == [Decimal("31.40")]
    # 12.5 h × 31.40 zł; the largest part: 4 h × 31.40 zł.
    assert figures.volunteer_value(Q1) == Amount(Decimal("392.50"), 5, Decimal("125.60"))


def test_span_splits_active_volunteers_at_30_days(ids):
    # W1: agreement from 2025-10-01, open to 31 March; W2: 20 January – 1 March (40 days);
    # W6: agreement 1 January – 30 June. W3 and W4: one day each.
    assert figures.volunteer_span(Q1) == {"under_30_days": 2, "30_days_or_more": 3}
    # In January alone W2 has one day of work: under 30 days.
    january = Period(D(2026, 1, 1), D(2026, 1, 31))
    assert figures.volunteer_span(january) == {"under_30_days": 1, "30_days_or_more": 2}


def test_compliance_finds_work_outside_agreements_and_child_work_without_a_check(ids):
    # W2: 40 days without an agreement. W4: work titled like OP3 after the check ran out;
    # W3's check is valid.
    assert figures.compliance(Q1) == {"no_agreement": 1, "no_child_check": 1}
    # W2's January alone is under 30 days.
    january = Period(D(2026, 1, 1), D(2026, 1, 31))
    assert figures.compliance(january) == {"no_agreement": 0, "no_child_check": 0}


def test_shift_fill_by_the_local_start(ids):
    # 23:30 on 31 March is in, 00:30 on 1 April is not.
    assert figures.shift_fill(Q1) == (8, 9)
    assert figures.shift_fill(APRIL) == (1, 2)
    assert figures.shift_fill(Q1, Scope(organisation=ids["oa"])) == (4, 5)
    assert figures.shift_fill(Q1, Scope(initiative=ids["i1"])) == (4, 5)
    assert figures.shift_fill(Q1, Scope(event=ids["e1"])) == (2, 2)
    assert figures.shift_fill(Q1, Scope(area=ids["a1"])) == (0, 0)


def test_certificates_issued(ids):
    assert figures.certificates_issued(Q1) == 1
    assert figures.certificates_issued(APRIL) == 1
    assert figures.certificates_issued(Q1, Scope(organisation=ids["ob"])) == 0
    assert figures.certificates_issued(Q1, Scope(area=ids["a1"])) == 1
    assert figures.certificates_issued(Q1, Scope(initiative=ids["i1"])) == 0


def test_scopes(ids):
    oa = Scope(organisation=ids["oa"])
    i1 = Scope(initiative=ids["i1"])
    e1 = Scope(event=ids["e1"])
    a1 = Scope(area=ids["a1"])

    assert figures.active_volunteers(Q1, oa) == 3
    assert figures.volunteer_hours(Q1, oa) == Amount(Decimal(8), 3, Decimal(4))
    # I1: W1's 3 h through OP1, W2's 2 h through E1's OP2 and 1 h logged for I1 itself.
    assert figures.active_volunteers(Q1, i1) == 2
    assert figures.volunteer_hours(Q1, i1) == Amount(Decimal(6), 2, Decimal(3))
    assert figures.volunteer_hours(Q1, e1) == Amount(Decimal(2), 1, Decimal(2))
    assert figures.active_volunteers(Q1, a1) == 2  # W1, W3
    assert figures.new_volunteers(Q1, a1) == 1  # W3
    assert figures.volunteer_hours(Q1, a1) == Amount(Decimal(8), 2, Decimal(4))
    assert figures.hours_by_status(Q1, a1)["rejected"] == Decimal(1)


def test_by_organisation_adds_up_to_the_totals(ids):
    oa, ob = ids["oa"], ids["ob"]

    rows = figures.by_organisation(Q1)

    assert rows == {
        oa: {
            "VO1": 3,
            "VO2": 2,
            "VO3": Amount(Decimal(8), 3, Decimal(4)),
            "VO4": Amount(Decimal("251.20"), 3, Decimal("125.60")),
            "under_30_days": 0,
            "30_days_or_more": 3,
        },
        ob: {
            "VO1": 2,
            "VO2": 2,
            "VO3": Amount(Decimal("4.5"), 2, Decimal(4)),
            "VO4": Amount(Decimal("141.30"), 2, Decimal("125.60")),
            "under_30_days": 2,
            "30_days_or_more": 0,
        },
    }
    assert sum(row["VO1"] for row in rows.values()) == figures.active_volunteers(Q1)
    assert sum(row["VO2"] for row in rows.values()) == figures.new_volunteers(Q1)
    assert sum(row["VO3"].value for row in rows.values()) == figures.volunteer_hours(Q1).value
    assert sum(row["VO4"].value for row in rows.values()) == figures.volunteer_value(Q1).value


def test_hours_by_month_and_organisation_add_up(ids):
    oa, ob = ids["oa"], ids["ob"]

    cells = figures.hours_by_month_organisation(Q1)

    assert cells == {
        ("2026-01", oa): Amount(Decimal(6), 3, Decimal(3)),
        ("2026-02", oa): Amount(Decimal(1), 1, Decimal(1)),
        ("2026-03", oa): Amount(Decimal(1), 1, Decimal(1)),
        ("2026-02", ob): Amount(Decimal("0.5"), 1, Decimal("0.5")),
        ("2026-03", ob): Amount(Decimal(4), 1, Decimal(4)),
    }
    assert sum(a.value for a in cells.values()) == figures.volunteer_hours(Q1).value


def test_monthly_digest_warnings(ids):
    # Logged 16 January and 6 March (12:00): waiting more than 14 days on 20 and 21 March.
    assert figures.hours_pending_older_than(14, D(2026, 3, 20)) == 1
    assert figures.hours_pending_older_than(14, D(2026, 3, 21)) == 2
    # First hours before 1 March and no agreement on 31 March: W2, W4, W5.
    assert figures.without_agreement_past(30, D(2026, 3, 31)) == 3
    assert figures.without_agreement_past(30, D(2026, 3, 31), Scope(organisation=ids["oa"])) == 1


def test_organisations_active_and_first_activity(ids):
    assert figures.organisations_active(Q1) == {ids["oa"], ids["ob"]}
    assert figures.organisations_active(APRIL) == {ids["ob"]}
    assert figures.organisations_first_activity() == {
        ids["oa"]: D(2025, 10, 5),
        ids["ob"]: D(2026, 2, 2),
    }


def test_the_number_of_queries_does_not_grow_with_the_data(ids):
    calls = [
        lambda: figures.active_volunteers(Q1),
        lambda: figures.new_volunteers(Q1),
        lambda: figures.volunteer_hours(Q1),
        lambda: figures.hours_by_status(Q1),
        lambda: figures.volunteer_value(Q1),
        lambda: figures.volunteer_span(Q1),
        lambda: figures.compliance(Q1),
        lambda: figures.shift_fill(Q1),
        lambda: figures.certificates_issued(Q1),
        lambda: figures.by_organisation(Q1),
        lambda: figures.hours_by_month_organisation(Q1),
        lambda: figures.without_agreement_past(30, D(2026, 3, 31)),
    ]

    def counts():
        result = []
        for call in calls:
            with CaptureQueriesContext(connection) as captured:
                call()
            result.append(len(captured.captured_queries))
        return result

    before = counts()
    organisation = OrganisationFactory()
    for n in range(18):
        volunteer = make_volunteer(organisation, 100 + n)
        entry(volunteer, D(2026, 2, 1) + datetime.timedelta(days=n), 1)
        entry(volunteer, D(2026, 3, 1), 1, S)

    assert counts() == before
    assert figures.volunteer_hours(Q1).value == Decimal("12.5") + 18


def test_the_embedded_database_folds_titles_as_postgresql_does():
    # SQLite (the two-command demo) has no regexp_replace: the portal registers one, so the
    # compliance figures of R1 and R8 work there too.
    import sqlite3
    import types

    from volunteers.figures import sqlite_functions

    raw = sqlite3.connect(":memory:")
    sqlite_functions(None, types.SimpleNamespace(vendor="sqlite", connection=raw))
    sql = r"SELECT lower(regexp_replace(trim('  Opieka   NAD  dziećmi '), '\s+', ' ', 'g'))"
    assert raw.execute(sql).fetchone()[0] == "opieka nad dziećmi"
