"""Phone numbers stored before the portal kept them as 9 digits are brought to that form by each
app's data migration (calportal.contacts.stored_phone_or_as_typed), and "the same phone or
e-mail address" is one filter (calportal.contacts.same_contact_q)."""

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from calportal.contacts import same_contact_q, stored_phone_or_as_typed
from initiatives.models import Participant
from resources_map.models import ReportKind, ResidentReport, Resource, ResourceClass, ResourceKind
from selfhelp.models import JoinRequest, Member
from tests.factories import OrganisationFactory, ParticipantFactory, TeamMemberFactory, UserFactory
from tests.selfhelp.conftest import make_group, make_member, make_request
from volunteers.models import Volunteer


@pytest.mark.parametrize(
    ("stored_before", "stored_now"),
    [
        ("601 234 567", "601234567"),
        ("601-234-567", "601234567"),
        ("+48 601 234 567", "601234567"),
        ("0048 601 234 567", "601234567"),
        ("48601234567", "601234567"),
        ("(61) 283-00-00", "612830000"),
        ("(0-61) 283 00 00", "612830000"),
        ("61.283.00.00", "612830000"),
        ("601234567", "601234567"),
    ],
)
def test_a_polish_number_typed_any_way_gets_the_stored_form(stored_before, stored_now):
    assert stored_phone_or_as_typed(stored_before) == stored_now


@pytest.mark.parametrize(
    "stored_before",
    [
        "61 283 00 00 wew. 12",  # an extension: people read it, a link could not dial it
        "601 234 567 / 61 283 00 00",  # two numbers
        "+49 30 1234567",  # foreign
        "+48 601 234 56",  # a digit short
        "12345",
        "brak",
        "",
        "   ",  # not emptied: a row may rely on it for a "phone or e-mail" constraint
    ],
)
def test_anything_else_stays_exactly_as_it_was(stored_before):
    assert stored_phone_or_as_typed(stored_before) == stored_before


def migration(module: str):
    return importlib.import_module(module).to_stored_form


def test_the_volunteers_migration_converts_clear_numbers_and_keeps_the_rest(db):
    organisation = OrganisationFactory()
    common = {
        "organisation": organisation,
        "birth_year": 1980,
        "consent_given_at": timezone.now(),
    }
    typed = Volunteer.objects.create(first_name="Jan", last_name="A", phone="601 234 567", **common)
    foreign = Volunteer.objects.create(
        first_name="Jan", last_name="B", phone="+49 30 1234567", **common
    )
    stored = Volunteer.objects.create(first_name="Jan", last_name="C", phone="602345678", **common)

    migration("volunteers.migrations.0005_phones_stored_form")(apps, None)

    phones = dict(Volunteer.objects.values_list("pk", "phone"))
    assert phones == {typed.pk: "601234567", foreign.pk: "+49 30 1234567", stored.pk: "602345678"}


def test_the_self_help_migration_converts_members_and_requests(roles):
    group = make_group(UserFactory(email="f@example.org"))
    member = make_member(group, phone="+48 601-234-567")
    join_request = make_request(group, phone="(0-61) 283 00 00")
    kept = make_request(group, name="Zofia", phone="61 283 00 00 wew. 12")

    migration("selfhelp.migrations.0004_phones_stored_form")(apps, None)

    assert Member.objects.get(pk=member.pk).phone == "601234567"
    assert JoinRequest.objects.get(pk=join_request.pk).phone == "612830000"
    assert JoinRequest.objects.get(pk=kept.pk).phone == "61 283 00 00 wew. 12"


def resource(phone: str) -> Resource:
    return Resource.objects.create(
        name="Punkt",
        resource_class=ResourceClass.MATERIAL,
        kind=ResourceKind.ROOM,
        contact_phone=phone,
    )


def test_the_other_apps_migrations_convert_their_phone_fields(db):
    organisation = OrganisationFactory(phone="61 283-00-00")
    user = UserFactory(email="u@example.org", phone="0048 601 234 567")
    team_member = TeamMemberFactory(phone="601.234.567")
    place = resource("+48 (61) 283 00 00")
    report = ResidentReport.objects.create(
        kind=ReportKind.values[0],
        description="Potrzebna pomoc",
        phone="601 234 567",
        consent_given_at=timezone.now(),
    )

    for module in (
        "calportal.organisations.migrations.0002_phones_stored_form",
        "calportal.accounts.migrations.0003_phones_stored_form",
        "calportal.team.migrations.0004_phones_stored_form",
        "resources_map.migrations.0005_phones_stored_form",
    ):
        migration(module)(apps, None)

    for row, field, stored in [
        (organisation, "phone", "612830000"),
        (user, "phone", "601234567"),
        (team_member, "phone", "601234567"),
        (place, "contact_phone", "612830000"),
        (report, "phone", "601234567"),
    ]:
        row.refresh_from_db()
        assert getattr(row, field) == stored, row


def test_same_contact_matches_the_phone_or_the_address_in_any_case(db):
    by_phone = ParticipantFactory(phone="601234567", email="")
    by_email = ParticipantFactory(phone="", email="anna@example.org")
    ParticipantFactory(phone="602345678", email="other@example.org")

    def found(**contact):
        return set(Participant.objects.filter(same_contact_q(**contact)))

    assert found(phone="601234567", email=" ANNA@example.org ") == {by_phone, by_email}
    assert found(phone="601234567", email="") == {by_phone}
    assert found(phone="", email="Anna@Example.org") == {by_email}
    assert found(phone="", email="") == set()


def test_same_contact_takes_other_field_names(db):
    place = resource("612830000")
    resource("601234567")

    contact = same_contact_q(
        phone="612830000", email="", phone_field="contact_phone", email_field="contact_email"
    )
    assert list(Resource.objects.filter(contact)) == [place]
