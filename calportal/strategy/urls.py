from django.urls import path

from calportal.strategy import views

app_name = "strategy"

urlpatterns = [
    path("", views.set_list, name="set_list"),
    path("new/", views.set_create, name="set_create"),
    path("<int:pk>/", views.set_detail, name="set_detail"),
    path("<int:pk>/edit/", views.set_edit, name="set_edit"),
    path("<int:set_pk>/objectives/new/", views.objective_create, name="objective_create"),
    path("objectives/<int:pk>/edit/", views.objective_edit, name="objective_edit"),
    path("<int:set_pk>/indicators/new/", views.indicator_create, name="indicator_create"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/values/", views.typed_values, name="typed_values"),
]
