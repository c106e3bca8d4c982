from django.urls import path

from calportal.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/<str:kind>/", views.new, name="new"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/status/", views.run_status, name="run_status"),
    path("runs/<int:pk>/texts/", views.run_narrative, name="run_narrative"),
    path("runs/<int:pk>/official/", views.run_official, name="run_official"),
    path("runs/<int:pk>/again/", views.run_again, name="run_again"),
    path("schedules/", views.schedule_list, name="schedules"),
    path("schedules/<int:pk>/", views.schedule_edit, name="schedule_edit"),
    path("schedules/new/<str:kind>/", views.schedule_create, name="schedule_create"),
    path("targets/", views.targets, name="targets"),
    path("targets/results/<int:pk>/delete/", views.soft_result_delete, name="soft_result_delete"),
]
