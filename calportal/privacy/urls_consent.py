"""The consent registry, under /data-protection/consent/ (PRIVACY.md §5)."""

from django.urls import path

from calportal.privacy import views_consent as views

urlpatterns = [
    path("", views.consent_list, name="consent_list"),
    path("new/", views.consent_create, name="consent_create"),
    path("<int:pk>/", views.consent_detail, name="consent_detail"),
    # Public: the text in force that every form's clause links to.
    path("text/<str:purpose>/", views.consent_public, name="consent_public"),
    # Public, POST only, reached from the personal link of a registration.
    path(
        "withdraw/<str:token>/", views.consent_withdraw_personal, name="consent_withdraw_personal"
    ),
    path("withdrawn/", views.consent_withdrawn, name="consent_withdrawn"),
    path("person/<str:kind>/<int:pk>/", views.consent_subject, name="consent_subject"),
    path("person/<str:kind>/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("person/<str:kind>/<int:pk>/renew/", views.consent_renew, name="consent_renew"),
]
