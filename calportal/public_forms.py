"""The guard every public form (no login) goes through: honeypot, validity, rate limit."""

from django.conf import settings
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited


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
