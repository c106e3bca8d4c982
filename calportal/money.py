"""Amounts of money (zł) as people type them, in the format of the page's language.

Polish pages (decimal comma): ``1500,50``, ``1 500,50`` (a space, a no-break space or a narrow
no-break space between thousands), ``1500.50`` (a dot typed from habit or a keyboard), ``1500``.
``1.500,50`` and ``1,500.50`` are refused: on a Polish page a dot or a comma between thousands
cannot be told from a decimal separator.

English pages (decimal point), as the English pages display amounts (``5,000.00 zł``):
``1,500.50``, ``1500.50``, ``1 500.50``, ``1500``; a decimal comma followed by one or two digits
(``1500,50``) is still read as decimals, since thousands always come in threes, but ``1,500``
is one thousand five hundred. ``1.500,50`` is refused.

Both accept an optional ``zł`` or ``PLN`` after the number and refuse anything else (``1,5,0``,
``15a``) with a message whose examples are in the page's format. The value is shown back in the
page's format without grouping (``1500,50`` in Polish, ``1500.50`` in English), so what is shown
can be saved again as it is.
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

SPACES = " \u00a0\u202f"
_SPACE_GROUPS = r"\d{1,3}(?:[" + SPACES + r"]\d{3})+"
# Decimal comma (Polish): groups of thousands by spaces only; "," or "." before the decimals.
_AMOUNT_COMMA = re.compile(r"(?P<whole>" + _SPACE_GROUPS + r"|\d+)(?:[.,](?P<fraction>\d+))?")
# Decimal point (English): thousands by commas or spaces, "." before the decimals; a comma
# before one or two decimals only when the whole number has no commas (``1500,50``).
_AMOUNT_POINT = re.compile(
    r"(?P<whole>\d{1,3}(?:,\d{3})+|" + _SPACE_GROUPS + r"|\d+)(?:\.(?P<fraction>\d+))?"
    r"|(?P<plain>" + _SPACE_GROUPS + r"|\d+),(?P<comma_fraction>\d{1,2})"
)
_CURRENCY = re.compile(r"\s*(zł|zl|pln)\.?$", re.IGNORECASE)


def _decimal_comma() -> bool:
    """True when the active language writes decimals after a comma (Polish)."""
    return formats.get_format("DECIMAL_SEPARATOR") == ","


def _invalid() -> ValidationError:
    """The refusal, with two examples written the way the active language writes amounts."""
    if _decimal_comma():
        examples = {"plain": "1500,50", "grouped": "1 500,50"}
    else:
        examples = {"plain": "1500.50", "grouped": "1,500.50"}
    return ValidationError(
        _("Enter the amount as a number, e.g. %(plain)s or %(grouped)s."),
        code="invalid",
        params=examples,
    )


def parse_amount(value: str) -> Decimal:
    """Text typed into a money field → ``Decimal``, read in the active language's format.

    Raises ``ValidationError`` (code ``invalid``) with a translated message saying how to
    write the amount.
    """
    text = _CURRENCY.sub("", str(value).strip()).strip()
    if _decimal_comma():
        match = _AMOUNT_COMMA.fullmatch(text)
        whole, fraction = (match["whole"], match["fraction"]) if match else ("", None)
    else:
        match = _AMOUNT_POINT.fullmatch(text)
        if match and match["plain"] is not None:
            whole, fraction = match["plain"], match["comma_fraction"]
        else:
            whole, fraction = (match["whole"], match["fraction"]) if match else ("", None)
    if not match:
        raise _invalid()
    whole = re.sub(f"[,{SPACES}]", "", whole)
    try:
        return Decimal(f"{whole}.{fraction}" if fraction else whole)
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        raise _invalid() from None


class MoneyField(forms.DecimalField):
    """A ``DecimalField`` for złoty: reads :func:`parse_amount`, shows the local format.

    Works as a ModelForm's field for a model ``DecimalField`` (``field_classes``): its
    ``max_digits``, ``decimal_places`` and validators still apply.
    """

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.pop("localize", None)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        self.widget.attrs.pop("step", None)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        return attrs

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, Decimal):
            return value
        return parse_amount(value)

    def prepare_value(self, value):
        if isinstance(value, str):
            try:
                value = parse_amount(value)
            except ValidationError:
                return value  # what was typed stays, for the person to correct
        if isinstance(value, (Decimal, int, float)):
            places = self.decimal_places if self.decimal_places is not None else 2
            return formats.number_format(
                Decimal(value), decimal_pos=places, use_l10n=True, force_grouping=False
            )
        return value
