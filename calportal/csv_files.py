"""CSV files as Polish offices exchange them: written for Excel (UTF-8 with a byte-order mark,
semicolons, formula-looking text neutralised), read from UTF-8 or Windows-1250 with semicolons,
commas or tabs. Shared by every import and export in the portal."""

import csv
import datetime
import io

from django.utils.translation import gettext as _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, quoting, columns)."""


def spreadsheet_safe(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe (numbers stay)."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def csv_text(header: list[str], rows) -> str:
    """A whole CSV file for Excel: BOM, semicolons, CRLF, booleans as tak/nie."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return "\ufeff" + buffer.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "tak" if value else "nie"
    return str(spreadsheet_safe(str(value)))


def unprotect(text: str) -> str:
    """Undo :func:`spreadsheet_safe`: the export's apostrophe before ``=+-@`` is not data."""
    if len(text) > 1 and text[0] == "'" and text[1] in "".join(FORMULA_STARTS):
        return text[1:]
    return text


def parse_date(value: str) -> str:
    """``DD.MM.YYYY`` (and ``-`` or ``/``) as ISO; anything else is returned for a form to judge."""
    for pattern in ("%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date().isoformat()
        except ValueError:
            continue
    return value


def decode(raw: bytes) -> str:
    if b"\x00" in raw[:4096]:
        raise ImportFileError(
            _("The file is not plain text (UTF-16 or a spreadsheet?). Save it as CSV in UTF-8.")
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1250")
    except UnicodeDecodeError:
        raise ImportFileError(
            _("The file's encoding is neither UTF-8 nor Windows-1250. Save it as CSV in UTF-8.")
        ) from None


def read_rows(raw: bytes, columns: list[str], required: list[str]) -> list[tuple[int, dict]]:
    """``[(line number, {column: value})]``, or :class:`ImportFileError` for a wrong file."""
    text = decode(raw)
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    first_line = text.splitlines()[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    try:
        lines = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error:
        raise ImportFileError(
            _(
                "The file cannot be read as CSV: probably a quotation mark is not closed. "
                "Check the cells that start with a quotation mark."
            )
        ) from None
    reader = iter(lines)
    header = [name.strip().lower() for name in next(reader)]
    unknown = [name for name in header if name not in columns]
    missing = [name for name in required if name not in header]
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if unknown or missing or duplicated:
        problems = []
        if missing:
            problems.append(_("missing columns: %(names)s") % {"names": ", ".join(missing)})
        if unknown:
            problems.append(_("unknown columns: %(names)s") % {"names": ", ".join(unknown)})
        if duplicated:
            problems.append(_("repeated columns: %(names)s") % {"names": ", ".join(duplicated)})
        raise ImportFileError(
            _("The columns do not match (%(problems)s). Expected: %(expected)s.")
            % {"problems": "; ".join(problems), "expected": ", ".join(columns)}
        )
    rows = []
    for number, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        if len(values) > len(header):
            rows.append((number, {"__error__": _("more values than columns")}))
            continue
        cells = (unprotect(value.strip()) for value in values)
        rows.append((number, dict(zip(header, cells, strict=False))))
    if not rows:
        raise ImportFileError(_("The file has a header but no rows."))
    return rows
