"""The files of a report run, made by the documents pipeline from the run's stored dataset:
the same figures in every format, with the run's number, version and narrative texts."""

from django.utils import translation
from django.utils.translation import gettext as _

from calportal.documents.registry import XLSX, ZIP, Build, register
from calportal.reports import access
from calportal.reports.models import ReportRun

PERMISSION = "reports.view_reportrun"


def run_dataset(run: ReportRun) -> dict:
    """The run's dataset as its files print it: with the run's number, version, whether it is
    official, and the narrative texts as they are now."""
    dataset = dict(run.dataset)
    dataset["run"] = {
        "number": run.number,
        "version": run.version,
        "official": run.is_official,
        "checksum": run.checksum,
    }
    with translation.override(run.language):
        dataset["run"]["status"] = _("official") if run.is_official else _("draft")
    sections = []
    for section in dataset["sections"]:
        if section.get("narrative"):
            section = {
                **section,
                "narrative": [
                    {**item, "text": run.narrative.get(item["key"], item.get("text", ""))}
                    for item in section["narrative"]
                ],
            }
        sections.append(section)
    dataset["sections"] = sections
    from calportal.reports.registry import get_kind

    spec = get_kind(run.kind)
    if spec.with_inputs is not None:
        dataset = spec.with_inputs(dataset, run.narrative)
    return dataset


def _shared_with(user, params: dict) -> bool:
    run = ReportRun.objects.filter(pk=params.get("run")).first()
    return run is not None and access.may_read(user, run)


def report_file_read(user, document) -> None:
    """Tell the run's kind that ``user`` downloads one of its files (its ``on_read`` hook)."""
    from calportal.reports.registry import get_kind

    run = ReportRun.objects.filter(pk=(document.params or {}).get("run")).first()
    if run is not None:
        spec = get_kind(run.kind)
        if spec.on_read is not None:
            spec.on_read(user, run)


def _run(params: dict) -> ReportRun:
    return ReportRun.objects.get(pk=params["run"])


def _filename(run: ReportRun, extension: str) -> str:
    from calportal.reports.render import file_slug

    stem = file_slug(f"{run.kind}-{run.period_start.isoformat()}-{run.period_end.isoformat()}")
    return f"{stem}-v{run.version}.{extension}"


@register("reports.pdf", permission=PERMISSION, shared_with=_shared_with, requester_checked=True)
def build_pdf(params: dict) -> Build:
    from calportal.reports.render.pdf import PDF_VARIANT, report_pdf_build

    run = _run(params)
    template, context = report_pdf_build(run_dataset(run))
    return Build(
        template=template,
        context=context,
        filename=_filename(run, "pdf"),
        pdf_variant=PDF_VARIANT,  # tagged (PDF/UA): headings, table headers, charts' alt texts
    )


@register("reports.xlsx", permission=PERMISSION, shared_with=_shared_with, requester_checked=True)
def build_xlsx(params: dict) -> Build:
    from calportal.reports.render.xlsx import render_xlsx

    run = _run(params)
    dataset = run_dataset(run)
    return Build(
        content=lambda: render_xlsx(dataset), content_type=XLSX, filename=_filename(run, "xlsx")
    )


@register("reports.csv", permission=PERMISSION, shared_with=_shared_with, requester_checked=True)
def build_csv(params: dict) -> Build:
    from calportal.reports.render.csv import render_csv_zip

    run = _run(params)
    dataset = run_dataset(run)
    return Build(
        content=lambda: render_csv_zip(dataset), content_type=ZIP, filename=_filename(run, "zip")
    )
