"""Document builders: each app registers how to turn ``params`` into a document.

A builder returns a :class:`Build`. It runs inside the Celery task, so it receives plain
parameters (ids), loads what it needs and aggregates in SQL before the template sees it.
A PDF is a template and its context (``Build(template, context, filename)``); any other file
is its bytes, or a function returning them, with its type
(``Build(content=..., content_type=XLSX, filename=...)``).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation

from calportal.pdf import render_pdf

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"
# The formats a document may have: its content type → the file's extension and the name the
# pages show.
FORMATS = {PDF: ("pdf", "PDF"), XLSX: ("xlsx", "XLSX"), ZIP: ("zip", "ZIP")}


@dataclass(frozen=True)
class Build:
    template: str = ""
    context: dict = field(default_factory=dict)
    filename: str = ""
    # Not a PDF from a template: the file's bytes, or a function of no arguments returning
    # them (called in the document's language).
    content: bytes | Callable[[], bytes] | None = None
    content_type: str = PDF
    # A template's PDF variant for WeasyPrint ("pdf/ua-1": tagged for screen readers).
    pdf_variant: str | None = None

    def __post_init__(self):
        if self.content_type not in FORMATS:
            raise ValueError(f"unknown document format {self.content_type!r}")
        if (self.content is None) == (not self.template):
            raise ValueError("a build has either a template or its content")
        if self.template and self.content_type != PDF:
            raise ValueError("a template renders to a PDF only")

    def render(self, *, language: str | None = None) -> bytes:
        """The document's bytes, in ``language`` (the default language when None)."""
        if self.template:
            return render_pdf(
                self.template, self.context, language=language, variant=self.pdf_variant
            )
        if callable(self.content):
            with translation.override(language or settings.LANGUAGE_CODE):
                return self.content()
        return self.content


@dataclass(frozen=True)
class Builder:
    build: Callable[[dict], Build]
    permission: str  # who may request and download this kind of document
    # Besides the requester, who may open a finished document: ``(user, params) -> bool``.
    # For example anyone who may see the volunteer a certificate is about.
    shared_with: Callable | None = None
    # The requester too must pass ``shared_with`` (e.g. a report's files follow the report's
    # access rule, which changes with the person's role).
    requester_checked: bool = False


_builders: dict[str, Builder] = {}


def register(
    kind: str,
    *,
    permission: str,
    shared_with: Callable | None = None,
    requester_checked: bool = False,
):
    def decorator(function: Callable[[dict], Build]):
        _builders[kind] = Builder(
            build=function,
            permission=permission,
            shared_with=shared_with,
            requester_checked=requester_checked,
        )
        return function

    return decorator


def get_builder(kind: str) -> Builder:
    return _builders[kind]
