from django.urls import path

from calportal.public_cache import public_page
from selfhelp import views

app_name = "selfhelp"

urlpatterns = [
    path("groups/", public_page("groups")(views.group_list), name="group_list"),
    path("groups/thanks/", views.thanks, name="thanks"),
    path("groups/<slug:slug>/", views.group_public, name="group_public"),
    path("manage/groups/", views.manage_list, name="manage_list"),
    path("manage/groups/new/", views.group_create, name="group_create"),
    path("manage/groups/figures/", views.figures, name="figures"),
    path("manage/groups/figures/pdf/", views.figures_pdf, name="figures_pdf"),
    path("manage/groups/access-log/", views.access_log, name="access_log"),
    path("manage/groups/<int:pk>/", views.workspace, name="workspace"),
    path("manage/groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("manage/groups/<int:pk>/members.csv", views.members_csv, name="members_csv"),
    path("manage/groups/<int:pk>/accepting/", views.group_accepting, name="group_accepting"),
    path(
        "manage/groups/<int:pk>/meetings/generate/",
        views.meetings_generate,
        name="meetings_generate",
    ),
    path("manage/groups/requests/<int:pk>/", views.request_detail, name="request_detail"),
    path(
        "manage/groups/requests/<int:pk>/<slug:action>/",
        views.request_action,
        name="request_action",
    ),
    path(
        "manage/groups/members/<int:pk>/<slug:action>/",
        views.member_action,
        name="member_action",
    ),
    path("manage/groups/meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
]
