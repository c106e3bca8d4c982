from django.contrib import admin

from resources_map.forms import AreaForm, ResourceForm
from resources_map.models import Area, Diagnosis, Need, ResidentReport, Resource


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    form = AreaForm  # the same checks as the portal: boundary GeoJSON, point in the box
    list_display = ["name", "kind", "population_total", "population_60_plus", "population_year"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    form = ResourceForm
    list_display = ["name", "resource_class", "kind", "area", "is_public", "verified_on"]
    list_filter = ["resource_class", "kind", "is_public", "area"]
    search_fields = ["name", "address"]
    autocomplete_fields = ["organisation"]


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    list_display = ["title", "severity", "status", "found_by", "identified_on"]
    list_filter = ["status", "severity", "found_by"]
    search_fields = ["title"]


@admin.register(ResidentReport)
class ResidentReportAdmin(admin.ModelAdmin):
    """Moderation happens in the portal (under a lock); the admin only reads reports."""

    list_display = ["kind", "status", "created_at", "handled_at"]
    list_filter = ["kind", "status"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


admin.site.register(Diagnosis)
