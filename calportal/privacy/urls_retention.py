from django.urls import path

from calportal.privacy import views_retention as views

urlpatterns = [
    path("", views.rule_table, name="retention"),
    path("rules/<slug:code>/", views.rule_edit, name="retention_rule_edit"),
    path("next-run/", views.dry_run, name="retention_dry_run"),
    path("due-soon/", views.due_soon, name="retention_due_soon"),
    path("runs/", views.run_list, name="retention_runs"),
    path("runs/<int:pk>/", views.run_detail, name="retention_run"),
]
