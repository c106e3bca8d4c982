from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from calportal.accounts.models import User
from calportal.emails import send_templated_email


@shared_task(
    name="calportal.accounts.send_invitation_email",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=50,
    time_limit=60,
)
def send_invitation_email(user_id: int, language: str) -> None:
    user = User.objects.select_related("organisation", "invited_by").filter(pk=user_id).first()
    if user is None or not user.invitation_pending or not user.is_active:
        return  # the account was removed, or the invitation was already used
    with translation.override(language):
        path = reverse(
            "accounts:invitation_accept",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    send_templated_email(
        "accounts/invitation",
        {
            "user": user,
            "roles": user.roles,
            "link": settings.SITE_URL + path,
            "valid_days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600),
        },
        [user.email],
        language=language,
    )
