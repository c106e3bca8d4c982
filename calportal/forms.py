"""Forms shared by several apps."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


def harden_form_fields() -> None:
    """Hostile input is a form error, never a server error, in every form of the process.

    - Dates and moments outside the years 1900–2100 (``calportal.dates``).
    - A model multiple choice given a key its database column cannot hold (2**63 for an
      integer key): Django checks each key's type but not its range before the ``IN`` query,
      which then fails in the database. (A single choice is safe: Django's exact lookup
      treats an out-of-range integer as matching nothing.)

    NUL bytes are already refused by ``forms.CharField`` and the model choice fields; in the
    address and query string by ``calportal.middleware``. Called once, from
    ``CalportalConfig.ready``; patches classes, so fields declared anywhere are covered."""
    from calportal.dates import install_form_year_limits

    install_form_year_limits()
    if getattr(forms.ModelMultipleChoiceField, "_calportal_hardened", False):
        return
    original_check_values = forms.ModelMultipleChoiceField._check_values

    def _check_values(self, value):
        if isinstance(value, (list, tuple)):
            key = self.to_field_name or self.queryset.model._meta.pk.name
            key_field = self.queryset.model._meta.get_field(key)
            for item in value:
                if isinstance(item, str) and "\x00" in item:
                    continue  # Django's own check refuses it with its own message
                try:
                    key_field.run_validators(key_field.to_python(item))
                except ValidationError:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": item},
                    ) from None
        return original_check_values(self, value)

    forms.ModelMultipleChoiceField._check_values = _check_values
    forms.ModelMultipleChoiceField._calportal_hardened = True


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "CSV UTF-8 is best; Windows-1250, ISO-8859-2 and Unicode text (UTF-16) are also "
            "read. Columns separated by semicolons, commas or tabs."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # A larger file is cut off just past the limit as it arrives (calportal.uploads).
        if upload.size > settings.MAX_UPLOAD_SIZE:
            raise ValidationError(
                _("The file is larger than %(size)s.")
                % {"size": filesizeformat(settings.MAX_UPLOAD_SIZE)}
            )
        return upload
