from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calportal.accounts import services
from calportal.accounts.decorators import permission_required
from calportal.accounts.filters import UserFilter
from calportal.accounts.forms import InvitationForm
from calportal.accounts.models import User
from calportal.accounts.roles import Role

PAGE_SIZE = 25


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """The link from an invitation: the person chooses a password and is logged in."""

    template_name = "accounts/invitation_accept.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("dashboard")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Welcome! Your account is ready."))
        return response


@permission_required("accounts.view_user")
def user_list(request):
    users = User.objects.select_related("organisation").prefetch_related("groups")
    user_filter = UserFilter(request.GET, queryset=users.distinct())
    page = Paginator(user_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"filter": user_filter, "page": page})


@permission_required("accounts.add_user")
def user_invite(request):
    form = InvitationForm(
        request.POST or None, initial={"organisation": request.GET.get("organisation")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_invite(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=Role(form.cleaned_data["role"]),
                organisation=form.cleaned_data["organisation"],
                invited_by=request.user,
                language=get_language(),
            )
        except services.AccountError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": user.email})
            return redirect("accounts:user_list")
    return render(
        request,
        "accounts/user_invite.html",
        {"form": form, "valid_days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600)},
    )


@require_POST
@permission_required("accounts.change_user")
def user_resend_invitation(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    try:
        services.user_resend_invitation(user=user, language=get_language())
    except services.AccountError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Invitation sent again to %(email)s.") % {"email": user.email})
    return redirect("accounts:user_list")


@require_POST
@permission_required("accounts.change_user")
def user_set_active(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    if request.POST.get("active") not in {"0", "1"}:
        return HttpResponseBadRequest()
    active = request.POST["active"] == "1"
    try:
        services.user_set_active(user=user, active=active, acting_user=request.user)
    except services.AccountError as error:
        messages.error(request, str(error))
    else:
        if active:
            messages.success(
                request, _("The account of %(user)s is active again.") % {"user": user}
            )
        else:
            messages.success(request, _("The account of %(user)s is deactivated.") % {"user": user})
    return redirect("accounts:user_list")
