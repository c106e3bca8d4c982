"""The dashboard counts the user's calls and leads to "Today"; the menu marks the pages."""

import datetime

import pytest
from django.urls import reverse

from calportal.calls.models import CallItem
from tests.calls.conftest import add_item


def test_the_dashboard_counts_the_users_due_calls_and_links_to_today(login, staff, partner_a):
    add_item(name="Due 1")
    add_item(name="Due 2")
    later = add_item(name="Later")
    CallItem.objects.filter(pk=later.pk).update(due_on=later.due_on + datetime.timedelta(days=2))
    add_item(name="Partner's", organisation=partner_a.organisation)

    response = login(staff).get("/en/dashboard/")

    assert response.context["call_counts"] == {"due": 2, "later": 1}
    html = response.content.decode()
    assert 'href="/en/calls/"' in html
    assert 'href="/en/today/"' in html
    assert "1 due again on a later day" in html


@pytest.mark.parametrize("role", ["dpo"])
def test_the_dashboard_has_no_call_tile_without_the_call_list(request, login, role):
    response = login(request.getfixturevalue(role)).get("/en/dashboard/")

    assert "call_counts" not in response.context
    assert 'href="/en/calls/"' not in response.content.decode()


@pytest.mark.parametrize(
    ("name", "item"),
    [("calls:list", "calls"), ("calls:history", "calls"), ("calls:today", "today")],
)
def test_the_menu_knows_the_call_pages(login, staff, name, item):
    response = login(staff).get(reverse(name))

    assert response.context["nav_item"] == item
    assert response.context["nav_section"] == ""


def test_the_menu_entries_for_those_with_the_call_list(login, staff, dpo):
    from django.template import Context, Template
    from django.test import RequestFactory

    template = Template('{% include "calls/_menu.html" %}')
    for user, shown in ((staff, True), (dpo, False)):
        from django.contrib.auth.context_processors import PermWrapper

        request = RequestFactory().get("/")
        html = template.render(Context({"perms": PermWrapper(user), "request": request}))
        assert (reverse("calls:list") in html) is shown
        assert (reverse("calls:today") in html) is shown
