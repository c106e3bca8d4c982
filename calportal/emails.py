"""Templated e-mail: every message is a ``-subject`` / ``-body-text`` / ``-body-html`` triple.

``render_email("accounts/invitation", context)`` renders
``templates/emails/accounts/invitation-subject.txt`` and its two bodies; the outbox
(:func:`calportal.outbox.services.queue_email`) stores and sends the result.
"""

from django.conf import settings
from django.template.loader import render_to_string


def render_email(name: str, context: dict) -> tuple[str, str, str]:
    """``(subject, text, html)`` of ``templates/emails/<name>-*`` in the active language; the
    subject on one line."""
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    subject = render_to_string(f"emails/{name}-subject.txt", context)
    text = render_to_string(f"emails/{name}-body-text.txt", context)
    html = render_to_string(f"emails/{name}-body-html.html", context)
    return " ".join(subject.split()), text, html
