from django.urls import path

from calportal.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.trail, name="trail"),
]
