"""Forms shared by several apps."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


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
