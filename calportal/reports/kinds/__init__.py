"""The report kinds of this portal. Each module registers one builder with
:func:`calportal.reports.registry.register`."""

from calportal.reports.kinds import activity, digest, effectiveness, event_summary  # noqa: F401
