"""Money fields take the Polish decimal comma and the dot, show the local format back, and
refuse anything ambiguous or malformed with a message."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from calportal.money import MoneyField, parse_amount
from initiatives.forms import FundingForm
from initiatives.models import Funding, Initiative


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1500,50", Decimal("1500.50")),
        ("1500.50", Decimal("1500.50")),
        ("1 500,50", Decimal("1500.50")),
        ("1\u00a0500,50", Decimal("1500.50")),
        ("1\u202f500,5", Decimal("1500.5")),
        ("12 345 678", Decimal("12345678")),
        ("31,40 zł", Decimal("31.40")),
        ("0", Decimal("0")),
    ],
)
def test_amounts_as_people_type_them_on_polish_pages(typed, amount):
    with translation.override("pl"):
        assert parse_amount(typed) == amount


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1,500.50", Decimal("1500.50")),  # as the English pages display it: 5,000.00 zł
        ("12,345,678.9", Decimal("12345678.9")),
        ("1,500", Decimal("1500")),
        ("1500.50", Decimal("1500.50")),
        ("1 500.50", Decimal("1500.50")),
        ("1\u00a0500.50", Decimal("1500.50")),
        ("1500,50", Decimal("1500.50")),  # two decimals after a comma are never thousands
        ("31.40 PLN", Decimal("31.40")),
        ("0", Decimal("0")),
    ],
)
def test_amounts_as_people_type_them_on_english_pages(typed, amount):
    with translation.override("en"):
        assert parse_amount(typed) == amount


@pytest.mark.parametrize(
    ("language", "typed"),
    [
        *(
            ("pl", typed)
            for typed in ["1.500,50", "1,500.50", "15a", "1,5,0", "1 50,00", "-5", ","]
        ),
        *(
            ("en", typed)
            for typed in ["1.500,50", "1,500,50", "1,50,000", "1500,500", "15a", "1,5,0", ","]
        ),
    ],
)
def test_ambiguous_or_malformed_amounts_are_refused(language, typed):
    with translation.override(language), pytest.raises(ValidationError):
        parse_amount(typed)


@pytest.mark.parametrize(
    ("language", "examples"),
    [("pl", "e.g. 1500,50 or 1 500,50."), ("en", "e.g. 1500.50 or 1,500.50.")],
)
def test_the_refusal_gives_examples_in_the_pages_format(language, examples):
    with translation.override(language):
        with pytest.raises(ValidationError) as refused:
            parse_amount("1.500,50" if language == "en" else "1,500.50")
        with translation.override("en"):  # the English words, the page language's numbers
            assert refused.value.messages == [f"Enter the amount as a number, {examples}"]


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_funding_row_saves_1500_50_from_a_polish_browser(db, language):
    with translation.override(language):
        form = FundingForm({"source": "esf", "amount": "1500,50", "note": ""})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal("1500.50")


def test_the_funding_row_saves_the_english_format_on_english_pages(db):
    with translation.override("en"):
        form = FundingForm({"source": "esf", "amount": "1,500.50", "note": ""})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["amount"] == Decimal("1500.50")
        assert 'value="1500.50"' in str(form["amount"])


def test_a_malformed_amount_is_explained_and_kept_for_correcting(db):
    with translation.override("en"):
        form = FundingForm({"source": "esf", "amount": "1.500,50", "note": ""})
        assert not form.is_valid()
        assert "e.g. 1500.50 or 1,500.50" in " ".join(form.errors["amount"])
        assert 'value="1.500,50"' in str(form["amount"])


def test_amounts_are_shown_back_in_the_local_format():
    field = MoneyField(max_digits=12, decimal_places=2)
    with translation.override("pl"):
        assert field.prepare_value(Decimal("1500.5")) == "1500,50"
    with translation.override("en"):
        assert field.prepare_value(Decimal("1500.5")) == "1500.50"


def test_money_fields_everywhere_use_it(db):
    from initiatives.passes.forms import ProgrammeSettingsForm
    from volunteers.forms import RateForm

    assert isinstance(RateForm().fields["hourly_rate"], MoneyField)
    assert isinstance(ProgrammeSettingsForm().fields["price"], MoneyField)
    assert isinstance(FundingForm().fields["amount"], MoneyField)


def test_staff_save_funding_typed_with_a_comma(login, staff, organisation_a):
    response = login(staff).post(
        reverse("initiatives:initiative_create"),
        {
            "title": "Akademia pełni życia",
            "slug": "akademia",
            "kind": "workshops",
            "category": "health",
            "status": "planned",
            "is_public": "on",
            "lead_organisation": organisation_a.pk,
            "funding-TOTAL_FORMS": "1",
            "funding-INITIAL_FORMS": "0",
            "funding-MIN_NUM_FORMS": "0",
            "funding-MAX_NUM_FORMS": "1000",
            "funding-0-source": "esf",
            "funding-0-amount": "1500,50",
        },
        HTTP_ACCEPT_LANGUAGE="pl",
    )

    assert response.status_code == 302
    assert Funding.objects.get().amount == Decimal("1500.50")
    initiative = Initiative.objects.get()
    page = login(staff).get(reverse("initiatives:initiative_edit", args=[initiative.pk]))
    assert 'value="1500,50"' in page.content.decode()


def test_staff_on_english_pages_save_the_amount_as_english_pages_show_it(
    login, staff, organisation_a
):
    with translation.override("en"):
        create = reverse("initiatives:initiative_create")
    response = login(staff).post(
        create,
        {
            "title": "Akademia pełni życia",
            "slug": "akademia",
            "kind": "workshops",
            "category": "health",
            "status": "planned",
            "is_public": "on",
            "lead_organisation": organisation_a.pk,
            "funding-TOTAL_FORMS": "1",
            "funding-INITIAL_FORMS": "0",
            "funding-MIN_NUM_FORMS": "0",
            "funding-MAX_NUM_FORMS": "1000",
            "funding-0-source": "esf",
            "funding-0-amount": "1,500.50",
        },
    )

    assert response.status_code == 302
    assert Funding.objects.get().amount == Decimal("1500.50")
    initiative = Initiative.objects.get()
    with translation.override("en"):
        edit = reverse("initiatives:initiative_edit", args=[initiative.pk])
    assert 'value="1500.50"' in login(staff).get(edit).content.decode()
