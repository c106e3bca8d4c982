from django.urls import path

from calportal.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/participant-list/", views.participant_list, name="participant_list"),
    path(
        "<int:pk>/periods/<int:period_pk>/values/", views.indicator_values, name="indicator_values"
    ),
    path("<int:pk>/periods/<int:period_pk>/report/", views.period_report, name="period_report"),
]
