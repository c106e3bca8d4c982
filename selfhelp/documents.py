"""The self-help figures as a PDF: R10's dataset for a period and a scope (REPORTS.md §6 R10,
"the existing ``selfhelp.report`` extended"), printed like every report."""

from django.utils import translation

from calportal.documents.registry import Build, register


def _may_read(user, params: dict) -> bool:
    """The document follows R10's rule (REPORTS.md §8): OPS staff the topics, the coordinator
    every group, a facilitator their own — checked again whenever it is opened."""
    from calportal.reports import access
    from calportal.reports.figures import Scope

    return access.may_run(
        user, "R10", Scope.from_dict(params.get("scope")), params.get("variant") or "shared"
    )


@register(
    "selfhelp.report",
    permission="selfhelp.view_group",
    shared_with=_may_read,
    requester_checked=True,
)
def report(params: dict) -> Build:
    """``params``: ``timeframe`` (a period identifier, default ``"year_to_date"``), ``scope``
    (``{}`` or ``{"group": id}``), ``variant`` (``"internal"`` or ``"shared"``, default
    ``"shared"``) and ``language`` (the document's, default Polish)."""
    from calportal.reports.figures import Scope
    from calportal.reports.kinds.selfhelp_groups import dataset_for
    from calportal.reports.render import file_slug
    from calportal.reports.render.pdf import PDF_VARIANT, report_pdf_build

    language = params.get("language") or translation.get_language() or "pl"
    dataset = dataset_for(
        identifier=params.get("timeframe") or "year_to_date",
        scope=Scope.from_dict(params.get("scope")),
        variant=params.get("variant") or "shared",
        language=language,
    )
    template, context = report_pdf_build(dataset)
    period = dataset["period"]
    return Build(
        template=template,
        context=context,
        filename=file_slug(f"grupy-samopomocowe-{period['start']}-{period['end']}") + ".pdf",
        pdf_variant=PDF_VARIANT,
    )
