from django.urls import path

from calportal.calls import views

app_name = "calls"

urlpatterns = [
    path("calls/", views.call_list, name="list"),
    path("calls/history/", views.history, name="history"),
    path("calls/<int:pk>/outcome/", views.outcome, name="outcome"),
    path("today/", views.today, name="today"),
]
