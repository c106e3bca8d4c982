from django.contrib import admin

from calportal.team.models import TeamMeeting, TeamMember, TeamTask


@admin.register(TeamMember)
class TeamMemberAdmin(admin.ModelAdmin):
    list_display = ["full_name", "organisation", "team_role", "start_date", "end_date"]
    list_filter = ["team_role", "organisation"]
    search_fields = ["full_name"]


@admin.register(TeamMeeting)
class TeamMeetingAdmin(admin.ModelAdmin):
    list_display = ["held_on", "place"]
    filter_horizontal = ["attendees"]


@admin.register(TeamTask)
class TeamTaskAdmin(admin.ModelAdmin):
    list_display = ["number", "title"]
    filter_horizontal = ["responsible"]
