"""English: day before month with the month's name (``2 Dec 2026`` / ``2 December 2026``), never
the ambiguous ``12/02/2026``; 24-hour time, as in Poland.

What is displayed is accepted back as input (first entry), as is ISO ``2026-12-02``. Month
names are read by ``strptime`` in the C locale (English), which the portal's processes use.
"""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
FIRST_DAY_OF_WEEK = 1  # Monday, as in Poland and ISO 8601

DATE_INPUT_FORMATS = [
    "%d %b %Y",  # 2 Dec 2026 — as displayed
    "%d %B %Y",  # 2 December 2026
    "%Y-%m-%d",  # 2026-12-02 — ISO
]
DATETIME_INPUT_FORMATS = [
    "%d %b %Y, %H:%M",  # 2 Dec 2026, 18:00 — as displayed
    "%d %b %Y %H:%M",
    "%d %B %Y, %H:%M",
    "%d %B %Y %H:%M",
    "%d %b %Y",
    "%d %B %Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
]
