"""The programme's report figures (PA1–PA5) on a small fixed data set, values counted by hand.

The data (period P = Q1 2026; local times, Europe/Warsaw):

    holder  gender/born/area     pass  issued      valid until  history in or near P
    H1      woman 1950  A1       p1    2025-06-01  2026-06-01   active
    H2      man   1940  A1       p2    2025-03-01  2026-02-28   expired from 2026-03-01
    H3      —     —     outside  p3    2026-01-10  2027-01-10   replaced 2026-02-15 (lost) by
                                 p3b   2026-02-15  2027-02-15   active
    H4      —     —     —        p4    2026-02-01  2027-02-01   suspended the day it was issued
    H5      man   1955  A2       p5    2025-01-05  2026-12-31   suspended 2025-12-01,
                                                                active again 2026-03-31
    H6      man   1958  A2       p6    2026-04-02  2027-04-02   (after P)
    H7      woman 1945  A1       p7    2025-05-01  2026-05-01   revoked 2025-12-20

Venues: V1 (organisation O1, pool 10 from the programme), V2 (O2, own pool 5, taking part
from Wednesday 2026-01-14). Redemptions: H1 V1 01-05, V1 01-12, V2 02-03, V1 03-31 23:30;
H2 V1 01-20, V2 02-01 00:30 (still 31 January in UTC); H3 p3 V1 01-15, p3b V1 02-20;
H5 V1 2025-12-31 23:30 and V2 2026-04-01 00:30 (both outside P).
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from calportal.reports.figures import NOT_GIVEN, OUTSIDE, Amount, Scope
from calportal.reports.periods import WARSAW, Period
from initiatives.models import Participant
from initiatives.passes import figures
from initiatives.passes.models import (
    PartnerVenue,
    PassStatus,
    PassStatusChange,
    ProgrammeSettings,
    Redemption,
    SeniorPass,
)
from resources_map.models import Area
from tests.factories import OrganisationFactory

Q1 = Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
D = datetime.date


def at(year, month, day, hour=10, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=WARSAW)


def make_holder(n, *, gender="not_given", born=None, area=None, outside=False) -> Participant:
    return Participant.objects.create(
        first_name="Osoba",
        last_name=f"Testowa{n}",
        phone=f"6001000{n:02d}",
        gender=gender,
        birth_year=born,
        area=area,
        outside_municipality=outside,
        consent_text_version="2026-11-sps",
        consent_scope="senior pass",
        consent_given_at=at(2025, 1, 1),
    )


def make_pass(holder, number, issued, valid_until, changes) -> SeniorPass:
    """A pass and its history: active from ``issued``, then ``changes`` [(status, from)]."""
    history = [(PassStatus.ACTIVE, issued), *changes]
    senior_pass = SeniorPass.objects.create(
        holder=holder,
        number=f"SPS-2026-{number:04d}",
        issued_on=issued,
        valid_until=valid_until,
        status=history[-1][0],
    )
    recorded = at(2026, 1, 1)
    PassStatusChange.objects.bulk_create(
        PassStatusChange(senior_pass=senior_pass, status=s, started_on=day, changed_at=recorded)
        for s, day in history
    )
    return senior_pass


@pytest.fixture(scope="module")
def data(django_db_setup, django_db_blocker):
    """Created once for the module inside a transaction that is rolled back at its end; each
    test runs in a savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        programme = ProgrammeSettings.current()
        programme.weekly_pool = 10
        programme.save()
        a1 = Area.objects.create(name="Osiedle Jeziorany", kind="district")
        a2 = Area.objects.create(name="Pysząca", kind="village", urban=False)
        o1 = OrganisationFactory(name="Kawiarnia A sp. z o.o.", sector="business")
        o2 = OrganisationFactory(name="Kawiarnia B sp. z o.o.", sector="business")
        v1 = PartnerVenue.objects.create(
            organisation=o1, name="Kawiarnia A", address="Rynek 1", active_from=D(2025, 1, 1)
        )
        v2 = PartnerVenue.objects.create(
            organisation=o2,
            name="Kawiarnia B",
            address="Rynek 2",
            active_from=D(2026, 1, 14),
            weekly_pool=5,
        )
        h1 = make_holder(1, gender="woman", born=1950, area=a1)
        h2 = make_holder(2, gender="man", born=1940, area=a1)
        h3 = make_holder(3, outside=True)
        h4 = make_holder(4)
        h5 = make_holder(5, gender="man", born=1955, area=a2)
        h6 = make_holder(6, gender="man", born=1958, area=a2)
        h7 = make_holder(7, gender="woman", born=1945, area=a1)
        active = PassStatus.ACTIVE
        p1 = make_pass(h1, 1, D(2025, 6, 1), D(2026, 6, 1), [])
        p2 = make_pass(h2, 2, D(2025, 3, 1), D(2026, 2, 28), [("expired", D(2026, 3, 1))])
        p3b = make_pass(h3, 4, D(2026, 2, 15), D(2027, 2, 15), [])
        p3 = make_pass(h3, 3, D(2026, 1, 10), D(2027, 1, 10), [("replaced", D(2026, 2, 15))])
        SeniorPass.objects.filter(pk=p3.pk).update(replaced_by=p3b)
        make_pass(h4, 5, D(2026, 2, 1), D(2027, 2, 1), [("suspended", D(2026, 2, 1))])
        p5 = make_pass(
            h5,
            6,
            D(2025, 1, 5),
            D(2026, 12, 31),
            [("suspended", D(2025, 12, 1)), (active, D(2026, 3, 31))],
        )
        make_pass(h6, 7, D(2026, 4, 2), D(2027, 4, 2), [])
        make_pass(h7, 8, D(2025, 5, 1), D(2026, 5, 1), [("revoked", D(2025, 12, 20))])
        Redemption.objects.bulk_create(
            Redemption(senior_pass=p, venue=v, redeemed_at=moment)
            for p, v, moment in [
                (p1, v1, at(2026, 1, 5)),
                (p1, v1, at(2026, 1, 12)),
                (p1, v2, at(2026, 2, 3)),
                (p1, v1, at(2026, 3, 31, 23, 30)),
                (p2, v1, at(2026, 1, 20)),
                (p2, v2, at(2026, 2, 1, 0, 30)),
                (p3, v1, at(2026, 1, 15)),
                (p3b, v1, at(2026, 2, 20)),
                (p5, v1, at(2025, 12, 31, 23, 30)),
                (p5, v2, at(2026, 4, 1, 0, 30)),
            ]
        )
        yield {"a1": a1.pk, "a2": a2.pk, "o1": o1.pk, "o2": o2.pk, "v1": v1.pk, "v2": v2.pk}
        transaction.set_rollback(True)


@pytest.fixture
def ids(data, db):
    return data


def test_pa1_stock_counts_passes_active_at_the_end_of_the_day(ids):
    # p1, p3b and p5 (active again on 31 March); p2 expired, p4 suspended, p7 revoked.
    assert figures.passes_active_on(D(2026, 3, 31)) == 3
    # On 14 February p3 was still the working pass; p5 was suspended.
    assert figures.passes_active_on(D(2026, 2, 14)) == 3  # p1, p2, p3
    # On 1 February p4 was suspended the day it was issued: never active.
    assert figures.passes_active_on(D(2026, 2, 1)) == 3  # p1, p2, p3


def test_pa1b_counts_passes_active_on_at_least_one_day_of_the_period(ids):
    # p1, p2 (until 28 February), p3 (until 14 February), p3b, p5 (on 31 March only).
    assert figures.passes_active_in(Q1) == 5
    # December 2025: p1, p2, p5 (until 30 November: no), p7 (until 19 December).
    assert figures.passes_active_in(Period(D(2025, 12, 1), D(2025, 12, 31))) == 3
    # A pass active only on the period's first day counts; one suspended the day it was
    # issued never does.
    assert figures.passes_active_in(Period(D(2026, 2, 1), D(2026, 2, 1))) == 3
    assert figures.passes_active_in(Period(D(2026, 2, 15), D(2026, 2, 15))) == 3  # p1 p2 p3b


def test_pa2_leaves_out_a_pass_that_replaces_a_lost_one(ids):
    assert figures.passes_new(Q1) == 2  # p3 and p4, not p3b


def test_pa3_uses_in_the_period_by_the_local_date(ids):
    # H1 4, H2 2, H3 2 (two passes): 23:30 on 31 March is in, 00:30 on 1 April is not, nor
    # 23:30 on 31 December.
    assert figures.pass_uses(Q1) == Amount(8, 3, 4)
    assert figures.pass_uses(Period(D(2026, 4, 1), D(2026, 4, 30))) == Amount(1, 1, 1)
    assert figures.pass_uses(Period(D(2025, 12, 1), D(2025, 12, 31))) == Amount(1, 1, 1)


def test_pa3_per_month_has_every_month_and_adds_up(ids):
    by_month = figures.pass_uses_by_month(Q1)

    # 00:30 on 1 February (23:30 on 31 January in UTC) is a February use.
    assert by_month == {
        "2026-01": Amount(4, 3, 2),
        "2026-02": Amount(3, 3, 1),
        "2026-03": Amount(1, 1, 1),
    }
    assert sum(a.value for a in by_month.values()) == figures.pass_uses(Q1).value
    # Mondays 5 and 12 January (H1); Tuesdays 20 January (H2), 3 February and 31 March (H1);
    # Thursday 15 January, Friday 20 February (H3); 00:30 on Sunday 1 February (H2) — in UTC
    # still Saturday.
    assert figures.pass_uses_by_weekday(Q1) == {
        1: Amount(2, 1, 2),
        2: Amount(3, 2, 2),
        3: Amount(0),
        4: Amount(1, 1, 1),
        5: Amount(1, 1, 1),
        6: Amount(0),
        7: Amount(1, 1, 1),
    }
    assert figures.pass_uses_by_month(Period(D(2026, 5, 1), D(2026, 6, 30))) == {
        "2026-05": Amount(0),
        "2026-06": Amount(0),
    }


def test_pa3_per_venue_and_month_adds_up(ids):
    v1, v2 = ids["v1"], ids["v2"]

    cells = figures.pass_uses_by_venue_month(Q1)

    assert cells == {
        (v1, "2026-01"): Amount(4, 3, 2),
        (v1, "2026-02"): Amount(1, 1, 1),
        (v1, "2026-03"): Amount(1, 1, 1),
        (v2, "2026-02"): Amount(2, 2, 1),
    }
    assert sum(a.value for a in cells.values()) == 8
    assert figures.venues() == {v1: "Kawiarnia A", v2: "Kawiarnia B"}


def test_pa3_per_venue_and_quarter_counts_each_holder_once(ids):
    v1, v2 = ids["v1"], ids["v2"]

    # V1: H1 3 (January, March), H2 1, H3 2 — 3 holders, not the 5 of the monthly cells.
    expected = {v1: Amount(6, 3, 3), v2: Amount(2, 2, 1)}
    assert figures.pass_uses_by_venue(Q1) == expected
    assert figures.pass_uses_by_venue_quarter(Q1) == {
        (v1, "2026 Q1"): expected[v1],
        (v2, "2026 Q1"): expected[v2],
    }
    o1 = Scope(organisation=ids["o1"])
    assert figures.pass_uses_by_venue(Q1, o1) == {v1: Amount(6, 3, 3)}
    assert figures.pass_uses_by_venue_quarter(Q1, o1) == {(v1, "2026 Q1"): Amount(6, 3, 3)}
    # The quarter of the local date: 00:30 on 1 April (31 March in UTC) is in Q2.
    april = Period(D(2026, 4, 1), D(2026, 4, 30))
    assert figures.pass_uses_by_venue_quarter(april) == {(v2, "2026 Q2"): Amount(1, 1, 1)}


def test_one_holder_using_a_venue_every_month_of_a_quarter_is_one_contributor(ids):
    venue = PartnerVenue.objects.get(pk=ids["v1"])
    holder = make_holder(30, gender="woman", born=1950)
    senior_pass = make_pass(holder, 30, D(2026, 6, 1), D(2027, 6, 1), [])
    # Four uses in each of July, August and September; the first at 00:30 on 1 July (still
    # 30 June in UTC) and the last at 23:30 on 30 September. One use at 00:30 on 1 October.
    moments = [
        *(at(2026, 7, 1, 0, 30), at(2026, 7, 6), at(2026, 7, 13), at(2026, 7, 20)),
        *(at(2026, 8, 6), at(2026, 8, 13), at(2026, 8, 20), at(2026, 8, 27)),
        *(at(2026, 9, 6), at(2026, 9, 13), at(2026, 9, 20), at(2026, 9, 30, 23, 30)),
    ]
    Redemption.objects.bulk_create(
        Redemption(senior_pass=senior_pass, venue=venue, redeemed_at=moment)
        for moment in [*moments, at(2026, 10, 1, 0, 30)]
    )
    assert len(moments) == 12
    half_year = Period(D(2026, 6, 1), D(2026, 12, 31))

    cells = figures.pass_uses_by_venue_quarter(half_year)

    assert cells == {
        (venue.pk, "2026 Q3"): Amount(12, contributors=1, largest=12),
        (venue.pk, "2026 Q4"): Amount(1, 1, 1),
    }
    # Adding the months would have counted the holder three times.
    months = figures.pass_uses_by_venue_month(half_year)
    assert sum(a.contributors for (_v, month), a in months.items() if month < "2026-10") == 3
    assert figures.pass_uses_by_venue(half_year) == {venue.pk: Amount(13, 1, 13)}


def test_pa4_counts_a_holder_with_a_replaced_pass_once(ids):
    # Users H1, H2, H3 (two passes, one person); holders of PA1b passes H1, H2, H3, H5.
    assert figures.pass_users(Q1) == (3, 4)


def test_pa5_pool_use_over_the_whole_weeks_of_the_period(ids):
    v1, v2 = ids["v1"], ids["v2"]

    pool_use = figures.pool_use_by_venue(Q1)

    # Whole weeks: Monday 5 January to Sunday 29 March, 12 weeks; the use on 31 March is in a
    # week that runs past the period. V2 takes part from Wednesday 14 January: 11 weeks.
    assert pool_use == {
        v1: {"uses": 5, "weeks": 12, "pool": 10, "mean_share": Decimal(5) / 120},
        v2: {"uses": 2, "weeks": 11, "pool": 5, "mean_share": Decimal(2) / 55},
    }
    assert figures.pool_use_by_venue(Period(D(2026, 1, 1), D(2026, 1, 4))) == {}


def test_holders_by_age_gender_and_by_area_add_up_to_the_stock(ids):
    day = D(2026, 3, 31)

    by_age_gender = figures.holders_by_age_gender(day)
    by_area = figures.holders_by_area(day)

    assert {key: n for key, n in by_age_gender.items() if n} == {
        ("75-84", "female"): 1,  # H1, born 1950
        ("unknown", "not_given"): 1,  # H3
        ("65-74", "male"): 1,  # H5, born 1955
    }
    assert len(by_age_gender) == 10 * 3
    assert by_area == {ids["a1"]: 1, OUTSIDE: 1, ids["a2"]: 1, NOT_GIVEN: 0}
    assert sum(by_age_gender.values()) == sum(by_area.values()) == figures.passes_active_on(day)


def test_an_area_covers_the_holders_living_there(ids):
    a1 = Scope(area=ids["a1"])

    assert figures.passes_active_on(D(2026, 3, 31), a1) == 1  # p1
    assert figures.passes_active_in(Q1, a1) == 2  # p1, p2
    assert figures.passes_new(Q1, a1) == 0
    assert figures.pass_uses(Q1, a1) == Amount(6, 2, 4)
    assert figures.pass_users(Q1, a1) == (2, 2)
    assert figures.holders_by_area(D(2026, 3, 31), a1) == {ids["a1"]: 1, OUTSIDE: 0, NOT_GIVEN: 0}


def test_an_organisation_covers_the_uses_at_its_venue_and_no_holder_data(ids):
    o1 = Scope(organisation=ids["o1"])

    assert figures.pass_uses(Q1, o1) == Amount(6, 3, 3)  # H1 3, H2 1, H3 2 at V1
    assert figures.pass_users(Q1, o1) == (3, 0)
    assert figures.pass_uses_by_month(Q1, o1)["2026-02"] == Amount(1, 1, 1)
    assert set(figures.pool_use_by_venue(Q1, o1)) == {ids["v1"]}
    assert figures.passes_active_on(D(2026, 3, 31), o1) == 0
    assert figures.passes_active_in(Q1, o1) == 0
    assert figures.passes_new(Q1, o1) == 0
    assert sum(figures.holders_by_age_gender(D(2026, 3, 31), o1).values()) == 0


@pytest.mark.parametrize("scope", [Scope(initiative=1), Scope(event=1)])
def test_an_initiative_or_event_has_no_pass_figures(ids, scope):
    assert figures.passes_active_on(D(2026, 3, 31), scope) == 0
    assert figures.passes_active_in(Q1, scope) == 0
    assert figures.passes_new(Q1, scope) == 0
    assert figures.pass_uses(Q1, scope) == Amount(0)
    assert figures.pass_users(Q1, scope) == (0, 0)
    assert figures.pass_uses_by_venue_month(Q1, scope) == {}
    assert figures.pass_uses_by_venue_quarter(Q1, scope) == {}
    assert figures.pass_uses_by_venue(Q1, scope) == {}
    assert figures.pool_use_by_venue(Q1, scope) == {}


def test_expiring_passes_and_active_organisations(ids):
    assert figures.passes_expiring(D(2026, 6, 1), D(2026, 6, 30)) == 1  # p1
    assert figures.passes_expiring(D(2026, 2, 1), D(2026, 2, 28)) == 0  # p2 is expired
    assert figures.organisations_active(Q1) == {ids["o1"], ids["o2"]}
    assert figures.organisations_active(Period(D(2026, 4, 1), D(2026, 4, 30))) == {ids["o2"]}
    # V2's first use was at 00:30 on 1 February: the local date, not 31 January.
    assert figures.organisations_first_activity() == {
        ids["o1"]: D(2025, 12, 31),
        ids["o2"]: D(2026, 2, 1),
    }


def test_the_number_of_queries_does_not_grow_with_the_data(ids):
    calls = [
        lambda: figures.passes_active_on(D(2026, 3, 31)),
        lambda: figures.passes_active_in(Q1),
        lambda: figures.passes_new(Q1),
        lambda: figures.pass_uses(Q1),
        lambda: figures.pass_uses_by_venue_month(Q1),
        lambda: figures.pass_uses_by_venue_quarter(Q1),
        lambda: figures.pass_uses_by_venue(Q1),
        lambda: figures.pass_uses_by_month(Q1),
        lambda: figures.pass_uses_by_weekday(Q1),
        lambda: figures.pass_users(Q1),
        lambda: figures.pool_use_by_venue(Q1),
        lambda: figures.holders_by_age_gender(D(2026, 3, 31)),
        lambda: figures.holders_by_area(D(2026, 3, 31)),
        lambda: figures.organisations_first_activity(),
    ]

    def counts():
        result = []
        for call in calls:
            with CaptureQueriesContext(connection) as captured:
                call()
            result.append(len(captured.captured_queries))
        return result

    before = counts()
    venue = PartnerVenue.objects.get(pk=ids["v2"])
    for n in range(18):
        holder = make_holder(20 + n, gender="woman", born=1940 + n, outside=n % 2 == 0)
        senior_pass = make_pass(holder, 100 + n, D(2026, 1, 2), D(2027, 1, 2), [])
        Redemption.objects.create(senior_pass=senior_pass, venue=venue, redeemed_at=at(2026, 2, 4))

    assert counts() == before
    assert figures.pass_uses(Q1).value == 8 + 18
