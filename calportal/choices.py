"""Choices shared by several apps."""

from django.utils.translation import gettext_lazy as _

# Python's weekday numbers (Monday is 0), as events' series and group schedules use them.
WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
