from django.urls import path

from calportal.public_cache import public_page
from resources_map import views, views_population

app_name = "resources_map"

urlpatterns = [
    path("map/", public_page("map")(views.map_page), name="map"),
    path("map/data.geojson", public_page("map")(views.geojson), name="geojson"),
    path("map/report/", views.report, name="report"),
    path("map/report/thanks/", views.report_thanks, name="report_thanks"),
    path("where-to-get-help/", public_page("map")(views.guide), name="guide"),
    path("manage/map/resources/", views.resource_list, name="resource_list"),
    path("manage/map/resources/new/", views.resource_create, name="resource_create"),
    path("manage/map/resources/<int:pk>/", views.resource_detail, name="resource_detail"),
    path("manage/map/resources/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("manage/map/needs/", views.need_list, name="need_list"),
    path("manage/map/needs/new/", views.need_create, name="need_create"),
    path("manage/map/needs/<int:pk>/", views.need_detail, name="need_detail"),
    path("manage/map/needs/<int:pk>/edit/", views.need_edit, name="need_edit"),
    path("manage/map/areas/", views.area_list, name="area_list"),
    path("manage/map/areas/new/", views.area_create, name="area_create"),
    path("manage/map/areas/<int:pk>/", views.area_edit, name="area_edit"),
    path(
        "manage/map/areas/<int:pk>/population/",
        views_population.area_population,
        name="area_population",
    ),
    path("manage/map/reports/", views.report_list, name="report_list"),
    path("manage/map/reports/<int:pk>/accept/", views.report_accept, name="report_accept"),
    path("manage/map/reports/<int:pk>/reject/", views.report_reject, name="report_reject"),
    path("manage/map/gaps/", views.gaps, name="gaps"),
    path("manage/map/diagnosis/", views.diagnosis, name="diagnosis"),
    path("manage/map/diagnosis/pdf/", views.diagnosis_pdf, name="diagnosis_pdf"),
    path("manage/map/export/<slug:what>.csv", views.export, name="export"),
    path("manage/map/import/<slug:what>/", views.import_csv, name="import"),
]
