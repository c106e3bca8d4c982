"""Phone numbers and names written one way (calportal.contacts)."""

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation

from calportal.contacts import (
    PhoneField,
    format_phone,
    name_key,
    name_pattern,
    normalise_phone,
    phone_href,
    phone_link,
    phone_search_digits,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("+48 601 234 567", "601234567"),
        ("0048 601 234 567", "601234567"),
        ("0048601234567", "601234567"),
        ("48601234567", "601234567"),
        ("601234567", "601234567"),
        ("601-234-567", "601234567"),
        ("+48 601-234-567", "601234567"),
        ("601.234.567", "601234567"),
        ("(61) 283-00-00", "612830000"),
        ("61.283.00.00", "612830000"),
        ("61 283 00 00", "612830000"),
        ("+48 (61) 283 00 00", "612830000"),
        ("(0-61) 283 00 00", "612830000"),
        ("+48\u00a0601\u00a0234\u00a0567", "601234567"),
        ("  601 234 567  ", "601234567"),
    ],
)
def test_it_accepts_every_common_way_of_writing_a_polish_number(typed, stored):
    assert normalise_phone(typed) == stored
    assert normalise_phone(stored) == stored  # idempotent


def test_the_issue_s_numbers_are_one_number():
    assert (
        normalise_phone("0048 601 234 567")
        == normalise_phone("0048601234567")
        == normalise_phone("+48 601 234 567")
    )


@pytest.mark.parametrize(
    "typed",
    [
        "12",
        "601 234 56",
        "601 234 5678",
        "6012345678901",
        "abc",
        "601-ABC-DEF",
        "000 000 000",
        "601 234 567 wew. 12",
        "+48",
        "++48 601 234 567",
        "601234567a",
    ],
)
def test_it_refuses_what_is_not_a_polish_number_with_a_message_that_says_what_is(typed):
    with translation.override("en"):
        with pytest.raises(ValidationError) as raised:
            normalise_phone(typed)
        message = raised.value.messages[0]  # the message is lazy: read it in English

    assert raised.value.code == "phone_invalid"
    assert "Enter a Polish phone number: 9 digits, e.g. 601 234 567" in message


@pytest.mark.parametrize("typed", ["+49 151 12345678", "0049 151 12345678", "+44 20 7946 0958"])
def test_it_refuses_a_foreign_number_and_says_why(typed):
    with translation.override("en"):
        with pytest.raises(ValidationError) as raised:
            normalise_phone(typed)
        message = raised.value.messages[0]

    assert raised.value.code == "phone_foreign"
    assert "We can only call Polish numbers (+48)" in message


def test_an_empty_number_is_no_number():
    assert normalise_phone("") == normalise_phone("   ") == normalise_phone(None) == ""


def test_the_form_field_cleans_to_the_stored_form_and_shows_the_message():
    field = PhoneField(required=False)

    assert field.clean("0048 (61) 283-00-00") == "612830000"
    assert field.clean("") == ""
    with translation.override("en"):
        with pytest.raises(ValidationError) as raised:
            field.clean("601 23")
        assert "Polish phone number" in raised.value.messages[0]
    with pytest.raises(ValidationError) as raised:
        field.clean("601 23")
    assert "Wpisz polski numer telefonu" in raised.value.messages[0]
    assert field.widget.attrs["autocomplete"] == "tel"


@pytest.mark.parametrize(
    ("stored", "href", "shown"),
    [
        ("601234567", "tel:+48601234567", "601 234 567"),
        ("612830000", "tel:+48612830000", "61 283 00 00"),
        ("61 283 00 00", "tel:+48612830000", "61 283 00 00"),
        ("+48 61 283 51 00", "tel:+48612835100", "61 283 51 00"),
    ],
)
def test_a_number_is_linked_without_spaces_and_shown_grouped(stored, href, shown):
    assert phone_href(stored) == href
    assert format_phone(stored) == shown
    assert phone_link(stored) == f'<a href="{href}">{shown}</a>'


def test_text_that_is_not_a_number_is_shown_as_it_is_and_not_linked():
    assert phone_href("sekretariat, wew. 12") == ""
    assert format_phone("sekretariat") == "sekretariat"
    assert phone_link("<b>zadzwoń</b>") == "&lt;b&gt;zadzwoń&lt;/b&gt;"


def test_the_template_filters():
    html = Template(
        "{% load portal %}{{ p|tel_href }}|{{ p|phone }}|{{ p|phone_link }}|{{ none|phone_link }}"
    ).render(Context({"p": "61 283 00 00", "none": ""}))

    assert html == ('tel:+48612830000|61 283 00 00|<a href="tel:+48612830000">61 283 00 00</a>|')


def test_staff_search_digits_ignore_the_way_the_number_is_typed():
    assert phone_search_digits("+48 601 23") == "60123"
    assert phone_search_digits("0048 601 234 567") == "601234567"
    assert phone_search_digits("48601234567") == "601234567"
    assert phone_search_digits("Kowalska") == ""


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (("Anna", "O'Neill"), ("Anna", "O’Neill")),
        (("Anna", "O'Neill"), ("anna", "o‘neill")),
        (("Anna", "O'Neill"), ("ANNA", "Oʼneill")),
        (("Anna", "O`Neill"), ("Anna", "O´Neill")),
        (("Anna", "O′Neill"), ("Anna", "O'Neill")),
        (("Ewa", "Nowak-Kowalska"), ("Ewa", "Nowak - Kowalska")),
        (("Ewa", "Nowak-Kowalska"), ("Ewa", "Nowak–Kowalska")),
        (("Ewa", "Nowak-Kowalska"), ("Ewa", "Nowak — Kowalska")),
        (("Ewa", "Nowak-Kowalska"), ("Ewa", "Nowak‐Kowalska")),
        (("Ewa", "Nowak-Kowalska"), ("Ewa", "Nowak\u2011Kowalska")),
        (("Ewa", "Nowak-Kowalska"), ("Ewa", "Nowak−Kowalska")),
        (("Ewa", "Nowak-Kowalska"), ("Ewa", "Nowak‒Kowalska")),
        (("Anna Maria", "Wiśniewska"), ("  Anna   Maria ", "WIŚNIEWSKA ")),
        (("Zoë", "Żółć"), ("Zoe\u0308", "Z\u0307o\u0301\u0142c\u0301")),  # NFC vs NFD
    ],
)
def test_two_spellings_of_one_name_have_one_key(one, other):
    assert name_key(*one) == name_key(*other)


def test_different_names_keep_different_keys():
    assert name_key("Anna", "Oneill") != name_key("Anna", "O'Neill")
    assert name_key("Ewa", "Nowak Kowalska") != name_key("Ewa", "Nowak-Kowalska")
    assert name_key("Jan", "Nowak") != name_key("Jana", "Nowak")


def test_the_key_is_readable():
    assert name_key("Anna", "O’Neill") == "anna o'neill"
    assert name_key("Ewa", "Nowak – Kowalska") == "ewa nowak-kowalska"


def test_a_name_is_found_in_notes_however_it_was_written():
    pattern = name_pattern("O'Neill")
    assert pattern.sub("[…]", "Pani O’neill dzwoniła") == "Pani […] dzwoniła"
    assert name_pattern("Nowak-Kowalska").sub("[…]", "NOWAK - kowalska") == "[…]"
