from django.urls import path

from calportal.public_cache import public_page
from initiatives.passes import views

app_name = "passes"

urlpatterns = [
    path("senior-friend/", public_page("passes")(views.programme), name="programme"),
    path("senior-friend/apply/", views.apply, name="apply"),
    path("senior-friend/apply/thanks/", views.applied, name="applied"),
    path("sps/<str:token>/", views.check, name="check"),
    path("counter/", views.counter, name="counter"),
    path("counter/history/", views.counter_history, name="counter_history"),
    path("counter/redeem/", views.redeem, name="redeem"),
    path("counter/recorded/<int:pk>/", views.recorded, name="recorded"),
    path("manage/passes/", views.pass_list, name="pass_list"),
    path("manage/passes/new/", views.pass_issue, name="pass_issue"),
    path("manage/passes/print/", views.pass_print_sheet, name="pass_print_sheet"),
    path("manage/passes/<int:pk>/", views.pass_detail, name="pass_detail"),
    path("manage/passes/<int:pk>/print/", views.pass_print, name="pass_print"),
    path("manage/passes/<int:pk>/<slug:action>/", views.pass_action, name="pass_action"),
    path("manage/passes/applications/", views.application_list, name="application_list"),
    path(
        "manage/passes/applications/<int:pk>/issue/",
        views.application_issue,
        name="application_issue",
    ),
    path(
        "manage/passes/applications/<int:pk>/reject/",
        views.application_reject,
        name="application_reject",
    ),
    path("manage/passes/venues/", views.venue_list, name="venue_list"),
    path("manage/passes/venues/new/", views.venue_create, name="venue_create"),
    path("manage/passes/venues/<int:pk>/", views.venue_edit, name="venue_edit"),
    path("manage/passes/settings/", views.programme_settings, name="settings"),
    path("manage/passes/statistics/", views.statistics, name="statistics"),
    path("manage/passes/redemptions/", views.redemption_list, name="redemption_list"),
]
