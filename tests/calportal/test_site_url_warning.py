"""Staff are warned when SITE_URL (used in e-mailed links and printed QR codes) is not the
address they opened the portal at; ``make run PORT=…`` keeps the two together."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from calportal.navigation import site_url_mismatch
from tests.factories import EventFactory

WARNING = "Ask the administrator to set SITE_URL."
ROOT = Path(__file__).resolve().parents[2]


def english(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


@pytest.mark.parametrize("page", ["passes:pass_list", "passes:pass_issue", "accounts:user_invite"])
def test_pages_that_print_or_send_links_warn_when_site_url_is_elsewhere(
    login, staff, settings, page
):
    settings.SITE_URL = "http://127.0.0.1:8000"

    html = login(staff).get(english(page)).content.decode()

    assert WARNING in html
    assert "will point to http://127.0.0.1:8000, but you opened this page at http://testserver" in (
        " ".join(html.split())
    )


# Staff pages of events whose POST e-mails people their personal links: saving an event with more
# places promotes people from the waiting list, cancelling or moving a registration (buttons on
# the registrations list) promotes or tells the person, cancelling an event tells everyone.
EVENT_PAGES_THAT_SEND_LINKS = [
    "initiatives:event_edit",
    "initiatives:event_registrations",
    "initiatives:registration_add",
    "initiatives:event_cancel",
    "initiatives:event_message",
]
# ... and those whose POST sends nothing: a new event, a series, an initiative have nobody to tell.
PAGES_THAT_SEND_NOTHING = [
    ("initiatives:event_create", None),
    ("initiatives:event_series", "initiative"),
    ("initiatives:initiative_edit", "initiative"),
    ("initiatives:event_attendance", "event"),
]


@pytest.mark.parametrize("page", EVENT_PAGES_THAT_SEND_LINKS)
def test_event_pages_that_e_mail_links_warn_when_site_url_is_elsewhere(
    login, staff, settings, page
):
    settings.SITE_URL = "http://127.0.0.1:8000"
    event = EventFactory()

    html = login(staff).get(english(page, event.pk)).content.decode()

    assert WARNING in html


@pytest.mark.parametrize(("page", "argument"), PAGES_THAT_SEND_NOTHING)
def test_event_pages_that_send_nothing_do_not_warn(login, staff, settings, page, argument):
    settings.SITE_URL = "http://127.0.0.1:8000"
    event = EventFactory()
    args = {None: [], "event": [event.pk], "initiative": [event.initiative_id]}[argument]

    response = login(staff).get(english(page, *args))

    assert response.status_code == 200
    assert WARNING not in response.content.decode()


def test_no_warning_when_site_url_is_where_the_page_was_opened(login, staff, settings):
    settings.SITE_URL = "http://testserver/"

    html = login(staff).get(english("passes:pass_list")).content.decode()

    assert WARNING not in html


def test_pages_that_send_nothing_never_warn(login, staff, settings, client):
    settings.SITE_URL = "http://127.0.0.1:8000"

    assert WARNING not in login(staff).get(english("dashboard")).content.decode()
    assert WARNING not in login(None).get(english("home")).content.decode()


@pytest.mark.parametrize(
    ("site_url", "headers", "mismatch"),
    [
        ("https://cal.srem.pl", {"HTTP_X_FORWARDED_PROTO": "https"}, None),
        ("https://cal.srem.pl:443/", {"HTTP_X_FORWARDED_PROTO": "https"}, None),
        ("http://cal.srem.pl", {"HTTP_X_FORWARDED_PROTO": "https"}, "https://cal.srem.pl"),
        ("https://cal.srem.pl", {}, "http://cal.srem.pl"),
        ("https://CAL.srem.pl", {"HTTP_X_FORWARDED_PROTO": "https"}, None),
    ],
)
def test_behind_a_proxy_the_forwarded_scheme_counts(settings, site_url, headers, mismatch):
    settings.SITE_URL = site_url
    settings.ALLOWED_HOSTS = ["cal.srem.pl"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    request = RequestFactory().get("/", HTTP_HOST="cal.srem.pl", **headers)

    assert site_url_mismatch(request) == mismatch


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["PORT=8001"], {}, "SITE_URL=http://127.0.0.1:8001 "),
        ([], {}, "SITE_URL=http://127.0.0.1:8000 "),
        (["PORT=8001"], {"SITE_URL": "https://cal.srem.pl"}, "SITE_URL=https://cal.srem.pl "),
    ],
)
def test_make_run_takes_a_port_and_site_url_follows_it(args, env, expected):
    environment = {"PATH": "/usr/bin:/bin", **env}
    result = subprocess.run(
        ["make", "-n", "--no-print-directory", "-C", str(ROOT), "run", *args],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
    )

    server_line = result.stdout.strip().splitlines()[-1]
    assert server_line.startswith(expected)
    assert server_line.endswith("runserver 127.0.0.1:" + (args[0][5:] if args else "8000"))
