import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from calportal.organisations.models import Organisation, Sector
from tests.factories import OrganisationFactory

VALID = {
    "name": "Klub Seniora „Jesień”",
    "sector": Sector.NON_GOVERNMENTAL,
    "kind": "ngo",
    "city": "Śrem",
    "postal_code": "63-100",
}


def test_staff_add_an_organisation(login, staff):
    response = login(staff).post(reverse("organisations:create"), VALID)

    organisation = Organisation.objects.get(name=VALID["name"])
    assert response.status_code == 302
    assert response["Location"] == organisation.get_absolute_url()


def test_a_missing_name_is_shown_next_to_the_field_and_nothing_is_saved(login, staff):
    response = login(staff).post(reverse("organisations:create"), {**VALID, "name": ""})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="error_1_id_name"' in html
    assert "To pole jest wymagane." in html
    assert not Organisation.objects.exists()


def test_a_malformed_postal_code_and_email_are_explained(login, staff):
    response = login(staff).post(
        reverse("organisations:create"), {**VALID, "postal_code": "63100", "email": "x@"}
    )

    html = response.content.decode()
    assert "63-100" in html and 'id="error_1_id_postal_code"' in html
    assert 'id="error_1_id_email"' in html
    assert not Organisation.objects.exists()


def test_the_same_name_in_another_case_is_refused(login, staff):
    # SQLite lower-cases ASCII only; PostgreSQL (CI) any letter. ASCII keeps both honest.
    OrganisationFactory(name="Klub Seniora Jesien")

    response = login(staff).post(
        reverse("organisations:create"), {**VALID, "name": "KLUB SENIORA JESIEN"}
    )

    assert response.status_code == 200
    assert Organisation.objects.count() == 1


def test_only_a_partner_has_a_pact(login, staff):
    response = login(staff).post(
        reverse("organisations:create"),
        {**VALID, "is_partner": "", "pact_signed_on": "2010-01-15"},
    )

    assert response.status_code == 200
    assert 'id="error_1_id_pact_signed_on"' in response.content.decode()
    assert not Organisation.objects.exists()


def test_the_database_refuses_a_pact_for_a_non_partner(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(is_partner=False, cooperation_form="permanent")


def test_staff_edit_an_organisation(login, staff, organisation_a):
    response = login(staff).post(
        reverse("organisations:edit", args=[organisation_a.pk]),
        {**VALID, "name": "Nowa nazwa", "is_partner": "on", "cooperation_form": "ad_hoc"},
    )

    organisation_a.refresh_from_db()
    assert response.status_code == 302
    assert organisation_a.name == "Nowa nazwa"
    assert organisation_a.cooperation_form == "ad_hoc"


def test_the_list_filters_by_sector_partner_status_and_search(login, staff):
    OrganisationFactory(name="Bank Spółdzielczy", sector=Sector.FINANCE, is_partner=False)
    OrganisationFactory(name="Urząd Miejski", sector=Sector.PUBLIC)
    client = login(staff)

    def names(**query):
        response = client.get(reverse("organisations:list"), query)
        return [organisation.name for organisation in response.context["page"]]

    assert names(sector=Sector.FINANCE) == ["Bank Spółdzielczy"]
    assert names(is_partner="True") == ["Urząd Miejski"]
    assert names(is_partner="False") == ["Bank Spółdzielczy"]
    assert names(q="miejsk") == ["Urząd Miejski"]


@pytest.mark.parametrize(
    "query", [{"sector": "nonsense"}, {"is_partner": "maybe"}, {"page": "x"}, {"page": "9999"}]
)
def test_a_bad_query_string_is_not_a_500(login, staff, query):
    response = login(staff).get(reverse("organisations:list"), query)

    assert response.status_code == 200


def test_the_list_uses_the_same_number_of_queries_for_3_or_30_rows(
    login, staff, django_assert_num_queries, django_assert_max_num_queries
):
    client = login(staff)
    OrganisationFactory.create_batch(3)
    with django_assert_max_num_queries(50) as baseline:
        client.get(reverse("organisations:list"))
    OrganisationFactory.create_batch(27)

    with django_assert_num_queries(len(baseline.captured_queries)):
        response = client.get(reverse("organisations:list"))

    assert len(response.context["page"]) == 25


def test_a_team_member_may_read_the_catalogue_but_not_change_it(login, team_member, organisation_a):
    client = login(team_member)

    html = client.get(reverse("organisations:detail", args=[organisation_a.pk])).content.decode()

    assert organisation_a.name in html
    assert reverse("organisations:edit", args=[organisation_a.pk]) not in html
    assert client.post(reverse("organisations:create"), VALID).status_code == 403
    assert not Organisation.objects.filter(name=VALID["name"]).exists()
