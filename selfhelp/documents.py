"""Anonymous figures of the self-help groups, as a PDF for the OPS's reports."""

from django.utils import timezone

from calportal.documents.registry import Build, register


@register("selfhelp.report", permission="selfhelp.view_group")
def report(params: dict) -> Build:
    from selfhelp.selectors import group_figures

    now = timezone.localtime()
    return Build(
        template="pdf/selfhelp_report.html",
        context={**group_figures(), "generated_at": now},
        filename=f"grupy-samopomocowe-{now:%Y-%m-%d}.pdf",
    )
