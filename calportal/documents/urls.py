from django.urls import path

from calportal.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/status/", views.document_status, name="status"),
    path("<int:pk>/download/", views.document_download, name="download"),
]
