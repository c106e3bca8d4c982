from django.urls import path

from volunteers import views

app_name = "volunteers"

urlpatterns = [
    path("volunteer/", views.apply, name="apply"),
    path("volunteer/thanks/", views.applied, name="applied"),
    path("manage/volunteers/", views.volunteer_list, name="volunteer_list"),
    path("manage/volunteers/new/", views.volunteer_create, name="volunteer_create"),
    path("manage/volunteers/<int:pk>/", views.volunteer_detail, name="volunteer_detail"),
    path("manage/volunteers/<int:pk>/edit/", views.volunteer_edit, name="volunteer_edit"),
    path("manage/volunteers/<int:pk>/status/", views.volunteer_status, name="volunteer_status"),
    path("manage/volunteers/<int:pk>/agreements/", views.agreement_create, name="agreement_create"),
    path("manage/volunteers/<int:pk>/checks/", views.check_create, name="check_create"),
    path(
        "manage/volunteers/<int:pk>/certificate/",
        views.certificate_create,
        name="certificate_create",
    ),
    path("manage/volunteering/opportunities/", views.opportunity_list, name="opportunity_list"),
    path(
        "manage/volunteering/opportunities/new/",
        views.opportunity_create,
        name="opportunity_create",
    ),
    path(
        "manage/volunteering/opportunities/<int:pk>/",
        views.opportunity_detail,
        name="opportunity_detail",
    ),
    path(
        "manage/volunteering/opportunities/<int:pk>/edit/",
        views.opportunity_edit,
        name="opportunity_edit",
    ),
    path(
        "manage/volunteering/opportunities/<int:pk>/shifts/",
        views.shift_create,
        name="shift_create",
    ),
    path(
        "manage/volunteering/shifts/<int:pk>/assign/",
        views.assignment_create,
        name="assignment_create",
    ),
    path(
        "manage/volunteering/assignments/<int:pk>/remove/",
        views.assignment_delete,
        name="assignment_delete",
    ),
    path("manage/volunteering/hours/", views.hours_list, name="hours_list"),
    path("manage/volunteering/hours/new/", views.hours_create, name="hours_create"),
    path("manage/volunteering/hours/<int:pk>/", views.hours_edit, name="hours_edit"),
    path("manage/volunteering/hours/week/", views.hours_week, name="hours_week"),
    path("manage/volunteering/hours/import/", views.hours_import, name="hours_import"),
    path("manage/volunteering/approval/", views.approval, name="approval"),
    path("manage/volunteering/totals/", views.totals, name="totals"),
    path("manage/volunteering/export/<slug:what>.csv", views.export, name="export"),
    path("manage/volunteering/settings/", views.settings_edit, name="settings"),
    path("manage/volunteering/rates/", views.rates, name="rates"),
    path("manage/volunteering/rates/<int:pk>/delete/", views.rate_delete, name="rate_delete"),
    path(
        "manage/volunteering/kinds-of-work/<int:pk>/", views.work_kind_edit, name="work_kind_edit"
    ),
]
