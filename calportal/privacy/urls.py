"""The privacy lifecycle's staff pages, under /data-protection/ (the public privacy notice is
/privacy/). Each part keeps its own URL module."""

from django.urls import include, path

app_name = "privacy"

urlpatterns = [
    path("", include("calportal.privacy.urls_dpo")),
    path("retention/", include("calportal.privacy.urls_retention")),
    path("requests/", include("calportal.privacy.urls_requests")),
    path("erasure/", include("calportal.privacy.urls_erasure")),
    path("consent/", include("calportal.privacy.urls_consent")),
]
