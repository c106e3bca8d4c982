"""Accounts: invitations and the life of a login."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from calportal.accounts.models import User
from calportal.accounts.roles import Role
from calportal.organisations.models import Organisation
from calportal.outbox.services import queue_email


class AccountError(Exception):
    """A rule about accounts was broken; the message can be shown to the user."""


@transaction.atomic
def user_invite(
    *,
    email: str,
    full_name: str,
    role: Role,
    organisation: Organisation | None,
    invited_by: User,
    language: str,
) -> User:
    """Create an account without a password and e-mail a link to set one (after commit)."""
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise AccountError(_("An account with this e-mail address already exists."))
    if role == Role.PARTNER_COORDINATOR:
        if organisation is None:
            raise AccountError(_("A partner coordinator must belong to an organisation."))
        if not organisation.is_partner:
            raise AccountError(
                _("%(organisation)s is not a partner of the CAL.") % {"organisation": organisation}
            )
    if role == Role.VENUE_STAFF and (organisation is None or not hasattr(organisation, "venue")):
        raise AccountError(
            _("Venue staff must belong to a partner venue of the senior pass programme.")
        )
    if role not in {Role.PARTNER_COORDINATOR, Role.VENUE_STAFF}:
        organisation = None  # only coordinators and venue staff speak for an organisation
    user = User(
        email=email,
        full_name=full_name.strip(),
        organisation=organisation,
        invited_by=invited_by,
        invited_at=timezone.now(),
    )
    user.set_unusable_password()
    user.full_clean()
    try:
        with transaction.atomic():
            user.save()
            user.groups.add(Group.objects.get(name=role.value))
            _queue_invitation(user, language)
    except IntegrityError:  # the same address invited at the same moment
        raise AccountError(_("An account with this e-mail address already exists.")) from None
    return user


def user_resend_invitation(*, user: User, language: str) -> None:
    if not user.invitation_pending:
        raise AccountError(_("%(user)s has already set a password.") % {"user": user})
    if not user.is_active:
        raise AccountError(_("The account of %(user)s is deactivated.") % {"user": user})
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(invited_at=timezone.now())
        _queue_invitation(user, language)


def user_set_active(*, user: User, active: bool, acting_user: User) -> None:
    if user.pk == acting_user.pk and not active:
        raise AccountError(_("You cannot deactivate your own account."))
    if user.is_superuser and not active:
        raise AccountError(_("An administrator's account cannot be deactivated here."))
    # When an account stops being active is when its retention period starts (PRIVACY.md §1,
    # "staff_account"); deactivating it again does not restart it.
    if active:
        User.objects.filter(pk=user.pk).update(is_active=True, deactivated_at=None)
    else:
        User.objects.filter(pk=user.pk, is_active=True).update(
            is_active=False, deactivated_at=timezone.now()
        )


def _queue_invitation(user: User, language: str) -> None:
    """Queue the invitation e-mail (a link to set a password, valid for
    ``PASSWORD_RESET_TIMEOUT``) in the current transaction, in ``language``."""
    with translation.override(language):
        path = reverse(
            "accounts:invitation_accept",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    queue_email(
        "accounts/invitation",
        {
            "user": user,
            "roles": user.roles,
            "link": settings.SITE_URL + path,
            "valid_days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600),
        },
        [user.email],
        language=language,
        regarding=user,
    )
