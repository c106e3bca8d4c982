from django.urls import path

from calportal.privacy import views_requests as views

urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("new/", views.request_create, name="request_create"),
    path("<int:pk>/", views.request_detail, name="request_detail"),
    path("<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("<int:pk>/records/", views.request_matches, name="request_matches"),
    path("<int:pk>/notes-reviewed/", views.request_notes_review, name="request_notes_review"),
    path("<int:pk>/package/", views.package_prepare, name="package_prepare"),
    path("<int:pk>/package/download/", views.package_download, name="package_download"),
    path("<int:pk>/package/link/", views.link_create, name="package_link_create"),
    # The person's page, reached only through the e-mailed link (no login).
    path("package/<str:token>/", views.package_public, name="package_public"),
]
