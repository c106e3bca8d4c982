from django.urls import path

from calportal.team import views

app_name = "team"

urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("members/new/", views.member_create, name="member_create"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
]
