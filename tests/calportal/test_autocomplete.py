"""Search fields with suggestions in place of drop-downs of thousands of rows."""

import pytest
from django.urls import reverse

from calportal import autocomplete
from calportal.organisations.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def organisations_source():
    autocomplete.register(
        "test-organisations",
        permission="organisations.view_organisation",
        queryset=lambda user: Organisation.objects.all(),
        search_fields=("name", "short_name"),
        label=lambda row: row.name,
    )
    yield
    autocomplete.SOURCES.pop("test-organisations", None)


def test_suggestions_match_every_word_and_end_with_the_id(client, staff):
    nadzieja = OrganisationFactory(name="Towarzystwo Przyjaciół „Nadzieja”")
    OrganisationFactory(name="Klub Seniora Przyjaciele")
    client.force_login(staff)

    response = client.get(reverse("autocomplete", args=["test-organisations"]), {"q": "przyj nadz"})

    assert response.json() == {"results": [f"Towarzystwo Przyjaciół „Nadzieja” #{nadzieja.pk}"]}


def test_too_short_a_query_gives_nothing_and_a_stranger_gets_nothing(client, staff, partner_a):
    OrganisationFactory(name="Nadzieja")
    url = reverse("autocomplete", args=["test-organisations"])

    assert client.get(url, {"q": "na"}).status_code == 302  # to the login page
    client.force_login(staff)
    assert client.get(url, {"q": "n"}).json() == {"results": []}
    client.force_login(partner_a)
    assert client.get(url, {"q": "nadz"}).status_code == 403
    assert client.get(reverse("autocomplete", args=["nothing"]), {"q": "ab"}).status_code == 404


def test_a_picked_suggestion_filters_by_id_and_typed_text_by_name():
    first = OrganisationFactory(name="Nadzieja")
    OrganisationFactory(name="Nadzieja Druga")
    field = autocomplete.SearchChoiceFilter(field_name="pk", source="test-organisations")
    field.model = Organisation

    rows = Organisation.objects.all()
    assert list(field.filter(rows, f"Nadzieja #{first.pk}")) == [first]
    assert field.filter(rows, "nadzieja").count() == 2
    assert field.filter(rows, "").count() == 2


def test_the_field_renders_as_a_labelled_text_input_with_its_suggestion_list():
    import django_filters

    class OrganisationFilter(django_filters.FilterSet):
        organisation = autocomplete.SearchChoiceFilter(
            field_name="pk", source="test-organisations", label="Organisation"
        )

        class Meta:
            model = Organisation
            fields = []

    html = str(OrganisationFilter({}, queryset=Organisation.objects.all()).form["organisation"])

    assert 'type="text"' in html and 'list="id_organisation-suggestions"' in html
    assert '<datalist id="id_organisation-suggestions"></datalist>' in html
    assert 'data-autocomplete-url="/autocomplete/test-organisations/"' in html
