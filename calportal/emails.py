"""Templated e-mail: every message is a ``-subject`` / ``-body-text`` / ``-body-html`` triple.

``send_templated_email("accounts/invitation", context, [address])`` renders
``templates/emails/accounts/invitation-subject.txt`` and its two bodies.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def render_email(name: str, context: dict) -> tuple[str, str, str]:
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    subject = render_to_string(f"emails/{name}-subject.txt", context)
    text = render_to_string(f"emails/{name}-body-text.txt", context)
    html = render_to_string(f"emails/{name}-body-html.html", context)
    return " ".join(subject.split()), text, html


def send_templated_email(
    name: str, context: dict, to: list[str], *, language: str | None = None
) -> None:
    with translation.override(language or settings.LANGUAGE_CODE):
        subject, text, html = render_email(name, context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to)
    message.attach_alternative(html, "text/html")
    message.send()
