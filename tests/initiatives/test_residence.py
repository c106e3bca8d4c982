"""Where people live (REPORTS.md §9, D1): the optional select on the signup forms, and the
staff page that maps typed districts to areas."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from calportal.accounts.roles import Role
from initiatives.models import Participant
from initiatives.passes.models import PassApplication, ProgrammeSettings
from resources_map.models import Area, AreaKind
from tests.access import ALLOWED, DENIED, LOGIN, assert_outcome
from tests.factories import EventFactory, OrganisationFactory, ParticipantFactory, UserFactory
from tests.initiatives.conftest import signup_data


@pytest.fixture
def centrum(db):
    return Area.objects.create(name="Centrum", kind=AreaKind.DISTRICT)


@pytest.fixture
def mechlin(db):
    return Area.objects.create(name="Mechlin", kind=AreaKind.VILLAGE, urban=False)


def signup(client, event, **overrides):
    return client.post(
        reverse("initiatives:event_public", args=[event.pk]), signup_data(**overrides)
    )


def residence_of(email="grazyna@example.org"):
    person = Participant.objects.get(email=email)
    return person.area_id, person.outside_municipality


# --- The public signup form ---------------------------------------------------------------------


def test_the_signup_form_offers_not_given_every_area_by_kind_and_outside(
    client, event, centrum, mechlin
):
    page = client.get(reverse("initiatives:event_public", args=[event.pk])).content.decode()

    select = page[
        page.index('name="residence"') : page.index("</select>", page.index('name="residence"'))
    ]
    assert select.index('value=""') < select.index(f'value="{centrum.pk}"')
    assert select.index(f'value="{centrum.pk}"') < select.index(f'value="{mechlin.pk}"')
    assert select.index(f'value="{mechlin.pk}"') < select.index('value="outside"')
    assert select.count("<optgroup") == 2
    assert 'for="id_residence"' in page  # labelled
    assert 'aria-describedby="id_residence_helptext"' in page  # the help text is read out


@pytest.mark.parametrize(
    ("choice", "expected"),
    [("", (None, False)), ("outside", (None, True)), ("centrum", ("centrum", False))],
    ids=["not given", "outside", "area"],
)
def test_the_public_form_saves_each_residence_choice(client, event, centrum, choice, expected):
    value = str(centrum.pk) if choice == "centrum" else choice

    response = signup(client, event, residence=value)

    assert response.status_code == 302
    area = centrum.pk if expected[0] == "centrum" else None
    assert residence_of() == (area, expected[1])


def test_an_unknown_area_is_a_form_error_not_a_signup(client, event, centrum):
    response = signup(client, event, residence=str(centrum.pk + 1000))

    assert response.status_code == 200
    assert response.context["form"].errors["residence"]
    assert not Participant.objects.exists()


def test_the_public_form_fills_in_a_residence_but_never_changes_a_known_one(
    client, event, centrum, mechlin
):
    signup(client, event, residence="")
    assert residence_of() == (None, False)
    other_event = EventFactory(initiative=event.initiative)
    signup(client, other_event, residence=str(centrum.pk))
    assert residence_of() == (centrum.pk, False)

    # Whoever knows a resident's e-mail address must not be able to move them elsewhere.
    third_event = EventFactory(initiative=event.initiative)
    signup(client, third_event, residence="outside")
    assert residence_of() == (centrum.pk, False)
    assert Participant.objects.count() == 1


def test_the_select_costs_one_query_however_many_areas(client, event, centrum):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("initiatives:event_public", args=[event.pk]))
        return len(captured)

    few = queries()
    for n in range(12):
        Area.objects.create(name=f"Wieś {n}", kind=AreaKind.VILLAGE)
    assert queries() == few


# --- Staff: phone and on-site registration, passes ---------------------------------------------


def test_staff_register_a_new_person_with_an_area(login, staff, event, mechlin):
    response = login(staff).post(
        reverse("initiatives:registration_add", args=[event.pk]),
        {
            "first_name": "Józef",
            "last_name": "Pietrzak",
            "phone": "601 200 300",
            "gender": "man",
            "residence": str(mechlin.pk),
            "companions": "0",
            "source": "phone",
            "consent": "on",
        },
    )

    assert response.status_code == 302
    person = Participant.objects.get()
    assert (person.area_id, person.outside_municipality) == (mechlin.pk, False)


def test_staff_choosing_a_known_person_update_their_residence_when_given(
    login, staff, event, centrum
):
    known = ParticipantFactory(first_name="Irena", last_name="Nowaczyk", area=centrum)
    client = login(staff)
    url = reverse("initiatives:registration_add", args=[event.pk]) + "?q=Nowaczyk"
    base = {"participant": str(known.pk), "companions": "0", "source": "on_site", "consent": "on"}

    client.post(url, {**base, "residence": "", "gender": "not_given"})
    known.refresh_from_db()
    assert known.area_id == centrum.pk

    other = EventFactory(initiative=event.initiative)
    client.post(
        reverse("initiatives:registration_add", args=[other.pk]) + "?q=Nowaczyk",
        {**base, "residence": "outside", "gender": "not_given"},
    )
    known.refresh_from_db()
    assert (known.area_id, known.outside_municipality) == (None, True)


def test_issuing_a_pass_from_an_application_proposes_the_typed_area_and_stores_it(
    login, staff, centrum
):
    ProgrammeSettings.current()
    application = PassApplication.objects.create(
        first_name="Halina",
        last_name="Żurawska",
        birth_year=1950,
        district=" centrum ",
        phone="600100200",
        consent_text_version="2026-11-sps",
        consent_given_at="2026-11-01T10:00:00+01:00",
    )
    client = login(staff)
    url = reverse("passes:application_issue", args=[application.pk])

    form = client.get(url).context["form"]
    assert form.initial["residence"] == str(centrum.pk)

    client.post(
        url,
        {
            "first_name": "Halina",
            "last_name": "Żurawska",
            "birth_year": "1950",
            "gender": "woman",
            "district": " centrum ",
            "residence": str(centrum.pk),
            "phone": "600100200",
        },
    )
    holder = Participant.objects.get()
    assert holder.area_id == centrum.pk
    assert holder.district == "centrum"  # the typed text is kept (trimmed)


# --- Districts to map ----------------------------------------------------------------------------


def typed(district, **fields):
    return ParticipantFactory(district=district, **fields)


def test_the_page_lists_typed_districts_without_a_residence_case_and_spaces_aside(
    login, staff, centrum
):
    for text in ["Centrum", " centrum", "CENTRUM "]:
        typed(text)
    typed("Poznań")
    typed("Centrum", area=centrum)  # mapped already: not counted
    typed("Centrum", outside_municipality=True)  # said "outside": not counted
    typed("")  # typed nothing: nothing to map

    response = login(staff).get(reverse("initiatives:districts_to_map"))

    rows = [(row["district_key"], row["people"]) for row, _form in response.context["rows"]]
    assert rows == [("centrum", 3), ("poznań", 1)]
    # The area of the same name is proposed.
    first_form = response.context["rows"][0][1]
    assert first_form.initial["residence"] == str(centrum.pk)


def test_saving_a_row_maps_everyone_who_typed_it_in_one_update(login, staff, centrum, mechlin):
    people = [typed(text) for text in ["Centrum", " centrum", "CENTRUM "]]
    already = typed("centrum", area=mechlin)
    other = typed("Poznań")
    client = login(staff)

    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            reverse("initiatives:districts_to_map"),
            {"district_key": "centrum", "residence": str(centrum.pk)},
        )

    assert response.status_code == 302
    updates = [
        q["sql"] for q in captured if q["sql"].startswith('UPDATE "initiatives_participant"')
    ]
    assert len(updates) == 1
    for person in people:
        person.refresh_from_db()
        assert (person.area_id, person.outside_municipality) == (centrum.pk, False)
    already.refresh_from_db()
    other.refresh_from_db()
    assert already.area_id == mechlin.pk  # a known residence is never overwritten
    assert other.area_id is None


def test_a_district_can_be_mapped_to_outside_the_municipality(login, staff, centrum):
    person = typed("Poznań ")

    login(staff).post(
        reverse("initiatives:districts_to_map"),
        {"district_key": "poznań", "residence": "outside"},
    )

    person.refresh_from_db()
    assert (person.area_id, person.outside_municipality) == (None, True)


def test_saving_without_a_choice_maps_nobody(login, staff, centrum):
    person = typed("Centrum")

    response = login(staff).post(
        reverse("initiatives:districts_to_map"), {"district_key": "centrum", "residence": ""}
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.area_id is None


def test_the_districts_page_costs_the_same_queries_whatever_the_data(login, staff, centrum):
    client = login(staff)
    url = reverse("initiatives:districts_to_map")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    typed("Helenki")
    few = queries()
    for n in range(30):
        typed(f"Wieś {n}")
        typed(f"wieś {n} ")
    assert queries() == few


# --- Who may --------------------------------------------------------------------------------------


@pytest.fixture
def venue_staff(roles):
    organisation = OrganisationFactory(name="Kawiarnia sp. z o.o.", sector="business")
    return UserFactory(
        email="kawiarnia@example.org", organisation=organisation, role=Role.VENUE_STAFF
    )


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("staff", ALLOWED),
        ("partner_a", DENIED),
        ("team_member", DENIED),
        ("venue_staff", DENIED),
        (None, LOGIN),
    ],
)
def test_only_ops_staff_map_districts(request, db, login, role, expected):
    user = request.getfixturevalue(role) if role else None
    person = typed("Centrum")
    client = login(user)
    url = reverse("initiatives:districts_to_map")

    assert_outcome(client.get(url), expected, denied_page=True)
    posted = client.post(url, {"district_key": "centrum", "residence": "outside"})
    if expected != ALLOWED:
        assert_outcome(posted, expected)
        person.refresh_from_db()
        assert not person.outside_municipality
