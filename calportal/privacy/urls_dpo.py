"""The DPO's overview, the records of processing (art. 30) and the data-breach register."""

from django.urls import path

from calportal.privacy import views_dpo

urlpatterns = [
    path("", views_dpo.dpo_overview, name="dpo"),
    path("processing/", views_dpo.processing_list, name="processing_list"),
    path("processing/new/", views_dpo.processing_create, name="processing_create"),
    path("processing/<int:pk>/", views_dpo.processing_edit, name="processing_edit"),
    path("processing/register.pdf", views_dpo.processing_pdf, name="processing_pdf"),
    path("processing/register.xlsx", views_dpo.processing_xlsx, name="processing_xlsx"),
    path("breaches/", views_dpo.breach_list, name="breach_list"),
    path("breaches/new/", views_dpo.breach_create, name="breach_create"),
    path("breaches/<int:pk>/", views_dpo.breach_edit, name="breach_edit"),
]
