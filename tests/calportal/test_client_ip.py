"""One client address behind our reverse proxies: lockouts, rate limits and records agree."""

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory, override_settings
from django.urls import reverse

from calportal.client_ip import UNKNOWN_CLIENT_IP, client_ip
from initiatives.models import Registration
from tests.factories import PASSWORD, EventFactory, UserFactory
from tests.initiatives.conftest import signup_data

LOGIN = reverse("accounts:login")
PROXY = "10.0.0.2"
CLIENT_A = "203.0.113.10"
CLIENT_B = "198.51.100.20"


def request_with(remote_addr=PROXY, forwarded_for=None):
    meta = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **meta)


@override_settings(TRUSTED_PROXY_COUNT=0)
@pytest.mark.parametrize("forwarded_for", [None, CLIENT_A, f"{CLIENT_A}, {CLIENT_B}", "nonsense"])
def test_without_proxies_the_headers_are_ignored(forwarded_for):
    assert client_ip(request_with(remote_addr=CLIENT_B, forwarded_for=forwarded_for)) == CLIENT_B


@override_settings(TRUSTED_PROXY_COUNT=1)
@pytest.mark.parametrize(
    ("forwarded_for", "expected"),
    [
        (CLIENT_A, CLIENT_A),
        # Whatever the client wrote itself stands on the left; only our proxy's entry counts.
        (f"{CLIENT_B}, {CLIENT_A}", CLIENT_A),
        (f"1.2.3.4, 5.6.7.8, {CLIENT_A}", CLIENT_A),
        (f"garbage, {CLIENT_A}", CLIENT_A),
        (f"{CLIENT_A}:4711", CLIENT_A),
        ("2001:db8::7", "2001:db8::7"),
        (f"::ffff:{CLIENT_A}", CLIENT_A),
        # Missing or unusable: the proxy's own address, never an error.
        (None, PROXY),
        ("", PROXY),
        ("nonsense", PROXY),
        (",,, ,", PROXY),
        ("999.1.1.1", PROXY),
    ],
)
def test_behind_one_proxy_the_rightmost_forwarded_address_is_the_client(forwarded_for, expected):
    assert client_ip(request_with(forwarded_for=forwarded_for)) == expected


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_behind_two_proxies_the_second_address_from_the_right_is_the_client():
    request = request_with(forwarded_for=f"{CLIENT_B}, {CLIENT_A}, 10.0.0.1")

    assert client_ip(request) == CLIENT_A


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_a_chain_shorter_than_the_proxies_falls_back_to_the_connecting_address():
    assert client_ip(request_with(forwarded_for=CLIENT_A)) == PROXY


@pytest.mark.parametrize("proxies", [0, 1])
@pytest.mark.parametrize("remote_addr", [None, "", "unix:/run/gunicorn.sock"])
def test_without_any_address_a_fixed_placeholder_is_returned(proxies, remote_addr):
    request = RequestFactory().get("/")
    if remote_addr is None:
        del request.META["REMOTE_ADDR"]
    else:
        request.META["REMOTE_ADDR"] = remote_addr

    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert client_ip(request) == UNKNOWN_CLIENT_IP


def test_axes_and_ratelimit_both_ask_client_ip(settings):
    assert settings.AXES_CLIENT_IP_CALLABLE == "calportal.client_ip.client_ip"
    assert settings.RATELIMIT_IP_META_KEY == "calportal.client_ip.client_ip"


# --- Login lockouts behind a proxy ------------------------------------------------------------


@pytest.fixture
def staff_member(roles):
    return UserFactory(email="pracownik@example.org")


def log_in(client, email, password, client_address):
    return client.post(
        LOGIN,
        {"username": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_address,
    )


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_failures_from_one_client_never_lock_another_client_out_of_the_same_account(
    client, staff_member
):
    for _attempt in range(5):
        log_in(client, staff_member.email, "wrong", CLIENT_A)

    locked = log_in(client, staff_member.email, PASSWORD, CLIENT_A)
    response = log_in(client, staff_member.email, PASSWORD, CLIENT_B)

    assert locked.status_code == 429
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_the_record_of_failed_logins_names_the_client_not_the_proxy(client, staff_member):
    log_in(client, staff_member.email, "wrong", f"{CLIENT_B}, {CLIENT_A}")

    attempt = AccessAttempt.objects.get()
    assert attempt.ip_address == CLIENT_A
    assert attempt.username == staff_member.email


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_client_cannot_dodge_its_lockout_by_writing_another_address_on_the_left(
    client, staff_member
):
    for attempt in range(5):
        log_in(client, staff_member.email, "wrong", f"192.0.2.{attempt}, {CLIENT_A}")

    response = log_in(client, staff_member.email, PASSWORD, f"192.0.2.99, {CLIENT_A}")

    assert response.status_code == 429


# --- Public signups behind a proxy ------------------------------------------------------------


@pytest.fixture
def event(db):
    return EventFactory(title="Warsztaty ceramiczne", capacity=10)


@override_settings(TRUSTED_PROXY_COUNT=1)
@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_X_FORWARDED_FOR": CLIENT_A},
        {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 5.6.7.8"},
        {"HTTP_X_FORWARDED_FOR": "not an address"},
        {},
    ],
    ids=["one-address", "two-addresses", "malformed", "no-header"],
)
def test_a_public_signup_succeeds_whatever_the_forwarded_header(client, event, headers):
    response = client.post(
        reverse("initiatives:event_public", args=[event.pk]),
        signup_data(),
        REMOTE_ADDR=PROXY,
        **headers,
    )

    assert response.status_code == 302
    assert Registration.objects.count() == 1


@override_settings(TRUSTED_PROXY_COUNT=1, SIGNUP_RATE_LIMIT="2/h")
def test_the_signup_limit_counts_each_client_behind_the_proxy_separately(client, event):
    url = reverse("initiatives:event_public", args=[event.pk])

    def sign_up(n, address):
        return client.post(
            url,
            signup_data(email=f"osoba{n}@example.org", last_name=f"Nowak{n}"),
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=address,
        )

    assert [sign_up(n, CLIENT_A).status_code for n in range(3)] == [302, 302, 429]
    assert sign_up(3, CLIENT_B).status_code == 302
