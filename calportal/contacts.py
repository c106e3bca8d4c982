"""People's contact details and names, written one way so the same person is recognised.

Phone numbers
    Every phone number the portal stores is a Polish number kept as its 9 national digits
    (``"601234567"``, ``"612830000"``): the form the portal has always stored, so old rows and
    new ones compare equal. People may type it any common way — ``601 234 567``,
    ``+48 601-234-567``, ``0048 601 234 567``, ``48601234567``, ``(61) 283-00-00``,
    ``61.283.00.00``, even the old trunk zero ``(0-61) 283 00 00``. Parsing and validity
    (which prefixes exist in the Polish numbering plan) come from ``phonenumbers``, the Python
    port of Google's libphonenumber.

    Foreign numbers are refused, with a message that says so and suggests an e-mail address:
    OPS staff call from an office line in Śrem that does not dial abroad, and a number the
    centre cannot call would only look like a way to reach the person.

    Shown to people, a number is grouped the Polish way (``601 234 567``, ``61 283 00 00``);
    in a link it is ``tel:+48601234567`` (RFC 3966: no spaces, with the country code).

Names
    :func:`name_key` gives the form in which two spellings of one name compare equal
    (``Anna O'Neill`` and ``anna o’neill``; ``Nowak-Kowalska`` and ``Nowak - Kowalska``).
"""

import re
import unicodedata

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

POLAND = "PL"
POLISH_COUNTRY_CODE = 48

# What people write between the digits of a phone number: spaces (also non-breaking), dashes of
# every kind, dots, slashes and brackets, and one "+" in front. Letters are refused (no
# "vanity" numbers, and no "wew. 12" extensions: staff cannot dial them from a link).
_PHONE_TEXT = re.compile(r"\+?[0-9\s.()/\-\u2010-\u2015\u2212]+")

INVALID_PHONE_MESSAGE = _(
    "Enter a Polish phone number: 9 digits, e.g. 601 234 567 or 61 283 00 00 "
    "(you may write +48 or 0048 in front)."
)
FOREIGN_PHONE_MESSAGE = _(
    "We can only call Polish numbers (+48). Please give a Polish number, "
    "or an e-mail address instead."
)


def _parse(value: str) -> phonenumbers.PhoneNumber | None:
    """The parsed number, or None when the text is not a phone number at all."""
    text = (value or "").strip()
    if not text or not _PHONE_TEXT.fullmatch(text):
        return None
    try:
        number = phonenumbers.parse(text, POLAND)
    except phonenumbers.NumberParseException:
        return None
    if number.country_code == POLISH_COUNTRY_CODE and number.italian_leading_zero:
        # The trunk zero of before 2005, "(0-61) 283 00 00": Poland has none now, drop it.
        number.italian_leading_zero = False
        number.number_of_leading_zeros = None
    return number


def normalise_phone(value: str) -> str:
    """The stored form of a Polish phone number typed any common way: its 9 national digits.

    ``"0048 601 234 567"`` → ``"601234567"``; ``"(61) 283-00-00"`` → ``"612830000"``;
    ``""`` (or only spaces) → ``""``. Idempotent.

    Raises :class:`django.core.exceptions.ValidationError` (code ``"phone_foreign"`` for a valid
    number of another country, ``"phone_invalid"`` for anything else that is not a Polish number:
    too short or long, letters, a prefix that does not exist) with a translated message.
    """
    if not (value or "").strip():
        return ""
    number = _parse(value)
    if number is None:
        raise ValidationError(INVALID_PHONE_MESSAGE, code="phone_invalid")
    if number.country_code != POLISH_COUNTRY_CODE:
        if phonenumbers.is_possible_number(number):
            raise ValidationError(FOREIGN_PHONE_MESSAGE, code="phone_foreign")
        raise ValidationError(INVALID_PHONE_MESSAGE, code="phone_invalid")
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(INVALID_PHONE_MESSAGE, code="phone_invalid")
    return str(number.national_number)


def stored_phone_or_as_typed(value: str) -> str:
    """The stored form (:func:`normalise_phone`) of text that is clearly a Polish phone number;
    any other text exactly as it was (never raises).

    For bringing numbers stored before the portal normalised them to the stored form:
    ``"601 234 567"`` → ``"601234567"``, ``"+48 (61) 283-00-00"`` → ``"612830000"``, while
    ``"61 283 00 00 wew. 12"``, ``"+49 30 1234567"``, ``"brak"``, ``""`` and ``"  "`` stay as
    they were (a person reads them; nothing is lost or made up). Used by the data migrations
    of every app that stores phone numbers: change it only in ways that keep their result.
    """
    try:
        stored = normalise_phone(value)
    except ValidationError:
        return value
    return stored or value


def phones_to_stored_form(model, *fields: str) -> int:
    """A data migration's step: every phone field in ``fields`` of every row of ``model`` (a
    historical model from ``apps.get_model``) through :func:`stored_phone_or_as_typed`.
    Rows are updated one by one, only where something changes; returns how many changed."""
    manager = model._base_manager
    changed = 0
    for row in manager.only("pk", *fields).iterator():
        stored = {field: stored_phone_or_as_typed(getattr(row, field)) for field in fields}
        stored = {field: value for field, value in stored.items() if value != getattr(row, field)}
        if stored:
            manager.filter(pk=row.pk).update(**stored)
            changed += 1
    return changed


models.CharField.register_lookup(Lower)  # ``email__lower``: see same_contact_q


def same_contact_q(
    *, phone: str, email: str, phone_field: str = "phone", email_field: str = "email"
) -> models.Q:
    """A filter for rows with this phone number or this e-mail address: the phone in its stored
    form compared exactly, the e-mail address case-insensitively (surrounding spaces ignored).
    With neither given it matches nothing."""
    contact = models.Q(pk__in=[])
    if phone:
        contact |= models.Q(**{phone_field: phone})
    email = (email or "").strip()
    if email:
        # LOWER(email) = lower(typed): the form the e-mail indexes are built on (``iexact``
        # would compare UPPER(…) and scan the table).
        contact |= models.Q(**{f"{email_field}__lower": email.lower()})
    return contact


def phone_search_digits(text: str) -> str:
    """The digits to look for in stored numbers when staff search by (part of) a phone number.

    Lenient, never raises: ``"+48 601 23"`` → ``"60123"``; ``"Kowalska"`` → ``""``.
    """
    text = (text or "").strip()
    digits = re.sub(r"\D", "", text)
    if text.startswith("+48"):
        return digits[2:]
    if text.startswith("0048"):
        return digits[4:]
    if len(digits) == 11 and digits.startswith("48"):
        return digits[2:]
    return digits


def phone_href(value: str) -> str:
    """A ``tel:`` URI for a stored or configured number: ``"61 283 00 00"`` →
    ``"tel:+48612830000"``. ``""`` when the text is not a phone number (no link then)."""
    number = _parse(value)
    if number is None or not phonenumbers.is_valid_number(number):
        return ""
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(value: str) -> str:
    """A number as people read it: ``"601234567"`` → ``"601 234 567"``, ``"612830000"`` →
    ``"61 283 00 00"``; a foreign one in its international form. Text that is not a valid
    number comes back as it was."""
    number = _parse(value)
    if number is None or not phonenumbers.is_valid_number(number):
        return value or ""
    if number.country_code == POLISH_COUNTRY_CODE:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_link(value: str) -> str:
    """Safe HTML: ``<a href="tel:+48601234567">601 234 567</a>``, or the escaped text when it is
    not a number one can dial."""
    href = phone_href(value)
    if not href:
        return format_html("{}", value or "")
    return format_html('<a href="{}">{}</a>', href, format_phone(value))


class PhoneField(forms.CharField):
    """A form field for a Polish phone number; cleans to :func:`normalise_phone`'s form."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("autocomplete", "tel")
        self.widget.attrs.setdefault("inputmode", "tel")

    def to_python(self, value):
        return normalise_phone(super().to_python(value))

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)  # people may type more than is stored: "+48 (61) 283…"
        return attrs


class PhoneNumberField(models.CharField):
    """A model field holding :func:`normalise_phone`'s form; its forms (admin included) use
    :class:`PhoneField`. In the database and in migrations it is a plain ``CharField``."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PhoneField, **kwargs})

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


# --- Names -------------------------------------------------------------------------------------

_APOSTROPHES = re.compile("['\u2019\u2018\u02bc`\u00b4\u2032]")
_HYPHENS = re.compile(r"\s*[-\u2010\u2011\u2012\u2013\u2014\u2212]\s*")
_SPACES = re.compile(r"\s+")


def name_text_key(text: str) -> str:
    """One piece of text (a name, or a search for one) in the form :func:`name_key` uses."""
    text = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text or "").casefold())
    text = _APOSTROPHES.sub("'", text)
    text = _HYPHENS.sub("-", text)
    return _SPACES.sub(" ", text).strip()


def name_key(first: str, last: str = "") -> str:
    """The form in which two spellings of one person's name compare equal.

    Unicode NFC, case-folded; every apostrophe (``' ’ ‘ ʼ ` ´ ′``) becomes ``'``; every hyphen
    or dash (``- ‐ ‑ ‒ – — −``) becomes ``-`` without spaces around it; runs of white space
    become one space; trimmed. First and last name are joined by one space:
    ``name_key("Anna", "O’Neill") == name_key(" anna ", "O'NEILL") == "anna o'neill"``.
    """
    return name_text_key(f"{first or ''} {last or ''}")


class NameKeyMixin:
    """For a model with ``first_name``, ``last_name`` and ``name_key`` (a ``TextField``:
    case-folding lengthens text, ``"ß"`` → ``"ss"``, ``"ﬃ"`` → ``"ffi"``, so the key can be
    three times as long as the names). ``save()`` keeps ``name_key`` equal to
    :func:`name_key` of the names, also when only they are saved (``update_fields``)."""

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.first_name, self.last_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"first_name", "last_name"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)


def name_pattern(name: str) -> re.Pattern:
    """A case-insensitive regular expression finding ``name`` in free text however its
    apostrophes, hyphens and spaces are written (e.g. to remove it from notes)."""
    parts = []
    for char in name_text_key(name):
        if char == "'":
            parts.append(_APOSTROPHES.pattern)
        elif char == "-":
            parts.append(_HYPHENS.pattern)
        elif char == " ":
            parts.append(r"\s+")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.IGNORECASE)
