from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django import template
from django.urls import reverse, translate_url
from django.utils import formats, translation

from calportal import contacts

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced, e.g. for pagination links.
    ``page_query`` in the context (a ``QueryDict``), when given, stands for the current query:
    a page shown again after a POST keeps what its address had."""
    query = (context.get("page_query") or context["request"].GET).copy()
    for key, value in changes.items():
        query[key] = value
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def in_language(context, code: str) -> str:
    """The address of the page being shown in language ``code`` (the same page and query: Polish
    at the root, English under ``/en/``); the home page in that language when the address is
    not one of the portal's pages (a "not found" page)."""
    path = context["request"].get_full_path()
    if code == translation.get_language():
        return path
    translated = translate_url(path, code)
    if translated == path:
        with translation.override(code):
            return reverse("home")
    return translated


@register.simple_tag(takes_context=True)
def text_size_url(context, size: str) -> str:
    """The link that sets the reader's text size to ``size`` and comes back to this page."""
    return (
        reverse("text_size")
        + "?"
        + urlencode({"size": size, "next": context["request"].get_full_path()})
    )


@register.filter
def role_label(group_name: str) -> str:
    """The translated name of a role, from its group's stored (English) name."""
    from calportal.accounts.roles import Role

    try:
        return Role(group_name).label
    except ValueError:
        return group_name


@register.filter
def chunks(items, size: int) -> list:
    """``[a, b, c, d]|chunks:2`` → ``[[a, b], [c, d]]`` (e.g. checkboxes laid out as a table)."""
    items = list(items)
    return [items[index : index + int(size)] for index in range(0, len(items), int(size))]


@register.filter
def label_part(label, index: int) -> str:
    """One part of a label written as "Monday – morning" (0: "Monday", 1: "morning")."""
    parts = str(label).split(" – ")
    return parts[int(index)] if int(index) < len(parts) else ""


@register.filter
def phone(value) -> str:
    """A phone number as people read it: ``"601234567"|phone`` → ``601 234 567``."""
    return contacts.format_phone(str(value or ""))


@register.filter
def tel_href(value) -> str:
    """A ``tel:`` link target: ``"61 283 00 00"|tel_href`` → ``tel:+48612830000`` ("" if the
    text is not a number one can dial)."""
    return contacts.phone_href(str(value or ""))


@register.filter
def phone_link(value) -> str:
    """A whole link, ``<a href="tel:+48601234567">601 234 567</a>``, or the escaped text when it
    is not a number one can dial. Use it for every phone number shown on a page or in e-mail."""
    return contacts.phone_link(str(value or ""))


@register.filter
def day_month(day, weekday: str = "") -> str:
    """A day without its year, unambiguous in the active language: "23.11" / "23 Nov";
    ``|day_month:"l"`` puts the weekday's name first ("Monday 23 Nov")."""
    from django.utils import formats, translation

    from calportal.dates import WEEK_START_FORMATS

    if not day:
        return ""
    language = (translation.get_language() or "pl").split("-")[0]
    text = formats.date_format(day, WEEK_START_FORMATS.get(language, WEEK_START_FORMATS["pl"])[1])
    return f"{formats.date_format(day, weekday)} {text}" if weekday else text


@register.filter
def week_label(monday) -> str:
    """The week starting on ``monday`` as shown and typed: "23–29 Nov 2026" / "23–29.11.2026"."""
    from calportal.dates import week_label as label

    return label(monday) if monday else ""


@register.filter
def in_sentence(label) -> str:
    """A choice label inside a sentence: lower case in Polish ("w poniedziałek"), as it is in
    English, where weekday and month names keep their capital ("on Monday")."""
    from django.utils import translation

    text = str(label)
    if (translation.get_language() or "pl").startswith("en"):
        return text
    return text.lower()


@register.filter
def hours(value) -> str:
    """A number of hours, trimmed, in the active language: ``1.5`` → "1,5" (Polish) or "1.5"
    (English), ``Decimal("2.00")`` → "2", ``1.25`` → "1,25"; ``None`` or "" → ""."""
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return str(value)
    trimmed = Decimal(f"{number.normalize():f}")
    return formats.number_format(trimmed, use_l10n=True)
