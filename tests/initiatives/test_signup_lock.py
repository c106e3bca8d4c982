"""A signup holds the event's row lock — which every other signup for that event waits for —
only for the decision: the person, the registration and the consents are written before it,
the waiting list is not read when no place is free, the confirmation is composed by the worker
after the commit, and the e-mail lookup uses its index."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calportal.contacts import same_contact_q
from initiatives import services
from initiatives.models import Participant, RegistrationStatus
from tests.factories import EventFactory
from tests.initiatives.conftest import person

pytestmark = pytest.mark.django_db

# After SELECT … FOR UPDATE of the event: the waiting-list read, the new registration's status
# with its audit trail (the row before, the log entry), the places counter, and the confirmation
# to compose (one row; the worker renders it after the commit).
QUERIES_UNDER_THE_LOCK = 6


@pytest.fixture
def with_a_worker():
    """Celery as deployed (not eager): work goes to the worker after the commit."""
    from calportal.celery import app

    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


def queries_after_the_lock(captured) -> list[str]:
    sql = [query["sql"] for query in captured]
    start = next(
        i for i, text in enumerate(sql) if "FOR UPDATE" in text and "initiatives_event" in text
    )
    return [text for text in sql[start + 1 :] if "SAVEPOINT" not in text]


def test_the_lock_is_held_for_the_decision_only(with_a_worker):
    event = EventFactory(capacity=50)
    services.registration_create(event_id=event.pk, person=person(0))

    with CaptureQueriesContext(connection) as captured:
        result = services.registration_create(event_id=event.pk, person=person(1))

    assert result.registration.status == RegistrationStatus.CONFIRMED
    under = queries_after_the_lock(captured.captured_queries)
    assert not any("privacy_consent" in text for text in under)  # written before the lock
    assert not any('INSERT INTO "initiatives_participant"' in text for text in under)
    assert not any("post_office" in text for text in under)  # the e-mail: in the worker
    assert len(under) == QUERIES_UNDER_THE_LOCK, "\n".join(text[:90] for text in under)


def test_a_full_event_does_not_read_its_waiting_list_under_the_lock():
    event = EventFactory(capacity=1)
    services.registration_create(event_id=event.pk, person=person(0))
    for n in range(1, 6):
        services.registration_create(event_id=event.pk, person=person(n))

    with CaptureQueriesContext(connection) as captured:
        result = services.registration_create(event_id=event.pk, person=person(9))

    assert result.registration.status == RegistrationStatus.WAITING
    under = queries_after_the_lock(captured.captured_queries)
    waiting_reads = [
        text
        for text in under
        if text.startswith("SELECT")
        and "initiatives_registration" in text
        and "\"status\" = 'waiting'" in text
        and "COUNT" not in text
    ]
    assert waiting_reads == []


def test_the_person_is_found_by_the_indexed_form_of_the_email():
    sql = str(
        Participant.objects.filter(same_contact_q(phone="", email=" Anna@Example.org ")).query
    )

    assert 'LOWER("initiatives_participant"."email") = anna@example.org' in sql
    assert "UPPER" not in sql
