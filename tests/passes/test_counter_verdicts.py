"""The counter tells "not valid" (an error) apart from "valid, but no uses left for now"."""

import datetime
import gettext
import re
import shutil
import subprocess
import zoneinfo
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from initiatives.passes import services
from initiatives.passes.models import PassStatus, Redemption
from tests.conftest import require
from tests.passes.conftest import senior

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")


def a_wednesday_next_month() -> datetime.datetime:
    """Noon of a Wednesday in the middle of next month (Warsaw): after the fixtures' passes and
    venues began, whatever moment the suite runs at (CALPORTAL_FROZEN_AT included)."""
    today = timezone.localdate()
    day = first_of_next_month(today) + datetime.timedelta(days=14)
    day += datetime.timedelta(days=(2 - day.weekday()) % 7)
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=WARSAW)


def first_of_next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def day_and_month(day: datetime.date) -> str:
    return f"{day.day} {day:%B}"  # English, as the page says it: "1 February"


def scan_in_english(client, senior_pass):
    with translation.override("en"):
        url = reverse("passes:check", args=[services.pass_token(senior_pass)])
    return client.get(url)


def use_up_the_month(senior_pass, venue):
    # Earlier this month (even 30 s after midnight) but not a double tap.
    earlier = timezone.now() - datetime.timedelta(seconds=20)
    for _n in range(4):
        Redemption.objects.create(senior_pass=senior_pass, venue=venue, redeemed_at=earlier)


def test_a_valid_pass_with_the_months_uses_used_up_is_information_not_an_error(
    login, venue_user_a, a_pass, venue_a
):
    moment = a_wednesday_next_month()
    with time_machine.travel(moment, tick=False):
        use_up_the_month(a_pass, venue_a)
        response = scan_in_english(login(venue_user_a), a_pass)
    next_month = first_of_next_month(moment.date())

    html = response.content.decode()
    check = response.context["check"]
    assert (check.limit_reached, check.uses_left) == (True, 0), check.reason
    assert check.available_again == next_month
    assert 'class="verdict verdict-limit" role="status"' in html
    assert "verdict-invalid" not in html and "NOT VALID" not in html and 'role="alert"' not in html
    assert "The pass is valid." in html
    assert "All 4 uses of this month have been recorded." in html
    assert f"Next uses from {day_and_month(next_month)}." in html
    assert "Record the coffee or tea" not in html


def test_an_expired_pass_is_still_shown_as_not_valid_in_red(login, venue_user_a, a_pass):
    with time_machine.travel(a_wednesday_next_month(), tick=False):
        a_pass.status = PassStatus.REVOKED
        a_pass.save(update_fields=["status"])
        response = scan_in_english(login(venue_user_a), a_pass)

    html = response.content.decode()
    assert response.context["check"].limit_reached is False
    assert 'class="verdict verdict-invalid" role="alert"' in html
    assert "NOT VALID" in html and "verdict-limit" not in html


def test_the_venues_weekly_pool_used_up_is_information_with_next_monday(
    login, venue_user_a, staff, a_pass, venue_a, programme
):
    programme.weekly_pool = 1
    programme.save()
    moment = a_wednesday_next_month()
    next_monday = moment.date() + datetime.timedelta(days=5)
    with time_machine.travel(moment, tick=False):
        Redemption.objects.create(
            senior_pass=services.pass_issue(person=senior(2), issued_by=staff),
            venue=venue_a,
            redeemed_at=timezone.now() - datetime.timedelta(hours=1),
        )
        response = scan_in_english(login(venue_user_a), a_pass)

    check = response.context["check"]
    assert check.limit_reached and check.available_again == next_monday
    assert "verdict-limit" in response.content.decode()
    assert f"Next uses from {day_and_month(next_monday)}." in response.content.decode()


def test_a_use_recorded_elsewhere_meanwhile_answers_the_button_with_information(
    login, venue_user_a, a_pass, venue_a, venue_b
):
    with time_machine.travel(a_wednesday_next_month(), tick=False):
        client = login(venue_user_a)
        token = scan_in_english(client, a_pass).context["redeem_token"]
        use_up_the_month(a_pass, venue_b)  # the last uses went at another café meanwhile
        with translation.override("en"):
            response = client.post(reverse("passes:redeem"), {"token": token})

    assert response.status_code == 200
    assert response.context["check"].limit_reached
    assert "verdict-limit" in response.content.decode()
    assert Redemption.objects.count() == 4


@pytest.mark.clock
def test_the_next_allowance_starts_on_the_first_of_the_next_local_month(
    frozen_moment, a_pass, venue_a
):
    venue_a.active_from = datetime.date(2026, 1, 1)  # some moments lie before "today"
    venue_a.save()
    use_up_the_month(a_pass, venue_a)

    check = services.pass_check(senior_pass=a_pass, venue=venue_a)

    local_today = frozen_moment.astimezone(WARSAW).date()
    assert check.limit_reached and check.available_again == first_of_next_month(local_today)


# --- One word for a use of the pass -------------------------------------------------------------

COUNTER_USE_MESSAGES = [
    # (msgid, msgid_plural or None): what the counter pages (counter.html, counter_result.html,
    # redeemed.html, counter_history.html) and the counter's checks say about uses.
    ("No uses left for now", None),
    ("%(left)s use left this month", "%(left)s uses left this month"),
    (
        "The %(allowed)s use of this month has been recorded.",
        "All %(allowed)s uses of this month have been recorded.",
    ),
    ("Next uses from %(date)s.", None),
    ("This month's uses of the pass are used up.", None),
    ("Our recorded uses", None),
    ("The latest 200 uses at this venue", None),
    ("No uses yet.", None),
]


@pytest.fixture
def polish_catalogue(tmp_path):
    """The Polish catalogue as it is now in the .po file (compiled afresh, not a stale .mo)."""
    require(bool(shutil.which("msgfmt")), "msgfmt (gettext) is not installed")
    po = Path(__file__).resolve().parents[2] / "locale" / "pl" / "LC_MESSAGES" / "django.po"
    mo = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(mo), str(po)], check=True)
    with mo.open("rb") as file:
        return gettext.GNUTranslations(file)


def test_the_counter_speaks_of_a_use_with_one_polish_word(polish_catalogue):
    """The counter said "Limit wykorzystań karnetu…" and, under it, "Wykorzystano wszystkie 4
    użycia… Kolejne użycia od…": one word, "wykorzystanie", as everywhere else in the passes."""
    root = Path(__file__).resolve().parents[2]
    sources = "".join(
        (root / path).read_text(encoding="utf-8")
        for path in (
            "templates/passes/counter.html",
            "templates/passes/counter_result.html",
            "templates/passes/counter_history.html",
            "templates/passes/redeemed.html",
            "initiatives/passes/services.py",
        )
    )
    # The list above is what these pages say: each text is still in their sources.
    pieces = [
        max(re.split(r"%\(\w+\)s", singular), key=len) for singular, _p in COUNTER_USE_MESSAGES
    ]
    assert [piece for piece in pieces if piece not in sources] == []
    texts = []
    for singular, plural in COUNTER_USE_MESSAGES:
        if plural is None:
            texts.append(polish_catalogue.gettext(singular))
        else:  # every Polish plural form: 1, 2–4, 5+
            texts += [polish_catalogue.ngettext(singular, plural, n) for n in (1, 2, 5)]

    assert [text for text in texts if "wykorzyst" not in text.lower()] == []
    assert [text for text in texts if "uży" in text.lower()] == []
