from django.contrib import admin

from initiatives.models import Event, Funding, Initiative, Participant, Registration


class FundingInline(admin.TabularInline):
    model = Funding
    extra = 0


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "category", "status", "is_public"]
    list_filter = ["kind", "category", "status", "is_public"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [FundingInline]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Places and status change only through the portal's services (locks, e-mails)."""

    list_display = ["__str__", "starts_at", "capacity", "places_taken", "status"]
    list_filter = ["status", "initiative"]
    readonly_fields = ["places_taken", "capacity", "status"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "email", "phone", "birth_year"]
    search_fields = ["last_name", "email", "phone"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    """Read-only: registrations change through the portal so that the places stay counted."""

    list_display = ["participant", "event", "status", "places", "source", "attendance"]
    list_filter = ["status", "source"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
