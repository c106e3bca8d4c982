"""Capacity under concurrency, on the real PostgreSQL: many people press "sign up" at once.

SQLite serialises all writes, so these tests only mean something on PostgreSQL (CI).
"""

import threading
import time

import pytest
from django.db import connection, connections

from initiatives import services
from initiatives.models import Event, Registration, RegistrationStatus
from tests.conftest import require
from tests.factories import EventFactory
from tests.initiatives.conftest import person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    require(connection.vendor == "postgresql", "concurrency tests need PostgreSQL")


def run_at_once(functions) -> list:
    """Run each function in its own thread and database connection, released together."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def worker(index, function):
        try:
            barrier.wait(timeout=30)
            results[index] = function()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=worker, args=(index, function))
        for index, function in enumerate(functions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def signup(event_id: int, n: int):
    return lambda: services.registration_create(event_id=event_id, person=person(n))


def counts(event: Event) -> tuple[int, int, int]:
    event.refresh_from_db()
    confirmed = Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
    waiting = Registration.objects.filter(event=event, status=RegistrationStatus.WAITING)
    return confirmed.count(), waiting.count(), event.places_taken


def test_fifty_simultaneous_signups_fill_ten_places_and_queue_the_rest():
    event = EventFactory(capacity=10)

    results = run_at_once([signup(event.pk, n) for n in range(50)])

    assert [r for r in results if isinstance(r, Exception)] == []
    assert counts(event) == (10, 40, 10)


def test_simultaneous_cancellations_promote_the_waiting_list_in_order():
    event = EventFactory(capacity=10)
    for n in range(30):
        services.registration_create(event_id=event.pk, person=person(n))
    confirmed = list(Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED))
    first_waiting = list(
        Registration.objects.filter(event=event, status=RegistrationStatus.WAITING).order_by(
            "queued_at", "pk"
        )[:10]
    )

    results = run_at_once(
        [
            (lambda pk=registration.pk: services.registration_cancel(registration_id=pk))
            for registration in confirmed
        ]
    )

    assert [r for r in results if isinstance(r, Exception)] == []
    assert counts(event) == (10, 10, 10)
    promoted = set(
        Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).values_list(
            "pk", flat=True
        )
    )
    assert promoted == {registration.pk for registration in first_waiting}


def test_signups_and_cancellations_at_once_never_exceed_the_places():
    event = EventFactory(capacity=10)
    for n in range(10):
        services.registration_create(event_id=event.pk, person=person(n))
    to_cancel = list(Registration.objects.filter(event=event).values_list("pk", flat=True)[:5])

    run_at_once(
        [signup(event.pk, 100 + n) for n in range(20)]
        + [(lambda pk=pk: services.registration_cancel(registration_id=pk)) for pk in to_cancel]
    )

    confirmed, waiting, taken = counts(event)
    assert confirmed == taken == 10
    assert waiting == 15


def test_control_without_the_lock_the_race_is_real(monkeypatch):
    """Shows the tests above can fail: with the row lock removed, the places are overbooked."""
    event = EventFactory(capacity=10)
    fits = services._fits_without_jumping_the_queue

    def slow_fits(event, places):
        result = fits(event, places)
        time.sleep(0.05)  # widen the window between the check and the write
        return result

    monkeypatch.setattr(
        services,
        "_lock_event",
        lambda event_id: Event.objects.select_related("initiative").get(pk=event_id),
    )
    monkeypatch.setattr(services, "_fits_without_jumping_the_queue", slow_fits)

    results = run_at_once([signup(event.pk, n) for n in range(30)])

    confirmed = Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
    errors = [r for r in results if isinstance(r, Exception)]
    assert confirmed.count() > 10 or errors


def assert_counters_match(*events: Event) -> None:
    """The invariant: each event's counter is the sum of its confirmed registrations' places."""
    from django.db.models import Sum

    for event in events:
        event.refresh_from_db()
        confirmed = Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
        assert event.places_taken == (confirmed.aggregate(total=Sum("places"))["total"] or 0)
        assert event.places_taken <= event.capacity


def test_moving_and_cancelling_the_same_registrations_at_once_keeps_the_counts(staff):
    source = EventFactory(capacity=20)
    target = EventFactory(initiative=source.initiative, capacity=20)
    for n in range(20):
        services.registration_create(event_id=source.pk, person=person(n))
    registrations = list(Registration.objects.filter(event=source).values_list("pk", flat=True))

    results = run_at_once(
        [
            (
                lambda pk=pk: services.registration_move(
                    registration_id=pk, to_event_id=target.pk, moved_by=staff
                )
            )
            for pk in registrations
        ]
        + [(lambda pk=pk: services.registration_cancel(registration_id=pk)) for pk in registrations]
    )

    unexpected = [
        r
        for r in results
        if isinstance(r, Exception) and not isinstance(r, services.RegistrationError)
    ]
    assert unexpected == []
    assert_counters_match(source, target)


def test_fifty_mixed_operations_keep_every_counter_exact(staff):
    first = EventFactory(capacity=10, max_companions=2)
    second = EventFactory(initiative=first.initiative, capacity=10, max_companions=2)
    for n in range(15):
        services.registration_create(event_id=first.pk, person=person(n), companions=n % 3)
    existing = list(Registration.objects.values_list("pk", flat=True))
    operations = []
    for n, pk in enumerate(existing):
        if n % 3 == 0:
            operations.append(lambda pk=pk: services.registration_cancel(registration_id=pk))
        elif n % 3 == 1:
            operations.append(
                lambda pk=pk: services.registration_move(
                    registration_id=pk, to_event_id=second.pk, moved_by=staff
                )
            )
    operations += [
        (
            lambda n=n: services.registration_create(
                event_id=(first if n % 2 else second).pk, person=person(500 + n), companions=n % 2
            )
        )
        for n in range(35)
    ]
    operations.append(lambda: services.event_set_capacity(event_id=second.pk, capacity=14))

    results = run_at_once(operations)

    assert [
        r
        for r in results
        if isinstance(r, Exception) and not isinstance(r, services.RegistrationError)
    ] == []
    assert_counters_match(first, second)
