"""The longest names the public forms accept are stored, however much case-folding lengthens
them ("ß" → "ss", "ﬃ" → "ffi"): the name key is text, not a 300-character column.

On PostgreSQL a too-long value is an error (SQLite stores anything), so the sign-up and the pass
application run there (CI); the form limits are checked on any database.
"""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from calportal.contacts import name_key
from initiatives.models import Participant, Registration
from initiatives.passes.models import PassApplication, ProgrammeSettings
from tests.conftest import require
from tests.initiatives.conftest import signup_data

# 100 characters each, the forms' and the columns' limit for a first and a last name.
LONGEST = [
    pytest.param("ﬃ" * 100, "ﬃ" * 100, 601, id="ffi-ligature"),
    pytest.param("ß" * 100, "ß" * 100, 401, id="sharp-s"),
    # The most bytes per character name_key can make (3 code points of 4 bytes in UTF-8): the
    # key still fits a PostgreSQL index entry (at most 2704 bytes).
    pytest.param("\U0001d1c0" * 100, "\U0001d1c0" * 100, 601, id="musical-symbol"),
]


@pytest.fixture
def postgresql():
    require(connection.vendor == "postgresql", "column lengths are enforced only by PostgreSQL")


@pytest.fixture
def programme(db):
    return ProgrammeSettings.current()


def signup(client, event, **overrides):
    return client.post(
        reverse("initiatives:event_public", args=[event.pk]), signup_data(**overrides)
    )


def apply(client, **overrides):
    data = {
        "first_name": "Halina",
        "last_name": "Żurawska",
        "birth_year": str(timezone.localdate().year - 70),
        "phone": "601 200 300",
        "consent": "on",
        "hp_check": "",
        **overrides,
    }
    return client.post(reverse("passes:apply"), data)


def test_the_name_key_has_no_length_limit():
    for model in (Participant, PassApplication):
        field = model._meta.get_field("name_key")
        assert field.get_internal_type() == "TextField"
        assert field.max_length is None


@pytest.mark.parametrize(("first", "last", "key_length"), LONGEST)
def test_the_longest_names_sign_up_on_postgresql(
    postgresql, client, event, first, last, key_length
):
    response = signup(client, event, first_name=first, last_name=last)

    assert response.status_code == 302
    participant = Registration.objects.get().participant
    assert (participant.first_name, participant.last_name) == (first, last)
    assert participant.name_key == name_key(first, last)
    assert len(participant.name_key) == key_length
    # The same person again is recognised by the long key.
    signup(client, event, first_name=first, last_name=last)
    assert Participant.objects.count() == 1


@pytest.mark.parametrize(("first", "last", "key_length"), LONGEST)
def test_the_longest_names_apply_for_a_pass_on_postgresql(
    postgresql, client, programme, first, last, key_length
):
    response = apply(client, first_name=first, last_name=last)

    assert response.status_code == 302
    application = PassApplication.objects.get()
    assert len(application.name_key) == key_length
    assert PassApplication.objects.filter(name_key=name_key(first, last)).count() == 1


def test_a_name_over_the_limit_is_refused_by_the_sign_up_form(client, event):
    response = signup(client, event, first_name="ﬃ" * 101)

    assert response.status_code == 200
    assert "first_name" in response.context["form"].errors
    assert not Participant.objects.exists()


def test_a_name_over_the_limit_is_refused_by_the_pass_application_form(client, programme):
    response = apply(client, last_name="ß" * 101)

    assert response.status_code == 200
    assert "last_name" in response.context["form"].errors
    assert not PassApplication.objects.exists()
