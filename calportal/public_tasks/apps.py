from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicTasksConfig(AppConfig):
    name = "calportal.public_tasks"
    label = "public_tasks"
    verbose_name = _("Public tasks")

    def ready(self):
        """Make a public task a scope of the reports (REPORTS.md §6 R6): its figures count its
        linked initiatives and events, ``task:<id>`` is its contract period, and the report
        forms offer the tasks the user may see."""
        from calportal.reports.calendar import register_deadlines
        from calportal.reports.figures import register_linked_scope
        from calportal.reports.periods import register_prefix
        from calportal.reports.registry import ScopeKind, register_scope

        from . import figures, selectors

        register_linked_scope("task", figures.linked)
        register_deadlines(figures.report_deadlines)
        register_prefix("task", figures.contract_period)
        register_scope(
            ScopeKind(
                "task",
                _("Public task"),
                selectors.report_choices,
                figures.task_title,
                timeframe=lambda pk: f"task:{pk}",
            )
        )
