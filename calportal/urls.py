from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from calportal import autocomplete, views
from calportal.public_cache import PLACES_TTL, public_page

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("text-size/", views.text_size, name="text_size"),
]

# Polish lives at the root, English under /en/. The language switch sits inside the
# patterns so that it resolves the page it came from in that page's language.
urlpatterns += i18n_patterns(
    path("i18n/setlang/", set_language, name="set_language"),
    path("", public_page("events", ttl=PLACES_TTL)(views.home), name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("autocomplete/<slug:source>/", autocomplete.suggest, name="autocomplete"),
    path("accounts/", include("calportal.accounts.urls")),
    path("organisations/", include("calportal.organisations.urls")),
    path("team/", include("calportal.team.urls")),
    path("documents/", include("calportal.documents.urls")),
    path("reports/", include("calportal.reports.urls")),
    path("public-tasks/", include("calportal.public_tasks.urls")),
    path("projects/", include("calportal.projects.urls")),
    path("strategy/", include("calportal.strategy.urls")),
    path("data-protection/", include("calportal.privacy.urls")),
    path("audit/", include("calportal.audit.urls")),
    path("", include("initiatives.urls")),
    path("", include("initiatives.passes.urls")),
    path("", include("resources_map.urls")),
    path("", include("volunteers.urls")),
    path("", include("selfhelp.urls")),
    path("", include("calportal.calls.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
