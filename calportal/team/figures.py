"""Report figures of the CAL team (REPORTS.md §2, NW3), in aggregate SQL."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calportal.reports.figures import NUMBER, define
from calportal.reports.periods import Period
from calportal.team.models import TeamMeeting

NW3 = define(
    "NW3",
    _("CAL team meetings"),
    _("Meetings of the CAL team held in the period (dated in it and not after today)."),
    unit=NUMBER,
)


def team_meetings(period: Period) -> int:
    """NW3. The number of team meetings dated (``held_on``) in P, not counting those dated
    after today (planned, not yet held). One query."""
    last = min(period.end, timezone.localdate())
    return TeamMeeting.objects.filter(held_on__gte=period.start, held_on__lte=last).count()
