"""The server errors fuzzing found, each kept as the behaviour that replaced it.

The fuzz test over every form is tests/calportal/test_fuzz_forms.py.
"""

import datetime
import re

import django_filters
import pytest
from django import forms
from django.db import IntegrityError, transaction
from django.urls import reverse

from calportal.team.models import TeamMeeting
from tests.factories import EventFactory, TeamMeetingFactory
from volunteers.models import Opportunity, Shift

# "Enter a date between 1900 and 2100." / "Wpisz datę z lat 1900–2100." once translated.
YEAR_MESSAGE = re.compile(r"1900\D+2100")


def test_a_team_meeting_nobody_is_recorded_for_can_be_edited(login, staff):
    meeting = TeamMeetingFactory(created_by=None, held_on=datetime.date(2026, 10, 1))

    response = login(staff).post(
        reverse("team:meeting_edit", args=[meeting.pk]),
        {"held_on": "2026-10-01", "agenda": "1. Mapa zasobów", "place": "Sala OPS"},
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.place == "Sala OPS"
    assert meeting.created_by is None  # the one who edits did not record it


def test_a_new_team_meeting_is_recorded_by_who_saved_it(login, staff):
    login(staff).post(
        reverse("team:meeting_create"), {"held_on": "2026-10-01", "agenda": "1. Mapa zasobów"}
    )

    assert TeamMeeting.objects.get().created_by == staff


def test_a_nul_byte_in_the_phone_signup_search_is_a_clear_400_page(login, staff):
    event = EventFactory()
    url = reverse("initiatives:registration_add", args=[event.pk])

    response = login(staff).get(f"{url}?q=ab%00cd")

    assert response.status_code == 400
    page = response.content.decode()
    assert "Nieprawidłowe żądanie" in page
    assert "<nav" in page  # the site's own page, with its navigation


def test_the_400_page_is_in_english_under_en(client, db):
    response = client.get("/en/?q=%00")

    assert response.status_code == 400
    assert "Bad request" in response.content.decode()
    assert "cannot be used" in response.content.decode()


@pytest.mark.parametrize("address", ["/?x%00=1", "/registration/ab%00cd/"])
def test_nul_in_a_query_key_or_the_path_is_a_400_page_too(client, db, address):
    assert client.get(address).status_code == 400


def test_an_encoded_unpaired_surrogate_arrives_as_replacement_characters(client, db):
    # A browser sends "\ud800" as the bytes ED A0 80, which Django decodes to U+FFFD.
    assert client.get("/?q=%ED%A0%80").status_code == 200


def test_a_year_1_date_on_the_event_form_is_a_form_error(login, staff):
    event = EventFactory()
    data = {
        "title": event.title,
        "starts_at": "0001-01-01T00:00",
        "ends_at": event.ends_at.strftime("%Y-%m-%dT%H:%M"),
        "place_name": "Sala",
        "max_companions": "1",
    }

    response = login(staff).post(reverse("initiatives:event_edit", args=[event.pk]), data)

    assert response.status_code == 200
    assert any(YEAR_MESSAGE.search(e) for e in response.context["form"].errors["starts_at"])
    event.refresh_from_db()
    assert event.starts_at.year > 1900


def test_a_year_1_shift_is_not_stored_and_the_opportunity_page_stays_up(
    login, staff, organisation_a
):
    opportunity = Opportunity.objects.create(organisation=organisation_a, title="Piknik")
    client = login(staff)

    response = client.post(
        reverse("volunteers:shift_create", args=[opportunity.pk]),
        {"starts_at": "0001-01-01T00:00", "ends_at": "2026-12-01T12:00", "needed": "2"},
        follow=True,
    )

    assert response.status_code == 200
    assert YEAR_MESSAGE.search(response.content.decode())  # shown as a message on the page
    assert not Shift.objects.exists()
    assert client.get(opportunity.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "field_class", [forms.DateField, forms.DateTimeField, django_filters.fields.IsoDateTimeField]
)
@pytest.mark.parametrize("typed", ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"])
def test_every_date_field_refuses_a_year_outside_1900_to_2100(field_class, typed):
    with pytest.raises(forms.ValidationError, match=YEAR_MESSAGE):
        field_class().clean(typed)


def test_every_date_field_takes_the_years_1900_to_2100(db):
    assert forms.DateField().clean("1900-01-01") == datetime.date(1900, 1, 1)
    assert forms.DateTimeField().clean("2100-12-31 23:59").year == 2100


def test_a_model_multiple_choice_given_2_to_63_is_a_form_error(roles):
    from calportal.team.models import TeamMember

    field = forms.ModelMultipleChoiceField(queryset=TeamMember.objects.all())

    with pytest.raises(forms.ValidationError):
        field.clean([str(2**63)])


def test_the_database_refuses_a_year_1_moment_written_directly(staff, organisation_a):
    opportunity = Opportunity.objects.create(organisation=organisation_a, title="Piknik")
    start = datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC)
    shift = Shift.objects.create(
        opportunity=opportunity, starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        Shift.objects.filter(pk=shift.pk).update(
            starts_at=datetime.datetime(1, 1, 1, 12, tzinfo=datetime.UTC)
        )


def test_the_database_refuses_a_year_9999_date_written_directly(db):
    meeting = TeamMeetingFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        TeamMeeting.objects.filter(pk=meeting.pk).update(held_on=datetime.date(9999, 12, 31))
