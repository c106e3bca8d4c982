"""The portal's one PDF renderer: a template under ``templates/pdf/`` plus context → bytes."""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

PRINT_CSS = "css/print.css"


def render_pdf(
    template: str, context: dict, *, language: str | None = None, variant: str | None = None
) -> bytes:
    """``variant``: a WeasyPrint ``pdf_variant``, e.g. ``"pdf/ua-1"`` for a tagged, accessible
    PDF (the reports use it); None writes a plain PDF, as every other document does."""
    import weasyprint  # imported here: loading Pango is slow and only workers need it

    with translation.override(language or settings.LANGUAGE_CODE):
        html = render_to_string(template, context)
    stylesheet = weasyprint.CSS(filename=finders.find(PRINT_CSS))
    options = {"pdf_variant": variant} if variant else {}
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[stylesheet], **options
    )
