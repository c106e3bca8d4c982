"""Faults found by walking through the hours pages in a browser: every error of the single
entry form at once, a weekly grid whose columns stay put, a month filter that says when it
cannot read the month, hours written as the page's language writes numbers."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from tests.volunteers.conftest import make_agreement, make_entry, make_volunteer
from volunteers.models import HoursEntry

FRIDAY = datetime.date(2026, 11, 27)
WEDNESDAY = datetime.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def friday_27_november():
    # A Friday: the weekly grid opens on the week of Monday 23 November.
    with time_machine.travel(
        datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.UTC), tick=False
    ):
        yield


def url(name: str, *args, language: str = "en") -> str:
    with translation.override(language):
        return reverse(name, args=args)


def cell(volunteer, day: datetime.date) -> str:
    return f"h-{volunteer.pk}-{day.isoformat()}"


@pytest.fixture
def anna(organisation_a):
    volunteer = make_volunteer(organisation_a, 1, first_name="Anna", last_name="Alfa")
    make_agreement(volunteer)
    return volunteer


# --- 1. The single entry form says everything at once -------------------------------------------

THREE_FAULTS = {
    "date": "2026-12-24",  # in the future
    "hours": "1,3",  # not a quarter-hour step
    "activity": "Korepetycje dla dzieci",  # free text, and the children question unanswered
}
THREE_MESSAGES = [
    "Use quarter-hour steps: 0.25, 0.5, 0.75, 1…",
    "Say whether the work involves children: it was not chosen from the opportunities.",
    "Hours cannot be logged for a day in the future.",
]


def test_the_single_form_shows_the_hours_error_beside_every_rule_broken(login, partner_a, anna):
    response = login(partner_a).post(
        url("volunteers:hours_create"), {"volunteer": anna.pk, **THREE_FAULTS}
    )

    assert response.status_code == 200
    body = response.content.decode()
    for message in THREE_MESSAGES:
        assert message in body
    assert not HoursEntry.objects.exists()


def test_the_edit_form_shows_every_error_at_once_and_changes_nothing(login, partner_a, anna):
    entry = make_entry(anna, days_ago=2, quarters=8, activity="Biuro", with_children=False)

    response = login(partner_a).post(
        url("volunteers:hours_edit", entry.pk), {"volunteer": anna.pk, **THREE_FAULTS}
    )

    assert response.status_code == 200
    body = response.content.decode()
    for message in THREE_MESSAGES:
        assert message in body
    entry.refresh_from_db()
    assert (entry.quarters, entry.activity, entry.date) == (
        8,
        "Biuro",
        FRIDAY - datetime.timedelta(days=2),
    )


def test_unreadable_hours_are_not_taken_for_a_repeat(login, partner_a, anna):
    make_entry(anna, days_ago=2, quarters=1, activity="Biuro", with_children=False)
    data = {"volunteer": anna.pk, "date": (FRIDAY - datetime.timedelta(days=2)).isoformat()}

    response = login(partner_a).post(
        url("volunteers:hours_create"),
        {**data, "hours": "abc", "activity": "Biuro", "with_children": "no"},
    )

    assert response.status_code == 200
    assert "additional" not in response.context["form"].errors
    assert list(response.context["form"].errors) == ["hours"]


# --- 2. The weekly grid keeps its columns ------------------------------------------------------


def test_a_repeat_is_explained_above_the_grid_and_confirmed_in_its_cell(login, partner_a, anna):
    make_entry(anna, days_ago=2, quarters=4, activity="Pomoc przy pikniku", with_children=False)
    key = cell(anna, WEDNESDAY)

    response = login(partner_a).post(
        url("volunteers:hours_week"),
        {"activity": "Pomoc przy pikniku", "with_children": "no", key: "1"},
    )

    assert response.status_code == 200
    body = response.content.decode()
    warning = "Anna Alfa already has 1 hour of the same work on 25 Nov 2026."
    summary = body[
        body.index('id="error-summary"') : body.index("</ul>", body.index('id="error-summary"'))
    ]
    assert f'<span id="{key}-duplicate">{warning}' in summary
    grid_cell = re.search(rf'<td[^>]*>\s*<input[^>]*id="{key}".*?</td>', body, re.S).group(0)
    assert "already has" not in grid_cell  # a sentence would widen the day's column
    assert f'id="a-{key}"' in grid_cell
    assert f'aria-describedby="{key}-duplicate"' in grid_cell


def test_the_grid_title_stands_above_the_scrolling_table(login, partner_a, anna):
    body = login(partner_a).get(url("volunteers:hours_week")).content.decode()

    title = body.index('<h2 class="h6" id="hours-grid-title">Hours of the week 23–29 Nov 2026')
    scroller = body.index('<div class="table-responsive"')
    assert title < scroller
    assert "<caption" not in body[scroller:]
    assert (
        '<table class="table table-sm align-middle hours-grid" aria-labelledby="hours-grid-title">'
        in body
    )


# --- 3. The month filter says when it cannot read the month -----------------------------------


def test_a_month_that_cannot_be_read_is_an_error_and_lists_nothing(login, partner_a, anna):
    make_entry(anna, days_ago=2)
    client = login(partner_a)

    response = client.get(url("volunteers:hours_list") + "?month=abc")

    assert response.status_code == 200
    with translation.override("en"):
        errors = response.context["filter"].form.errors["month"]
    assert errors == ["“abc” is not a month: type it as Nov 2026."]
    assert "“abc” is not a month: type it as Nov 2026." in response.content.decode()
    assert response.context["page"].paginator.count == 0
    export = client.get(url("volunteers:export", "entries") + "?month=abc")
    assert len(export.getvalue().decode("utf-8-sig").strip().splitlines()) == 1  # the header only


@pytest.mark.parametrize("typed", ["Nov 2026", "11.2026", "2026-11", "listopad 2026"])
def test_a_month_typed_as_shown_filters_the_list(login, partner_a, anna, typed):
    make_entry(anna, days_ago=2)  # 25 November
    make_entry(anna, days_ago=40)  # October

    response = login(partner_a).get(url("volunteers:hours_list"), {"month": typed})

    assert response.context["page"].paginator.count == 1


@pytest.mark.parametrize(("language", "example"), [("en", "e.g. Nov 2026"), ("pl", "11.2026")])
def test_the_month_is_a_text_box_with_the_example_shown(login, partner_a, language, example):
    body = login(partner_a).get(url("volunteers:hours_list", language=language)).content.decode()

    month = re.search(r'<input[^>]*name="month"[^>]*>', body).group(0)
    assert 'type="text"' in month and 'type="month"' not in month
    assert example in body


# --- 4. Numbers as the page's language writes them --------------------------------------------


@pytest.mark.parametrize(
    ("language", "numbers", "other"),
    [("en", ["0.25", "0.75", "1.5"], "0,25"), ("pl", ["0,25", "0,75", "1,5"], "0.25")],
)
def test_the_grid_writes_hours_in_the_language_of_the_page(
    login, partner_a, anna, language, numbers, other
):
    response = login(partner_a).post(
        url("volunteers:hours_week", language=language),
        {"activity": "Biuro", "with_children": "no", cell(anna, WEDNESDAY): "1,3"},
    )

    body = response.content.decode()
    for number in numbers:
        assert number in body  # the error (0.25, 0.5, 0.75, 1…) and the hint (e.g. 2 or 1.5)
    assert f" {numbers[2]})." in body  # the hint's example of a fraction
    assert other not in body


def test_english_messages_and_hints_use_a_decimal_point_and_the_right_plural(
    login, partner_a, anna
):
    client = login(partner_a)
    form = client.get(url("volunteers:hours_create")).content.decode()
    assert "Quarter-hour steps, e.g. 1.5 or 2.25." in form
    assert "e.g. 1.5;" in client.get(url("volunteers:hours_import")).content.decode()

    saved = client.post(
        url("volunteers:hours_week"),
        {
            "activity": "Biuro",
            "with_children": "no",
            cell(anna, WEDNESDAY): "1,75",
            cell(anna, WEDNESDAY - datetime.timedelta(days=1)): "2",
        },
        follow=True,
    )
    assert "Saved 2 entries, 3.75 hours in all" in saved.content.decode()

    one = client.post(
        url("volunteers:hours_create"),
        {
            "volunteer": anna.pk,
            "date": "2026-11-26",
            "hours": "1",
            "activity": "Biuro",
            "with_children": "no",
        },
    )
    assert one.status_code == 302
    again = client.post(
        url("volunteers:hours_create"),
        {
            "volunteer": anna.pk,
            "date": "2026-11-26",
            "hours": "1",
            "activity": "Biuro",
            "with_children": "no",
        },
    )
    assert "already has 1 hour of the same work" in again.content.decode()


def test_the_edit_form_shows_the_hours_as_the_page_writes_them_and_exports_keep_a_comma(
    login, partner_a, anna
):
    entry = make_entry(anna, days_ago=2, quarters=6, activity="Biuro", with_children=False)
    client = login(partner_a)

    english = client.get(url("volunteers:hours_edit", entry.pk))
    polish = client.get(url("volunteers:hours_edit", entry.pk, language="pl"))
    export = client.get(url("volunteers:export", "entries")).getvalue().decode("utf-8-sig")

    assert english.context["form"]["hours"].value() == "1.5"
    assert polish.context["form"]["hours"].value() == "1,5"
    assert "1,5" in export.splitlines()[1]


def test_hours_in_words_follow_the_plural_of_the_language():
    from volunteers.services import hours_text

    with translation.override("en"):
        assert [hours_text(q) for q in (1, 4, 6, 8)] == [
            "0.25 hours",
            "1 hour",
            "1.5 hours",
            "2 hours",
        ]
    assert timezone.localdate() == FRIDAY


def test_hours_typed_in_the_week_grid_are_kept_when_the_page_moved_meanwhile(
    client, monkeypatch, roles
):
    """A volunteer added (sorting first) between showing a page of the grid and saving it moves
    the page's slice: the hours typed for the last row shown must still be saved."""
    from django.contrib.auth.models import Group as RoleGroup

    from calportal.accounts.models import User
    from calportal.accounts.roles import Role
    from tests.factories import PASSWORD, OrganisationFactory
    from volunteers import views
    from volunteers.models import HoursEntry, Volunteer, VolunteerStatus

    monkeypatch.setattr(views, "GRID_PAGE_SIZE", 2)
    organisation = OrganisationFactory(name="Przesunięcie")
    volunteers = [
        Volunteer.objects.create(
            organisation=organisation,
            first_name="Ala",
            last_name=name,
            status=VolunteerStatus.ACTIVE,
            birth_year=1990,
        )
        for name in ("Bąk", "Cis", "Dąb")
    ]
    ops = User.objects.create_user(email="ops.grid@example.org", password=PASSWORD)
    ops.groups.add(RoleGroup.objects.get(name=Role.OPS_STAFF.value))
    client.force_login(ops)
    url = reverse("volunteers:hours_week")
    shown = client.get(url, {"organisation": organisation.pk})
    monday = shown.context["week"]
    assert [row["volunteer"] for row in shown.context["rows"]] == volunteers[:2]
    Volunteer.objects.create(
        organisation=organisation,
        first_name="Ala",
        last_name="Abacka",
        status=VolunteerStatus.ACTIVE,
        birth_year=1990,
    )

    response = client.post(
        url,
        {
            "week": monday,
            "organisation": organisation.pk,
            "page": "1",
            "activity": "Porządki",
            "with_children": "no",
            f"h-{volunteers[1].pk}-{monday}": "2",
        },
    )

    assert response.status_code == 302
    assert HoursEntry.objects.filter(volunteer=volunteers[1], quarters=8).exists()


def test_a_shift_does_not_offer_the_volunteers_already_on_it(client, partner_a, organisation_a):
    from tests.volunteers.conftest import (
        make_agreement,
        make_opportunity,
        make_shift,
        make_volunteer,
    )
    from volunteers.models import Assignment

    on_it = make_volunteer(organisation_a, 11, first_name="Olga", last_name="Obecna")
    free = make_volunteer(organisation_a, 12, first_name="Wanda", last_name="Wolna")
    for volunteer in (on_it, free):
        make_agreement(volunteer)
    opportunity = make_opportunity(organisation_a)
    shift, other = make_shift(opportunity, needed=3), make_shift(opportunity, days_ahead=6)
    Assignment.objects.create(shift=shift, volunteer=on_it)
    client.force_login(partner_a)

    html = client.get(reverse("volunteers:opportunity_detail", args=[opportunity.pk])).content
    html = html.decode()

    def offered(shift_pk: int) -> str:
        return html.split(f'id="volunteer-{shift_pk}"', 1)[1].split("</select>", 1)[0]

    assert f'value="{on_it.pk}"' not in offered(shift.pk)
    assert f'value="{free.pk}"' in offered(shift.pk)
    assert f'value="{on_it.pk}"' in offered(other.pk)
