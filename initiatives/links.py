"""Personal links: a resident views or cancels a registration without an account."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from initiatives.models import Registration

SALT = "initiatives.registration"
# A link keeps working until this long after the event, so people can still look it up.
VALID_AFTER_EVENT = timedelta(days=30)


class LinkInvalid(Exception):
    pass


class LinkExpired(Exception):
    pass


def registration_token(registration: Registration) -> str:
    return signing.dumps(registration.access_key.hex, salt=SALT, compress=False)


def registration_path(registration: Registration) -> str:
    return reverse("initiatives:registration_personal", args=[registration_token(registration)])


def registration_url(registration: Registration) -> str:
    return settings.SITE_URL + registration_path(registration)


def registration_from_token(token: str) -> Registration:
    try:
        key = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise LinkInvalid from None
    registration = (
        Registration.objects.select_related("event__initiative", "participant")
        .filter(access_key=key)
        .first()
    )
    if registration is None:
        raise LinkInvalid
    if registration.event.ends_at + VALID_AFTER_EVENT < timezone.now():
        raise LinkExpired
    return registration
