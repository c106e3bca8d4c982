from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from calportal.accounts.roles import Role
from calportal.organisations.models import Organisation


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("login", _("Log in")))


class QueuedPasswordResetForm(PasswordResetForm):
    """Puts the reset e-mail in the outbox: the page answers at once whether or not the address
    has an account, and a slow or absent mail server never holds up a web worker."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from calportal.outbox.services import queue_rendered_email

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        text = loader.render_to_string(email_template_name, context)
        html = (
            loader.render_to_string(html_email_template_name, context)
            if html_email_template_name
            else None
        )
        queue_rendered_email(
            subject,
            text,
            html,
            [to_email],
            template="accounts/password_reset",
            language=translation.get_language() or "",
            regarding=context.get("user"),
        )


class InvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"), choices=Role.choices, initial=Role.PARTNER_COORDINATOR
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(is_partner=True),
        required=False,
        help_text=_("Required for a partner coordinator or venue staff: only partners are listed."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("invite", _("Send the invitation")))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == Role.PARTNER_COORDINATOR and not cleaned.get("organisation"):
            self.add_error(
                "organisation", _("A partner coordinator must belong to an organisation.")
            )
        return cleaned
