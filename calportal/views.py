"""The site shell: public pages, the dashboard after login, the health check."""

from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Count, Q
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from calportal import health
from calportal.accounts.models import User
from calportal.context_processors import TEXT_SIZES
from calportal.organisations.models import Organisation

TEXT_SIZE_COOKIE_AGE = 365 * 24 * 3600
# Update when the website changes in a way that affects its accessibility (the law requires it).
ACCESSIBILITY_PUBLISHED = date(2026, 11, 24)
ACCESSIBILITY_UPDATED = date(2026, 11, 24)


def home(request):
    from initiatives.selectors import public_events

    return render(request, "pages/home.html", {"upcoming_events": public_events()[:3]})


def privacy(request):
    return render(request, "pages/privacy.html", {"DPO_EMAIL": settings.DPO_EMAIL})


def accessibility(request):
    return render(
        request,
        "pages/accessibility.html",
        {"published": ACCESSIBILITY_PUBLISHED, "updated": ACCESSIBILITY_UPDATED},
    )


@login_required
def dashboard(request):
    user = request.user
    context = {"organisation": user.organisation}
    if user.has_perm("organisations.view_organisation"):
        context["organisation_counts"] = Organisation.objects.aggregate(
            total=Count("pk"), partners=Count("pk", filter=Q(is_partner=True))
        )
    if user.has_perm("initiatives.view_event"):
        from initiatives.selectors import staff_events

        context["next_events"] = list(
            staff_events().filter(starts_at__gte=timezone.now()).order_by("starts_at")[:5]
        )
    if user.has_perm("resources_map.view_need"):
        from resources_map.selectors import dashboard_counts

        context["map_counts"] = dashboard_counts()
    if user.has_perm("volunteers.view_volunteer"):
        from volunteers.selectors import dashboard_counts as volunteer_counts

        context["volunteer_counts"] = volunteer_counts(user)
    if user.has_perm("selfhelp.view_group"):
        from selfhelp.selectors import groups_with_counts, workspace_groups

        context["own_groups"] = list(groups_with_counts(workspace_groups(user)).order_by("name"))
    if user.has_perm("calls.view_callitem"):
        from calportal.calls.selectors import counts_for

        context["call_counts"] = counts_for(user)
    if user.has_perm("privacy.view_subjectrequest"):
        from calportal.privacy.views_dpo import subject_request_deadlines

        context["privacy_requests"] = subject_request_deadlines()
    from calportal.privacy.erasure import notices_for

    # Art. 19: partner organisations and venues told that a person's data was erased.
    notices = notices_for(user)
    if notices is not None and not user.has_perm("privacy.view_erasurerecord"):
        context["unread_notices"] = notices.filter(read_at__isnull=True).count()
    if user.has_perm("accounts.view_user"):
        context["pending_invitations"] = User.objects.filter(
            is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX
        ).count()
    return render(request, "pages/dashboard.html", context)


@require_POST
def text_size(request):
    """Remember the reader's text size in a cookie; works without JavaScript."""
    size = request.POST.get("size", "normal")
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if size in TEXT_SIZES:
        response.set_cookie(
            "text_size",
            size,
            max_age=TEXT_SIZE_COOKIE_AGE,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@never_cache
@require_GET
def healthz(request):
    """Each part's state as JSON (``calportal/health``): database, redis (the Celery broker),
    cache and worker (with the seconds since it last ran a task). 200 while the database answers
    — ``"status"`` is then ``"ok"`` or ``"degraded"`` — and 503 when it does not: the web
    container's health check fails only for what web itself cannot serve without."""
    body, status = health.report()
    return JsonResponse(body, status=status)
