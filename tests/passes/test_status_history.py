"""Every service that gives a pass a status writes it to the pass's history (REPORTS.md §9 D4)."""

import datetime

import pytest
import time_machine

from calportal.reports.periods import WARSAW
from initiatives.passes import services
from initiatives.passes.models import PassStatus, PassStatusChange, SeniorPass
from tests.factories import UserFactory
from tests.passes.conftest import senior

# 23:30 local on 14 January is already the 14th in Warsaw but 22:30 UTC: the local date counts.
LATE_EVENING = datetime.datetime(2026, 1, 14, 23, 30, tzinfo=WARSAW)


def history(senior_pass) -> list[tuple]:
    return list(
        PassStatusChange.objects.filter(senior_pass=senior_pass).values_list(
            "status", "started_on", "reason", "changed_by"
        )
    )


@pytest.fixture
def clerk(db):
    return UserFactory()


@pytest.fixture
def issued(clerk, programme):
    with time_machine.travel(LATE_EVENING, tick=False):
        return services.pass_issue(person=senior(1), issued_by=clerk)


def test_issuing_a_pass_begins_its_history(clerk, issued):
    assert history(issued) == [("active", datetime.date(2026, 1, 14), "", clerk.pk)]


def test_suspending_reactivating_and_revoking_are_written_with_the_note_and_the_user(clerk, issued):
    with time_machine.travel(datetime.datetime(2026, 2, 1, 10, tzinfo=WARSAW), tick=False):
        services.pass_set_status(
            senior_pass=issued, status=PassStatus.SUSPENDED, note=" w szpitalu ", changed_by=clerk
        )
    with time_machine.travel(datetime.datetime(2026, 3, 1, 10, tzinfo=WARSAW), tick=False):
        services.pass_set_status(senior_pass=issued, status=PassStatus.ACTIVE)
    with time_machine.travel(datetime.datetime(2026, 3, 1, 12, tzinfo=WARSAW), tick=False):
        services.pass_set_status(
            senior_pass=issued, status=PassStatus.REVOKED, note="nadużycie", changed_by=clerk
        )

    assert history(issued) == [
        ("active", datetime.date(2026, 1, 14), "", clerk.pk),
        ("suspended", datetime.date(2026, 2, 1), "w szpitalu", clerk.pk),
        ("active", datetime.date(2026, 3, 1), "", None),
        ("revoked", datetime.date(2026, 3, 1), "nadużycie", clerk.pk),
    ]


def test_a_refused_change_writes_nothing(issued):
    services.pass_set_status(senior_pass=issued, status=PassStatus.REVOKED)

    with pytest.raises(services.PassError):
        services.pass_set_status(senior_pass=issued, status=PassStatus.SUSPENDED)

    assert [row[0] for row in history(issued)] == ["active", "revoked"]


def test_replacing_a_lost_pass_closes_the_old_one_and_begins_the_new_ones_history(clerk, issued):
    with time_machine.travel(datetime.datetime(2026, 5, 4, 9, tzinfo=WARSAW), tick=False):
        new = services.pass_replace(senior_pass=issued, issued_by=clerk, note="zgubiony")

    assert history(issued)[-1] == ("replaced", datetime.date(2026, 5, 4), "zgubiony", clerk.pk)
    assert history(new) == [("active", datetime.date(2026, 5, 4), "", clerk.pk)]


def test_expiry_is_dated_the_day_after_the_last_valid_day_and_stays_set_based(
    clerk, programme, django_assert_num_queries
):
    with time_machine.travel(LATE_EVENING, tick=False):
        passes = [services.pass_issue(person=senior(n), issued_by=clerk) for n in range(1, 4)]
        services.pass_set_status(senior_pass=passes[1], status=PassStatus.SUSPENDED)
        services.pass_set_status(senior_pass=passes[2], status=PassStatus.REVOKED)
    SeniorPass.objects.filter(pk__in=[p.pk for p in passes]).update(
        valid_until=datetime.date(2026, 6, 30)
    )

    # select + update + insert, in a transaction (savepoint and release): however many expire.
    with django_assert_num_queries(5):
        assert services.passes_expire(today=datetime.date(2026, 7, 3)) == 2

    expired = datetime.date(2026, 7, 1)
    assert history(passes[0])[-1] == ("expired", expired, "", None)
    assert history(passes[1]) == [
        ("active", datetime.date(2026, 1, 14), "", clerk.pk),
        ("suspended", datetime.date(2026, 1, 14), "", None),
        ("expired", expired, "", None),
    ]
    assert history(passes[2])[-1][0] == "revoked"  # a revoked pass stays revoked
    assert services.passes_expire(today=datetime.date(2026, 7, 3)) == 0  # nothing twice


def test_a_pass_history_reads_in_the_order_it_happened(clerk, issued):
    with time_machine.travel(datetime.datetime(2026, 2, 1, 10, tzinfo=WARSAW), tick=False):
        services.pass_set_status(senior_pass=issued, status=PassStatus.SUSPENDED)
    SeniorPass.objects.filter(pk=issued.pk).update(valid_until=datetime.date(2026, 1, 31))
    # The nightly sweep runs two days late: the expiry still begins on 1 February, after the
    # suspension recorded that morning.
    with time_machine.travel(datetime.datetime(2026, 2, 3, 2, tzinfo=WARSAW), tick=False):
        services.passes_expire()

    assert [(change.status, change.started_on) for change in issued.status_changes.all()] == [
        ("active", datetime.date(2026, 1, 14)),
        ("suspended", datetime.date(2026, 2, 1)),
        ("expired", datetime.date(2026, 2, 1)),
    ]
