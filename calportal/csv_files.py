"""CSV files as Polish offices exchange them: written for Excel (UTF-8 with a byte-order mark,
semicolons, formula-looking text neutralised), read from UTF-8, UTF-16 ("Unicode text"),
Windows-1250 or ISO-8859-2 with semicolons, commas or tabs. Shared by every import and export in
the portal."""

import codecs
import csv
import datetime
import io
import unicodedata
from collections.abc import Iterator

import charset_normalizer
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

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


class _Echo:
    """A file whose ``write`` returns what it is given (a csv writer's line, as text)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows) -> Iterator[str]:
    """A CSV file for Excel, line by line: BOM, semicolons, CRLF, booleans as tak/nie.
    ``rows`` (any iterable of sequences) is read as the lines are, never held whole."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow([_cell(value) for value in row])


def csv_text(header: list[str], rows) -> str:
    """A whole CSV file for Excel (:func:`csv_lines` joined)."""
    return "".join(csv_lines(header, rows))


def _download_headers(response, filename: str):
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


def csv_response(body: str, filename: str) -> HttpResponse:
    """A CSV download of ``body`` (from :func:`csv_text`, so with its byte-order mark).

    The file name may hold Polish letters: the header carries an ASCII ``filename`` and the
    exact ``filename*`` (RFC 6266/5987). Never cached: exports hold personal data.
    """
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    return _download_headers(response, filename)


def csv_stream_response(header: list[str], rows, filename: str) -> StreamingHttpResponse:
    """A CSV download written as it is sent (:func:`csv_lines`): a list of any length costs
    the server one chunk of rows at a time (pass a ``QuerySet.iterator()``). Headers as
    :func:`csv_response`."""
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in csv_lines(header, rows)),
        content_type="text/csv; charset=utf-8",
    )
    return _download_headers(response, filename)


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
    """A date as the portal shows it in either language (``02.12.2026``, ``2 Dec 2026``), ISO
    ``2026-12-02``, or Polish ``DD-MM-YYYY`` / ``DD/MM/YYYY`` → ISO; anything else is returned
    for a form to judge."""
    from calportal.dates import parse_date as parse_displayed

    day = parse_displayed(value)
    if day is not None:
        return day.isoformat()
    for pattern in ("%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value.strip(), pattern).date().isoformat()
        except ValueError:
            continue
    return value


# Encodings a Polish office's CSV file comes in besides UTF-8 (with or without a byte-order mark)
# and UTF-16 with one (what spreadsheets save as "Unicode text").
LEGACY_ENCODINGS = ("cp1250", "iso8859_2")
POLISH_LETTERS = frozenset("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
# What the wrong one of Windows-1250 and ISO-8859-2 makes of the other's Polish letters and
# punctuation ("¦wietlica ±¶ Ľródło", "šwiat", "Ťcytat»"): characters a Polish file does not hold.
MOJIBAKE = frozenset("¦±¶¬ˇĽľŠšŤťŽž")
SAVE_AS_UTF8 = _lazy("In the spreadsheet choose “Save as” → “CSV UTF-8” and import that file.")


def decode(raw: bytes) -> str:
    """The text of an uploaded CSV file, NFC-normalised.

    Reads UTF-8 (with or without a byte-order mark), UTF-16 LE or BE with a byte-order mark,
    Windows-1250 and ISO-8859-2. The last two differ only in a few letters (ą ś ź Ą Ś Ź and
    punctuation) and a detector cannot tell them apart in a short file, so such a file is taken
    only when it reads as plausible Polish text (:func:`reads_as_polish`) in exactly one way.
    Anything else is refused — charset-normalizer tells a binary file (a workbook) from text in
    an unknown encoding for the message. Raises :class:`ImportFileError` with a translated
    message rather than ever returning garbled text.
    """
    if raw.startswith(codecs.BOM_UTF8):
        text = _strict(raw, "utf-8-sig")
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _strict(raw, "utf-16")
    elif b"\x00" in raw:
        raise ImportFileError(
            _("The file is not plain text (UTF-16 without a byte-order mark or a workbook).")
            + " "
            + str(SAVE_AS_UTF8)
        )
    else:
        text = _strict(raw, "utf-8")
        if text is None:
            text = _legacy(raw)
    if text is None or "\x00" in text:
        if charset_normalizer.is_binary(raw):
            raise ImportFileError(
                _("The file is a spreadsheet workbook or another binary file, not CSV.")
                + " "
                + str(SAVE_AS_UTF8)
            )
        raise ImportFileError(
            _(
                "The file's character encoding cannot be recognised with certainty, so nothing "
                "was imported: Polish letters could come out garbled."
            )
            + " "
            + str(SAVE_AS_UTF8)
        )
    return unicodedata.normalize("NFC", text)


def _strict(raw: bytes, encoding: str) -> str | None:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        return None


def _legacy(raw: bytes) -> str | None:
    """The one plausible reading of a Windows-1250 or ISO-8859-2 file, or None.

    Two plausible readings are always the same text: every byte on which the two encodings
    differ gives one of them a :data:`MOJIBAKE` or control character.
    """
    readings = {
        text
        for encoding in LEGACY_ENCODINGS
        if (text := _strict(raw, encoding)) is not None and reads_as_polish(text)
    }
    return readings.pop() if len(readings) == 1 else None


def reads_as_polish(text: str) -> bool:
    """Whether a single-byte reading of a file is plausible Polish text.

    True when it has no control characters (besides tab and line ends), none of
    :data:`MOJIBAKE` (``¦wietlica``), and, if it has letters beyond ASCII, at least one Polish
    letter inside a word (``Müller`` alone may be Latin-1, where ``ñ`` would read as ``ń``).
    ASCII-only text is UTF-8 and never gets here.
    """
    has_polish_word = has_other_letters = False
    for index, char in enumerate(text):
        if char in MOJIBAKE:
            return False
        category = unicodedata.category(char)
        if category == "Cc" and char not in "\t\r\n":
            return False
        if char in POLISH_LETTERS:
            if not has_polish_word:
                neighbours = text[max(index - 1, 0) : index] + text[index + 1 : index + 2]
                has_polish_word = any(neighbour.isalpha() for neighbour in neighbours)
        elif ord(char) > 127 and char.isalpha():
            has_other_letters = True
    return has_polish_word or not has_other_letters


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
