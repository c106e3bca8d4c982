"""The site shell: public pages, the dashboard after login, the health check."""

from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import IntegerField, QuerySet, Subquery
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

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


class _CountOf(Subquery):
    """The number of rows of a queryset as one column of another query:
    ``(SELECT COUNT(*) FROM (<the queryset's ids>) AS counted)``."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()

    def __init__(self, queryset):
        super().__init__(queryset.order_by().values("pk"))


def _dashboard_counts(user) -> dict:
    """Every count the user's tiles show, in one query: ``{"organisation_counts": {"total",
    "partners"}, "map_counts": {"reports_waiting", "unanswered"}, "volunteer_counts":
    {"applicants", "waiting", "lacking"}, "call_counts": {"due", "later"},
    "unread_notices": n, "pending_invitations": n}``, each only when the user's role shows
    that tile; ``{}`` when it shows none. The querysets are the ones the lists use."""
    counts: dict[str, tuple[str, str, QuerySet]] = {}  # column: (tile, key, queryset)
    if user.has_perm("organisations.view_organisation"):
        counts["organisations"] = ("organisation_counts", "total", Organisation.objects.all())
        counts["partners"] = (
            "organisation_counts",
            "partners",
            Organisation.objects.filter(is_partner=True),
        )
    if user.has_perm("resources_map.view_need"):
        from resources_map.selectors import needs_unanswered, reports_waiting

        counts["reports_waiting"] = ("map_counts", "reports_waiting", reports_waiting())
        counts["unanswered"] = ("map_counts", "unanswered", needs_unanswered())
    if user.has_perm("volunteers.view_volunteer"):
        from volunteers.models import EntryStatus, VolunteerStatus
        from volunteers.selectors import entries_for, lacking_agreement, volunteers_for

        counts["applicants"] = (
            "volunteer_counts",
            "applicants",
            volunteers_for(user).filter(status=VolunteerStatus.APPLICANT),
        )
        counts["hours_waiting"] = (
            "volunteer_counts",
            "waiting",
            entries_for(user, with_anonymised=True).filter(status=EntryStatus.SUBMITTED),
        )
        counts["lacking"] = (
            "volunteer_counts",
            "lacking",
            lacking_agreement(volunteers_for(user)),
        )
    if user.has_perm("calls.view_callitem"):
        from calportal.calls.selectors import items_for

        today = timezone.localdate()
        open_items = items_for(user).open()
        counts["calls_due"] = ("call_counts", "due", open_items.filter(due_on__lte=today))
        counts["calls_later"] = ("call_counts", "later", open_items.filter(due_on__gt=today))
    from calportal.privacy.erasure import notices_for

    # Art. 19: partner organisations and venues told that a person's data was erased.
    notices = notices_for(user)
    if notices is not None and not user.has_perm("privacy.view_erasurerecord"):
        counts["unread_notices"] = (None, "unread_notices", notices.filter(read_at__isnull=True))
    if user.has_perm("accounts.view_user"):
        counts["pending_invitations"] = (
            None,
            "pending_invitations",
            User.objects.filter(is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX),
        )
    if not counts:
        return {}
    row = (
        User.objects.filter(pk=user.pk)
        .values(**{column: _CountOf(queryset) for column, (_, _, queryset) in counts.items()})
        .get()
    )
    context: dict = {}
    for column, (tile, key, _queryset) in counts.items():
        if tile is None:
            context[key] = row[column]
        else:
            context.setdefault(tile, {})[key] = row[column]
    return context


@login_required
def dashboard(request):
    """The tiles of the user's roles. At most nine queries whatever the data (the session,
    the user, their permissions, all counts in one, the next events, their self-help groups,
    their roles, the data-protection deadlines)."""
    user = request.user
    context = {"organisation": user.organisation, **_dashboard_counts(user)}
    if user.has_perm("initiatives.view_event"):
        from initiatives.selectors import staff_events

        context["next_events"] = list(
            staff_events().filter(starts_at__gte=timezone.now()).order_by("starts_at")[:5]
        )
    if user.has_perm("selfhelp.view_group"):
        from selfhelp.selectors import groups_with_counts, workspace_groups

        context["own_groups"] = list(groups_with_counts(workspace_groups(user)).order_by("name"))
    if user.has_perm("privacy.view_subjectrequest"):
        from calportal.privacy.views_dpo import subject_request_deadlines

        context["privacy_requests"] = subject_request_deadlines()
    return render(request, "pages/dashboard.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def text_size(request):
    """Remember the reader's text size (``size``: normal, large or xlarge) in a cookie and go
    back to ``next`` (a page of this site; the home page otherwise). A link (GET), so that the
    pages carrying it are the same for every reader; a form posting it works too."""
    data = request.POST if request.method == "POST" else request.GET
    size = data.get("size", "normal")
    target = data.get("next", "/")
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
