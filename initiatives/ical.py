"""iCalendar (.ics) for e-mail attachments and subscription feeds."""

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent

from initiatives.models import Event

PRODID = "-//OPS Śrem//Portal CAL//PL"


def _vevent(event: Event, *, tentative: bool = False) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", f"event-{event.pk}@{settings.SITE_URL.split('//')[-1]}")
    vevent.add("dtstamp", timezone.now())
    vevent.add("dtstart", event.starts_at)
    vevent.add("dtend", event.ends_at)
    vevent.add("summary", event.display_title)
    vevent.add("location", ", ".join(part for part in (event.place_name, event.address) if part))
    vevent.add("url", settings.SITE_URL + event.get_absolute_url())
    if event.is_cancelled:
        vevent.add("status", "CANCELLED")
    else:
        vevent.add("status", "TENTATIVE" if tentative else "CONFIRMED")
    return vevent


def calendar_bytes(events, *, name: str, tentative: bool = False) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for event in events:
        calendar.add_component(_vevent(event, tentative=tentative))
    return calendar.to_ical()
