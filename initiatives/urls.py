from django.urls import path

from calportal.public_cache import PLACES_TTL, public_page
from initiatives import views_participants as participants
from initiatives import views_public as public
from initiatives import views_staff as staff

app_name = "initiatives"

urlpatterns = [
    # Public
    path(
        "events/",
        public_page("events", ttl=PLACES_TTL)(public.event_calendar),
        name="calendar",
    ),
    path(
        "events/month/",
        public_page("events", ttl=PLACES_TTL)(public.event_calendar_month),
        name="calendar_month_current",
    ),
    path(
        "events/month/<int:year>/<int:month>/",
        public_page("events", ttl=PLACES_TTL)(public.event_calendar_month),
        name="calendar_month",
    ),
    path("events/feed.ics", public_page("events")(public.feed_all), name="feed_all"),
    path(
        "events/<int:pk>/",
        public_page("events", ttl=PLACES_TTL)(public.event_public),
        name="event_public",
    ),
    path("events/<int:pk>/received/", public.signup_received, name="signup_received"),
    path("events/<int:pk>/event.ics", public_page("events")(public.event_ics), name="event_ics"),
    path(
        "initiatives/<slug:slug>/feed.ics",
        public_page("events")(public.feed_initiative),
        name="feed_initiative",
    ),
    path("registration/<str:token>/", public.registration_personal, name="registration_personal"),
    path(
        "registration/<str:token>/cancel/",
        public.registration_cancel_public,
        name="registration_cancel_public",
    ),
    path(
        "registration/<str:token>/text-messages/",
        public.registration_text_messages,
        name="registration_text_messages",
    ),
    # Staff
    path("manage/initiatives/", staff.initiative_list, name="initiative_list"),
    path("manage/initiatives/new/", staff.initiative_create, name="initiative_create"),
    path("manage/initiatives/<int:pk>/", staff.initiative_detail, name="initiative_detail"),
    path("manage/initiatives/<int:pk>/edit/", staff.initiative_edit, name="initiative_edit"),
    path(
        "manage/initiatives/<int:pk>/duplicate/",
        staff.initiative_duplicate,
        name="initiative_duplicate",
    ),
    path("manage/initiatives/<int:pk>/series/", staff.event_series_create, name="event_series"),
    path("manage/events/", staff.event_list, name="event_list"),
    path("manage/events/new/", staff.event_create, name="event_create"),
    path("manage/events/<int:pk>/edit/", staff.event_edit, name="event_edit"),
    path("manage/events/<int:pk>/cancel/", staff.event_cancel, name="event_cancel"),
    path("manage/events/<int:pk>/", staff.event_registrations, name="event_registrations"),
    path("manage/events/<int:pk>/register/", staff.registration_add, name="registration_add"),
    path(
        "manage/events/<int:pk>/registrations/<int:registration_pk>/cancel/",
        staff.registration_cancel,
        name="registration_cancel",
    ),
    path(
        "manage/events/<int:pk>/registrations/<int:registration_pk>/move/",
        staff.registration_move,
        name="registration_move",
    ),
    path("manage/events/<int:pk>/attendance/", staff.event_attendance, name="event_attendance"),
    path("manage/events/<int:pk>/message/", staff.event_message, name="event_message"),
    path("manage/events/<int:pk>/export.csv", staff.event_registrations_csv, name="event_csv"),
    path(
        "manage/events/<int:pk>/attendance-sheet/",
        staff.attendance_sheet_request,
        name="attendance_sheet",
    ),
    path("manage/participants/", participants.participant_list, name="participant_list"),
    path(
        "manage/participants/duplicates/",
        participants.participant_duplicates,
        name="participant_duplicates",
    ),
    path(
        "manage/participants/merge/<int:keep>/<int:duplicate>/",
        participants.participant_merge,
        name="participant_merge",
    ),
    path("manage/participants/districts/", participants.districts_to_map, name="districts_to_map"),
]
