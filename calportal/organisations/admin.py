from django.contrib import admin

from calportal.organisations.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "kind", "is_partner", "cooperation_form", "pact_signed_on"]
    list_filter = ["sector", "is_partner", "cooperation_form"]
    search_fields = ["name", "short_name", "city"]
