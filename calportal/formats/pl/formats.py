"""Polish: the Polish standard ``02.12.2026`` / ``2 grudnia 2026``, 24-hour time.

What is displayed is accepted back as input (first entry), as is ISO ``2026-12-02`` and the
older ``02-12-2026``. Anything not named here comes from Django's own Polish formats.
"""

DATE_FORMAT = "j E Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j E Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%d.%m.%Y",  # 02.12.2026 — as displayed
    "%Y-%m-%d",  # 2026-12-02 — ISO
    "%d-%m-%Y",  # 02-12-2026 — the portal's earlier display
]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M",  # 02.12.2026 18:00 — as displayed
    "%d.%m.%Y, %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
]
