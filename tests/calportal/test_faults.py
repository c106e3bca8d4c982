"""Nothing is lost when Redis, the mail relay or the worker fails.

Real parts: the CI's PostgreSQL, a redis-server and an SMTP relay (aiosmtpd) started by the
test on ports of their own, and a real Celery worker process. The outages last seconds and the
outbox's retries are shortened to seconds for the worker; the design is the same for two days.
The outbox sweep that beat runs every minute is called by the test itself.
"""

import time
from email import message_from_bytes

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from post_office.models import STATUS, Email

from calportal import redis_breaker
from calportal.accounts.roles import Role
from calportal.outbox import tasks as outbox_tasks
from calportal.outbox.models import PendingMessage
from initiatives.models import Registration
from initiatives.passes import services as passes
from selfhelp.models import JoinRequest
from tests.calportal.faults import OwnRedis, Relay, Worker, broker, cache_settings, wait_for
from tests.conftest import require
from tests.factories import EventFactory, UserFactory
from tests.initiatives.conftest import signup_data
from tests.passes.conftest import make_venue, senior
from tests.selfhelp.conftest import join_data, make_group

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

# A user's action must answer in about the time the Redis timeouts allow, never after ~19 s.
QUICK = 4.0


@pytest.fixture
def postgres():
    require(connection.vendor == "postgresql", "the worker needs the shared PostgreSQL database")


@pytest.fixture
def own_redis(postgres):
    server = OwnRedis()
    yield server
    server.stop()


@pytest.fixture
def relay():
    server = Relay()
    yield server
    server.close()


@pytest.fixture
def redis_settings(own_redis, monkeypatch):
    """The web side (this process) uses our own Redis for its cache and its broker, and after
    a failure leaves Redis alone for 3 s instead of 30 (the outages here last seconds)."""
    monkeypatch.setattr(redis_breaker, "PAUSE_SECONDS", 3.0)
    with (
        override_settings(
            CACHES=cache_settings(own_redis.url),
            OUTBOX_SWEEP_AFTER_SECONDS=0,
            OUTBOX_REHAND_SECONDS=5,
        ),
        broker(own_redis.url),
    ):
        yield


def sweep():
    """What beat does every minute; quietly nothing while the broker is away."""
    outbox_tasks.sweep()


def delivered(relay, count):
    return lambda: len(relay.messages) >= count


def timed(action):
    started = time.monotonic()
    response = action()
    return response, time.monotonic() - started


# --- Redis down -------------------------------------------------------------------------------


def test_with_redis_down_every_action_is_kept_once_and_its_mail_arrives_when_redis_is_back(
    client, roles, own_redis, relay, redis_settings
):
    staff = UserFactory(email="staff@example.org", full_name="Anna Staff", role=Role.OPS_STAFF)
    forgetful = UserFactory(email="zapominalska@example.org", role=Role.OPS_STAFF)
    venue = make_venue("Kawiarnia pod Lipami")
    venue_user = UserFactory(
        email="kawiarnia@example.org", organisation=venue.organisation, role=Role.VENUE_STAFF
    )
    senior_pass = passes.pass_issue(person=senior(1), issued_by=staff)
    event = EventFactory(title="Kawiarenka seniora", capacity=10)
    group = make_group(UserFactory(email="prowadzaca@example.org", role=Role.GROUP_FACILITATOR))
    relay.open()
    # Redis is not running: neither the broker nor the cache answers.

    signup, signup_time = timed(
        lambda: client.post(reverse("initiatives:event_public", args=[event.pk]), signup_data())
    )
    join, join_time = timed(
        lambda: client.post(
            reverse("selfhelp:group_public", args=[group.slug]),
            join_data(),
        )
    )
    reset, reset_time = timed(
        lambda: client.post(reverse("accounts:password_reset"), {"email": forgetful.email})
    )
    client.force_login(venue_user)
    check, check_time = timed(
        lambda: client.get(reverse("passes:counter"), {"number": senior_pass.number})
    )
    client.force_login(staff)
    by_phone, phone_time = timed(
        lambda: client.post(
            reverse("initiatives:registration_add", args=[event.pk]),
            {
                "first_name": "Jan",
                "last_name": "Telefoniczny",
                "phone": "602 000 111",
                "email": "jan.telefoniczny@example.org",
                "companions": "0",
                "source": "phone",
                "consent": "on",
                "gender": "man",
            },
        )
    )

    for name, response, seconds in [
        ("signup", signup, signup_time),
        ("self-help request", join, join_time),
        ("password reset", reset, reset_time),
        ("counter check", check, check_time),
        ("phone sign-up", by_phone, phone_time),
    ]:
        print(f"Redis down: {name} answered {response.status_code} in {seconds:.2f} s")
        assert response.status_code in (200, 302), name
        assert seconds < QUICK, f"{name} took {seconds:.1f} s with Redis down"
    assert senior_pass.number.upper() in check.content.decode().upper()
    assert Registration.objects.count() == 2
    assert JoinRequest.objects.count() == 1
    queued = Email.objects.filter(status=STATUS.queued)
    expected = sorted(
        [
            "grazyna@example.org",
            "ela@example.org",
            "zapominalska@example.org",
            "jan.telefoniczny@example.org",
        ]
    )
    # The signups' confirmations wait, stored with the signups, for a worker to compose them.
    assert [pending.composer for pending in PendingMessage.objects.all()] == [
        "initiatives.tell_registration"
    ] * 2
    assert sorted(address for email in queued for address in email.to) == sorted(
        set(expected) - {"grazyna@example.org", "jan.telefoniczny@example.org"}
    )

    own_redis.start()
    worker = Worker(own_redis.url, relay)
    worker.start()
    try:
        assert wait_for(delivered(relay, 4), timeout=60, interval=0.5, every=sweep)
        time.sleep(2)
        sweep()
        time.sleep(2)
    finally:
        worker.stop()
    assert relay.recipients() == expected  # each exactly once
    assert set(Email.objects.values_list("status", flat=True)) == {STATUS.sent}
    assert not PendingMessage.objects.exists()


def test_a_hung_redis_costs_a_signup_about_a_second_and_loses_nothing(
    client, roles, own_redis, relay, redis_settings
):
    event = EventFactory(title="Piknik", capacity=10)
    own_redis.start()
    own_redis.hang()  # accepts connections, never answers

    response, seconds = timed(
        lambda: client.post(reverse("initiatives:event_public", args=[event.pk]), signup_data())
    )
    second, second_seconds = timed(
        lambda: client.post(
            reverse("initiatives:event_public", args=[event.pk]),
            signup_data(first_name="Teresa", email="teresa@example.org"),
        )
    )

    print(f"Redis hung: first signup {seconds:.2f} s, second {second_seconds:.2f} s")
    assert response.status_code == 302 and second.status_code == 302
    assert seconds < QUICK and second_seconds < QUICK
    assert Registration.objects.count() == 2
    assert PendingMessage.objects.count() == 2  # the confirmations, for the worker to compose


# --- The mail relay down, silent or slow ------------------------------------------------------


@pytest.fixture
def running(own_redis, relay, redis_settings):
    """Redis and a worker running; the relay in whatever state the test puts it."""
    own_redis.start()
    worker = Worker(own_redis.url, relay)
    worker.start()
    yield
    worker.stop()


def sign_up(client, event, email):
    response = client.post(
        reverse("initiatives:event_public", args=[event.pk]),
        signup_data(first_name="Teresa", email=email),
    )
    assert response.status_code == 302
    # The worker composes the confirmation just after the signup commits.
    assert wait_for(lambda: Email.objects.filter(to__icontains=email).exists(), timeout=30)
    return Email.objects.latest("pk")


def failed_once(email):
    return lambda: email.logs.filter(status=STATUS.failed).exists()


@pytest.mark.parametrize("outage", ["closed", "silent"])
def test_mail_queued_while_the_relay_is_down_arrives_once_when_it_is_back(
    client, roles, relay, running, outage
):
    event = EventFactory(title="Warsztaty", capacity=10)
    relay.silent() if outage == "silent" else relay.close()

    email = sign_up(client, event, "teresa@example.org")
    assert wait_for(failed_once(email), timeout=30, every=sweep), "no attempt was made"
    email.refresh_from_db()
    assert email.status == STATUS.requeued
    assert email.logs.filter(status=STATUS.failed).count() >= 1

    relay.open()
    assert wait_for(delivered(relay, 1), timeout=30, interval=0.5, every=sweep)
    time.sleep(3)
    sweep()
    time.sleep(1)

    assert relay.recipients() == ["teresa@example.org"]
    email.refresh_from_db()
    assert email.status == STATUS.sent


def test_a_relay_that_answers_late_gets_the_message_once_with_its_message_id(
    client, roles, relay, running
):
    event = EventFactory(title="Warsztaty", capacity=10)
    relay.open(delay=3)  # longer than EMAIL_TIMEOUT (1 s), well within EMAIL_REPLY_TIMEOUT

    email = sign_up(client, event, "teresa@example.org")
    assert wait_for(delivered(relay, 1), timeout=30, interval=0.5, every=sweep)
    for _ in range(6):  # the sweeps beat would run meanwhile
        sweep()
        time.sleep(0.5)

    assert relay.recipients() == ["teresa@example.org"]
    email.refresh_from_db()
    assert email.status == STATUS.sent
    received = message_from_bytes(relay.messages[0]["content"])
    assert email.message_id and received["Message-ID"] == email.message_id
