"""The guard every public form (no login) goes through: honeypot, validity, rate limit."""

from django import forms
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_ratelimit.core import is_ratelimited

# What browsers may fill in for people (WCAG 1.3.5), wherever a public form has the field.
AUTOCOMPLETE = {
    "first_name": {"autocomplete": "given-name"},
    "last_name": {"autocomplete": "family-name"},
    "name": {"autocomplete": "name"},
    "email": {"autocomplete": "email"},
    "phone": {"autocomplete": "tel", "inputmode": "tel"},
    "birth_year": {"autocomplete": "bday-year", "inputmode": "numeric"},
}


class PublicForm(forms.Form):
    """The base of every form people fill in without an account: a honeypot (``hp_check``,
    hidden from people, with a name no browser autofills), the consent's short label and
    message, and autocomplete hints."""

    consent_required_message = gettext_lazy(
        "Please tick the consent: without it we cannot contact you."
    )
    hp_check = forms.CharField(label=gettext_lazy("Leave this field empty"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hp_check"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if "consent" in self.fields:
            self.fields["consent"].short_label = gettext_lazy("Consent")
            self.fields["consent"].error_messages["required"] = self.consent_required_message
        for name, attrs in AUTOCOMPLETE.items():
            if name in self.fields:
                self.fields[name].widget.attrs.update(attrs)

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("hp_check"))

    # The ConsentPurpose of the form's consent (PRIVACY.md §5); None: the form asks none.
    consent_purpose: str | None = None

    @property
    def consent_clause(self) -> "ConsentClause | None":
        """The clause the form shows: the registry's text in force in the active language."""
        if self.consent_purpose is None:
            return None
        if not hasattr(self, "_consent_clause"):
            self._consent_clause = ConsentClause.of(self.consent_purpose)
        return self._consent_clause


class ConsentClause:
    """What a form's information clause shows (PRIVACY.md §5–6): the consent text in force for
    a purpose (None if the registry has none), its public page, and the data protection
    officer (``settings.DPO_EMAIL``, and ``DPO_NAME`` when set)."""

    def __init__(self, purpose: str, text):
        from django.urls import reverse

        self.purpose = purpose
        self.text = text
        self.url = reverse("privacy:consent_public", args=[purpose])
        self.dpo_email = settings.DPO_EMAIL
        self.dpo_name = getattr(settings, "DPO_NAME", "")

    @classmethod
    def of(cls, purpose: str) -> "ConsentClause":
        from calportal.privacy.consent import current_text
        from calportal.privacy.models import ConsentText

        try:
            text = current_text(purpose)
        except ConsentText.DoesNotExist:
            text = None
        return cls(purpose, text)


def public_form_accepted(request, form, *, group: str, limit_message: str) -> tuple[bool, int]:
    """Return ``(accepted, status)``; when accepted the view may act on ``form.cleaned_data``.

    The form has a ``hp_check`` honeypot and an ``is_spam`` property. Only complete forms count
    towards the per-address limit, so a person fixing mistakes is never locked out.
    """
    if form.is_spam:
        form.is_valid()
        form.add_error("hp_check", _("Please leave this field empty."))
        return False, 200
    if not form.is_valid():
        return False, 200
    if is_ratelimited(
        request,
        group=group,
        key="ip",
        rate=settings.SIGNUP_RATE_LIMIT,
        method="POST",
        increment=True,
    ):
        form.add_error(None, limit_message)
        return False, 429
    return True, 200


def known_person_key(kind: str, record: models.Model) -> str:
    """The outbox key of "you sent this form again" messages about ``record``: at most one a
    day, so that a stranger repeating a form cannot flood the person's (or the office's) inbox."""
    return f"public-form-again/{kind}:{record._meta.label_lower}:{record.pk}:{timezone.localdate()}"


def office_notify_known_person(
    *, what: str, record: models.Model, phone: str, url: str = ""
) -> None:
    """Tell the office that a public form came in again for a person it already knows who has no
    e-mail address on file, so someone calls them (the page answered exactly as for anyone).

    ``what`` is a short, already translated description of the record; ``url`` a staff page for
    it. Queued in the caller's transaction, at most once a day per record."""
    from calportal.outbox.services import queue_email

    queue_email(
        "public_forms/known_person_without_email",
        {"what": what, "phone": phone, "url": url},
        [settings.CONTACT_EMAIL],
        regarding=record,
        key=known_person_key("office", record),
    )
