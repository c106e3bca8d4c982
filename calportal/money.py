"""Amounts of money (zł) as people type them in Poland and abroad.

Accepted: ``1500,50``, ``1500.50``, ``1 500,50`` (a space, a no-break space or a narrow
no-break space between thousands), ``1500``, an optional ``zł`` or ``PLN`` after the number.
Refused with a message: anything else, in particular ``1.500,50`` or ``1,500.50`` (a dot or a
comma as a thousands separator cannot be told from a decimal separator), ``1,5,0`` and ``15a``.
The value is shown back in the current language's format without grouping (``1500,50`` in
Polish, ``1500.50`` in English), so what is shown can be saved again as it is.
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

SPACES = " \u00a0\u202f"
_AMOUNT = re.compile(r"(?P<whole>\d{1,3}(?:[" + SPACES + r"]\d{3})+|\d+)(?:[.,](?P<fraction>\d+))?")
_CURRENCY = re.compile(r"\s*(zł|zl|pln)\.?$", re.IGNORECASE)


def parse_amount(value: str) -> Decimal:
    """Text typed into a money field → ``Decimal``. Raises ``ValidationError`` (code
    ``invalid``) with a translated message saying how to write the amount."""
    text = _CURRENCY.sub("", str(value).strip()).strip()
    match = _AMOUNT.fullmatch(text)
    if not match:
        raise ValidationError(
            _("Enter the amount as a number, e.g. 1500,50 or 1 500,50."), code="invalid"
        )
    whole = re.sub(f"[{SPACES}]", "", match["whole"])
    try:
        return Decimal(f"{whole}.{match['fraction']}" if match["fraction"] else whole)
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        raise ValidationError(
            _("Enter the amount as a number, e.g. 1500,50 or 1 500,50."), code="invalid"
        ) from None


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
