"""The map's CSV import reads the encodings Polish spreadsheets save in and never stores
garbled text: "Świetlica ąś źródło" saved as ISO-8859-2 used to come in as "¦wietlica ±¶ Ľródło"."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from calportal.csv_files import ImportFileError, decode, reads_as_polish
from resources_map.models import Area, AreaKind, Resource
from tests.csv_samples import ADDRESS, ALL_LETTERS, ENCODINGS, SWIETLICA, encoded, undecidable_files

HEADER = "name;class;kind;area;address;description;topic;conditions"
FILE = (
    f"{HEADER}\r\n"
    f"{SWIETLICA};material;room;Żółkowo;{ADDRESS};{ALL_LETTERS};other;free\r\n"
    f"Koło Gospodyń Łęg;human;skill;;;Pączki, gołąbki i żurek;other;free\r\n"
)


@pytest.fixture
def client_staff(login, staff):
    return login(staff)


def upload(client, raw: bytes):
    return client.post(
        reverse("resources_map:import", kwargs={"what": "resources"}),
        {"file": SimpleUploadedFile("zasoby.csv", raw, content_type="text/csv")},
    )


@pytest.mark.parametrize("encoding", ENCODINGS.values(), ids=ENCODINGS.keys())
def test_the_same_polish_file_imports_identically_in_every_encoding(client_staff, encoding):
    area = Area.objects.create(name="Żółkowo", kind=AreaKind.VILLAGE)

    response = upload(client_staff, encoded(FILE, encoding))

    assert response.status_code == 302, response.context["result"].errors
    swietlica = Resource.objects.get(area=area)
    assert (swietlica.name, swietlica.address, swietlica.description) == (
        SWIETLICA,
        ADDRESS,
        ALL_LETTERS,
    )
    assert Resource.objects.exclude(pk=swietlica.pk).get().name == "Koło Gospodyń Łęg"


def test_the_issues_iso_8859_2_file_is_not_read_as_windows_1250(client_staff):
    Area.objects.create(name="Żółkowo", kind=AreaKind.VILLAGE)

    upload(client_staff, FILE.encode("iso8859_2"))

    assert not Resource.objects.filter(name="¦wietlica ±¶ Ľródło").exists()
    assert Resource.objects.filter(name=SWIETLICA).exists()


@pytest.mark.parametrize("kind", undecidable_files(HEADER).keys())
def test_an_undecidable_file_is_refused_with_a_message_and_nothing_is_stored(client_staff, kind):
    with translation.override("en"):
        response = upload(client_staff, undecidable_files(HEADER)[kind])

    assert response.status_code == 200
    errors = response.context["result"].errors
    assert len(errors) == 1
    assert "CSV UTF-8" in errors[0]
    assert not Resource.objects.exists()


def test_an_ascii_only_file_imports(client_staff):
    response = upload(client_staff, b"name;class;kind\r\nSwietlica;material;room\r\n")

    assert response.status_code == 302
    assert Resource.objects.get().name == "Swietlica"


SHORT_TEXTS = [
    "Świetlica ąś źródło",
    "Zażółć gęślą jaźń",
    "ĄĆĘŁŃÓŚŹŻ;ąćęłńóśźż",
    "Źródło;Ścieżka;Ąka",
    "Żółw;©2026",  # letters the two encodings share, and a symbol only Windows-1250 has
    "Sala ogrzewana do 20°C, kuchnia",
]


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (text, encoding)
        for encoding in ("cp1250", "iso8859_2")
        for text in SHORT_TEXTS
        if text.encode(encoding, errors="replace").decode(encoding) == text
    ],
)
def test_short_polish_texts_in_either_single_byte_encoding_are_told_apart(text, encoding):
    assert decode(text.encode(encoding)) == text


def test_a_windows_1250_text_is_never_read_as_iso_8859_2_nor_the_reverse():
    for text in ("świat", "Ślęza", "źle", "Ąb"):
        assert decode(text.encode("cp1250")) == text
        assert decode(text.encode("iso8859_2")) == text


def test_decomposed_letters_are_stored_composed():
    assert decode("S\u0301wietlica".encode()) == "Świetlica"


def test_a_workbook_is_refused_as_not_csv():
    with pytest.raises(ImportFileError):
        decode(b"PK\x03\x04" + bytes(range(256)) * 4)


def test_every_byte_the_two_polish_encodings_read_differently_makes_one_reading_implausible():
    """So a file never reads as plausible Polish in two different ways."""
    for byte in range(0x80, 0x100):
        readings = []
        for encoding in ("cp1250", "iso8859_2"):
            try:
                readings.append(bytes([byte]).decode(encoding))
            except UnicodeDecodeError:
                readings.append(None)
        if readings[0] != readings[1]:
            assert any(char is None or not reads_as_polish(f"ż{char}ż") for char in readings), hex(
                byte
            )
