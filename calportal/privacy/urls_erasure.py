"""Erasure (art. 17) and the notices to recipients (art. 19), under /data-protection/erasure/."""

from django.urls import path

from calportal.privacy import views_erasure

urlpatterns = [
    path("", views_erasure.erasure_list, name="erasure_list"),
    path("<int:pk>/", views_erasure.erasure_detail, name="erasure_detail"),
    path("request/<int:request_id>/", views_erasure.erasure_preview, name="erasure_preview"),
    path("volunteer/<int:volunteer_id>/", views_erasure.volunteer_erase, name="volunteer_erase"),
    path("notices/", views_erasure.notice_list, name="notice_list"),
    path("notices/<int:pk>/read/", views_erasure.notice_read, name="notice_read"),
]
