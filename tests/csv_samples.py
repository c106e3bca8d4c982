"""The same Polish CSV file as Polish offices' spreadsheets save it, byte for byte.

Shared by the import tests of the map and of volunteer hours: each file must import to the same
text, and the undecidable ones must be refused without storing anything.
"""

import codecs
import random

# Every Polish letter, small and capital, and the issue's own example. Only characters that
# all six encodings below can hold (ISO-8859-2 has no typographic quotes or dashes).
SWIETLICA = "Świetlica ąś źródło"
ALL_LETTERS = "Zażółć gęślą jaźń - ĄĆĘŁŃÓŚŹŻ ąćęłńóśźż"
ADDRESS = "ul. Łąkowa 5, Śrem"


def encoded(text: str, encoding: str) -> bytes:
    """``text`` (written with semicolons) as a file saved in ``encoding``.

    ``utf-16-le`` and ``utf-16-be`` are saved as spreadsheets save "Unicode text": with a
    byte-order mark and tab-separated.
    """
    if encoding.startswith("utf-16"):
        bom = codecs.BOM_UTF16_LE if encoding == "utf-16-le" else codecs.BOM_UTF16_BE
        return bom + text.replace(";", "\t").encode(encoding)
    return text.encode(encoding)


# pytest ids → codec names
ENCODINGS = {
    "utf-8": "utf-8",
    "utf-8-bom": "utf-8-sig",
    "utf-16-le-bom": "utf-16-le",
    "utf-16-be-bom": "utf-16-be",
    "windows-1250": "cp1250",
    "iso-8859-2": "iso8859_2",
}


def undecidable_files(header: str) -> dict[str, bytes]:
    """Files no reading of which is certainly right: each must be refused."""
    noise = random.Random(20261130)
    return {
        # Latin-1, not a Polish encoding: both Polish readings agree, but neither is Polish.
        "latin-1-german": f"{header}\r\nMüller;Straße in Köln;Größe\r\n".encode("latin-1"),
        "random-high-bytes": header.encode()
        + b"\r\n"
        + bytes(noise.randrange(0x80, 0x100) for _ in range(300)),
        # UTF-16 without the byte-order mark: which byte comes first is a guess.
        "utf-16-without-bom": f"{header}\r\n{SWIETLICA}\r\n".encode("utf-16-le"),
    }
