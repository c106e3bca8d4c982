"""At the largest text size nothing scrolls sideways, on a desktop and on a phone, in both
languages (WCAG 1.4.4 and 1.4.10): the menu collapses or wraps, tables reflow or scroll
inside a labelled region, long words break. One browser page walks every page once."""

import time
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from calportal.demo import demo_data_load
from initiatives.models import Event
from initiatives.passes.models import SeniorPass
from selfhelp.models import Group
from volunteers.models import Volunteer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERFLOW_JS = (Path(__file__).resolve().parent / "overflow.js").read_text()
DEMO_PASSWORD = "demo-cal-2026"
WIDTHS = (1366, 390)


def public_pages() -> list[str]:
    event = Event.objects.order_by("pk").first()
    groups = [reverse("selfhelp:group_public", args=[g.slug]) for g in Group.objects.all()[:2]]
    return [
        reverse("home"),
        reverse("privacy"),
        reverse("accessibility"),
        reverse("initiatives:calendar"),
        reverse("initiatives:calendar_month_current"),
        reverse("initiatives:event_public", args=[event.pk]),
        reverse("passes:programme"),
        reverse("passes:apply"),
        reverse("resources_map:map"),
        reverse("resources_map:report"),
        reverse("resources_map:guide"),
        reverse("volunteers:apply"),
        reverse("selfhelp:group_list"),
        *groups,
        reverse("accounts:login"),
        reverse("accounts:password_reset"),
    ]


def staff_pages() -> list[str]:
    event = Event.objects.order_by("pk").first()
    return [
        reverse("dashboard"),
        reverse("initiatives:initiative_list"),
        reverse("initiatives:event_list"),
        reverse("initiatives:event_registrations", args=[event.pk]),
        reverse("initiatives:registration_add", args=[event.pk]) + "?q=a",
        reverse("initiatives:event_message", args=[event.pk]),
        reverse("initiatives:event_create"),
        reverse("passes:pass_list"),
        reverse("passes:pass_issue"),
        reverse("passes:pass_detail", args=[SeniorPass.objects.order_by("pk").first().pk]),
        reverse("passes:application_list"),
        reverse("passes:statistics"),
        reverse("passes:redemption_list"),
        reverse("resources_map:resource_list"),
        reverse("resources_map:need_list"),
        reverse("resources_map:area_list"),
        reverse("resources_map:diagnosis"),
        reverse("volunteers:volunteer_list"),
        reverse("volunteers:volunteer_detail", args=[Volunteer.objects.order_by("pk").first().pk]),
        reverse("volunteers:hours_week"),
        reverse("volunteers:totals"),
        reverse("selfhelp:manage_list"),
        reverse("selfhelp:figures"),
        reverse("organisations:list"),
        reverse("team:workspace"),
        reverse("accounts:user_list"),
    ]


def walk(page, base: str, paths: list[str], *, staff_area: bool) -> list[str]:
    """Visit each path at each width; return one line per page that overflows."""
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 844 if width < 500 else 768})
        for path in paths:
            response = page.goto(base + path, wait_until="domcontentloaded")
            assert response.status == 200, f"{path} answered {response.status}"
            result = page.evaluate(OVERFLOW_JS, staff_area)
            if result["scrollWidth"] > result["innerWidth"] or result["offenders"]:
                problems.append(
                    f"{width}px {path}: page {result['scrollWidth']}px wide; "
                    + "; ".join(result["offenders"] or ["(no element named)"])
                )
    return problems


def test_nothing_scrolls_sideways_at_the_largest_text(live_server, browser, roles):
    started = time.monotonic()
    demo_data_load()
    problems = []
    context = browser.new_context(locale="pl-PL", viewport={"width": 1366, "height": 768})
    context.add_cookies([{"name": "text_size", "value": "xlarge", "url": live_server.url}])
    page = context.new_page()
    try:
        for language in ("pl", "en"):
            with translation.override(language):
                problems += walk(page, live_server.url, public_pages(), staff_area=False)
        page.goto(live_server.url + reverse("accounts:login"))
        page.locator("main input[type=email]").fill("koordynator@example.org")
        page.locator("main input[type=password]").fill(DEMO_PASSWORD)
        page.locator("main button[type=submit]").click()
        page.wait_for_url("**/dashboard/")
        for language in ("pl", "en"):
            with translation.override(language):
                problems += walk(page, live_server.url, staff_pages(), staff_area=True)
    finally:
        context.close()

    assert problems == [], "Pages wider than the window at A++:\n" + "\n".join(problems)
    assert time.monotonic() - started < 120
