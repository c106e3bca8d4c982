"""The volunteering staff lists at city scale: the same, pinned number of queries with 10 and
with 10,000 rows, pages of rows rather than every row, and search fields (with suggestions)
rather than drop-downs of every volunteer.

The rows are built once per size for the whole module (``bulk_create``) and removed after it.
"""

import datetime

import pytest
from django.contrib.auth.models import Group as RoleGroup
from django.urls import reverse
from django.utils import timezone

from calportal.accounts.models import User
from calportal.accounts.roles import Role
from calportal.organisations.models import Organisation
from tests.factories import PASSWORD, OrganisationFactory
from tests.scale import analyse, queries_of, raw_delete
from volunteers.models import (
    Agreement,
    EntryStatus,
    HoursEntry,
    Opportunity,
    Shift,
    Volunteer,
    VolunteerStatus,
)

SIZES = [10, 10_000]

# Queries of each page for an OPS staff member, the same at every size (the session, the user
# and the permissions included).
PINNED = {
    "volunteers:volunteer_list": 12,
    "volunteers:hours_list": 8,
    "volunteers:approval": 8,
    "volunteers:totals": 10,
    "volunteers:opportunity_list": 7,
}


def build(size: int) -> dict:
    """``size`` volunteers in two partner organisations, each with an agreement, an approved
    and a submitted entry of hours; ``size`` opportunities, each with an upcoming shift. Returns
    the organisations' ids (for :func:`remove`)."""
    today = timezone.localdate()
    organisations = [OrganisationFactory(name=f"Skala {size} {letter}") for letter in "AB"]
    volunteers = Volunteer.objects.bulk_create(
        Volunteer(
            organisation=organisations[n % 2],
            first_name=f"Imię{n}",
            last_name=f"Nazwisko{n:05d}",
            email=f"w{n}@example.org",
            phone=f"60{n:07d}",
            birth_year=1990,
            status=VolunteerStatus.ACTIVE,
        )
        for n in range(size)
    )
    Agreement.objects.bulk_create(
        Agreement(
            volunteer=volunteer,
            starts_on=today - datetime.timedelta(days=100),
            signed_on=today - datetime.timedelta(days=100),
            scope="Pomoc",
        )
        for volunteer in volunteers
    )
    entries = []
    for n, volunteer in enumerate(volunteers):
        day = today - datetime.timedelta(days=1 + n % 300)
        entries.append(
            HoursEntry(
                volunteer=volunteer,
                date=day,
                quarters=4 + n % 8,
                activity="Pomoc w biurze",
                status=EntryStatus.APPROVED,
                decided_at=timezone.now(),
            )
        )
        entries.append(
            HoursEntry(
                volunteer=volunteer,
                date=day,
                quarters=2,
                activity="Dyżur",
                description="Dyżur przy telefonie w punkcie informacyjnym",
                status=EntryStatus.SUBMITTED,
            )
        )
    HoursEntry.objects.bulk_create(entries, batch_size=5000)
    opportunities = Opportunity.objects.bulk_create(
        Opportunity(organisation=organisations[n % 2], title=f"Zadanie {n:05d}")
        for n in range(size)
    )
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=3)
    Shift.objects.bulk_create(
        Shift(
            opportunity=opportunity,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=3),
            needed=3,
        )
        for opportunity in opportunities
    )
    analyse(Volunteer, Agreement, HoursEntry, Opportunity, Shift)
    return {"organisations": [organisation.pk for organisation in organisations]}


def remove(data: dict) -> None:
    """Delete what :func:`build` made."""
    organisations = data["organisations"]
    raw_delete(Shift.objects.filter(opportunity__organisation__in=organisations))
    raw_delete(Opportunity.objects.filter(organisation__in=organisations))
    raw_delete(HoursEntry.objects.filter(volunteer__organisation__in=organisations))
    raw_delete(Agreement.objects.filter(volunteer__organisation__in=organisations))
    raw_delete(Volunteer.objects.filter(organisation__in=organisations))
    raw_delete(Organisation.objects.filter(pk__in=organisations))


@pytest.fixture(scope="module", params=SIZES, ids=lambda size: f"{size}-rows")
def rows(request, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        data = build(request.param)
        yield {**data, "size": request.param}
        remove(data)


@pytest.fixture
def ops(roles):
    user = User.objects.create_user(
        email="ops.skala@example.org", password=PASSWORD, full_name="Olga Skala"
    )
    user.groups.add(RoleGroup.objects.get(name=Role.OPS_STAFF.value))
    return user


@pytest.mark.parametrize("name", sorted(PINNED))
def test_each_list_runs_the_same_pinned_number_of_queries(client, ops, rows, name):
    client.force_login(ops)
    client.get(reverse(name))  # the first request may fill caches (the session, the rates)
    count, _body = queries_of(client, reverse(name))
    assert count == PINNED[name], f"{name} at {rows['size']} rows"


@pytest.mark.parametrize(
    "name", ["volunteers:hours_list", "volunteers:approval", "volunteers:totals"]
)
def test_the_volunteer_filter_is_a_search_field_not_a_drop_down(client, ops, rows, name):
    client.force_login(ops)
    _count, body = queries_of(client, reverse(name))
    assert 'name="volunteer"' in body
    assert "<option" not in body.split('name="volunteer"', 1)[1].split("</datalist>", 1)[0]
    assert body.count("Nazwisko") <= 200 + 50  # a page of rows (and the warnings), not all


def test_a_long_list_is_paged_and_the_page_links_keep_the_filters(client, ops, rows):
    client.force_login(ops)
    _count, body = queries_of(
        client, reverse("volunteers:hours_list"), {"status": "submitted", "page": "2"}
    )
    if rows["size"] > 100:
        assert "status=submitted" in body.split('aria-label="Strony"', 1)[1]
        assert "page=3" in body
    else:
        assert "page=3" not in body


def test_typed_text_and_a_picked_suggestion_filter_the_hours(client, ops, rows):
    client.force_login(ops)
    volunteer = Volunteer.objects.get(organisation=rows["organisations"][1], first_name="Imię7")
    typed = queries_of(client, reverse("volunteers:hours_list"), {"volunteer": "Nazwisko00007"})
    assert typed[1].count(">Imię7 Nazwisko00007<") == 2  # approved and submitted
    suggestions = client.get(reverse("autocomplete", args=["volunteers"]), {"q": "Nazwisko00007"})
    [label] = suggestions.json()["results"]
    assert label.endswith(f"#{volunteer.pk}")
    picked = queries_of(client, reverse("volunteers:approval"), {"volunteer": label})
    assert picked[1].count('name="entry" value=') == 1


def test_a_partner_gets_suggestions_of_their_own_organisation_only(client, roles, rows):
    own, other = rows["organisations"]
    partner = User.objects.create_user(
        email="partner.skala@example.org",
        password=PASSWORD,
        full_name="Piotr Skala",
        organisation_id=own,
    )
    partner.groups.add(RoleGroup.objects.get(name=Role.PARTNER_COORDINATOR.value))
    client.force_login(partner)
    results = client.get(reverse("autocomplete", args=["volunteers"]), {"q": "Imię"}).json()
    ids = [int(label.rsplit("#", 1)[1]) for label in results["results"]]
    assert ids
    assert set(Volunteer.objects.filter(pk__in=ids).values_list("organisation", flat=True)) == {own}
    outside = Volunteer.objects.filter(organisation=other).first()
    listed = client.get(
        reverse("volunteers:hours_list"), {"volunteer": f"{outside} #{outside.pk}"}
    ).content.decode()
    assert f">{outside}</th>" not in listed
    assert "Żaden wpis nie spełnia warunków filtru." in listed


def test_totals_by_volunteer_are_paged_and_still_add_up(client, ops, rows):
    client.force_login(ops)
    response = client.get(reverse("volunteers:totals"))
    page = response.context["volunteer_page"]
    assert page.paginator.count == rows["size"]
    assert len(response.context["by_volunteer"]) == min(rows["size"], page.paginator.per_page)
    quarters = sum(4 + n % 8 for n in range(rows["size"]))
    assert response.context["overall"]["hours"] == quarters / 4


# The weekly hours grid and an opportunity's page (its shifts' candidates), the same at every size.
GRID_QUERIES = 10
OPPORTUNITY_QUERIES = 9


def test_the_week_grid_shows_a_page_of_volunteers_with_pinned_queries(client, ops, rows):
    client.force_login(ops)
    url = reverse("volunteers:hours_week")
    params = {"organisation": rows["organisations"][0]}
    client.get(url, params)

    count, body = queries_of(client, url, params)

    assert count == GRID_QUERIES, f"at {rows['size']} rows"
    shown = body.count('<th scope="row" class="fw-normal">')
    assert shown == min(rows["size"] // 2, 50)
    if rows["size"] > 100:
        assert "page=2" in body and 'name="page" value="1"' in body


def test_a_page_of_the_week_grid_is_saved_and_comes_back_to_that_page(client, ops, rows):
    client.force_login(ops)
    url = reverse("volunteers:hours_week")
    organisation = rows["organisations"][0]
    number = 2 if rows["size"] > 100 else 1  # the last page there is
    page = client.get(url, {"organisation": organisation, "page": number}).content.decode()
    monday = client.get(url).context["week"]
    key = page.split('name="h-', 1)[1].split('"', 1)[0]  # the first cell of page 2
    volunteer_id = int(key.split("-", 1)[0])

    response = client.post(
        url,
        {
            "week": monday,
            "organisation": organisation,
            "page": str(number),
            "activity": "Porządki",
            "with_children": "no",
            f"h-{key}": "2",
        },
    )

    assert response.status_code == 302
    assert ("page=2" in response["Location"]) == (number == 2)
    assert HoursEntry.objects.filter(volunteer_id=volunteer_id, activity="Porządki").count() == 1
    assert Volunteer.objects.filter(pk=volunteer_id, organisation=organisation).exists()
    HoursEntry.objects.filter(activity="Porządki").delete()


def test_a_shift_of_a_large_organisation_offers_a_search_field_of_its_candidates(client, ops, rows):
    client.force_login(ops)
    own, other = rows["organisations"]
    opportunity = Opportunity.objects.filter(organisation=own).first()
    url = reverse("volunteers:opportunity_detail", args=[opportunity.pk])
    client.get(url)

    count, body = queries_of(client, url)

    assert count == OPPORTUNITY_QUERIES, f"at {rows['size']} rows"
    if rows["size"] > 200:
        assert 'data-autocomplete-url="/autocomplete/shift-candidates/?opportunity=' in body
        assert body.count("<option") < 50
        suggestions = client.get(
            reverse("autocomplete", args=["shift-candidates"]),
            {"opportunity": opportunity.pk, "q": "Nazwisko0000"},
        ).json()["results"]
        ids = [int(label.rsplit("#", 1)[1]) for label in suggestions]
        assert ids
        organisations = Volunteer.objects.filter(pk__in=ids).values_list("organisation", flat=True)
        assert set(organisations) == {own}  # the shift's organisation only
        shift = opportunity.shifts.first()
        picked = client.post(
            reverse("volunteers:assignment_create", args=[shift.pk]), {"volunteer": suggestions[0]}
        )
        assert picked.status_code == 302
        assert shift.assignments.filter(volunteer_id=ids[0]).exists()
        shift.assignments.all().delete()
    else:
        assert "<select" in body.split('name="volunteer"', 1)[0].rsplit("<div>", 1)[1]


@pytest.mark.parametrize("opportunity", ["²", "-1", "abc", "99999999999999999999", ""])
def test_the_shift_candidates_source_refuses_any_odd_opportunity_quietly(
    client, ops, rows, opportunity
):
    client.force_login(ops)
    response = client.get(
        reverse("autocomplete", args=["shift-candidates"]),
        {"opportunity": opportunity, "q": "Nazwisko"},
    )
    assert response.status_code == 200
    assert response.json() == {"results": []}
