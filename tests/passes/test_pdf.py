"""The printable pass: card-sized PDF with a QR code that opens the check."""

import shutil
import subprocess

import pytest
from django.urls import reverse
from PIL import Image

from calportal.documents.models import Document
from tests.conftest import require


def test_the_card_pdf_is_card_sized_and_its_qr_opens_the_check(
    login, staff, venue_user_a, a_pass, django_capture_on_commit_callbacks, tmp_path, settings
):
    import zxingcpp

    require(bool(shutil.which("pdftoppm")), "poppler-utils is not installed")
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    client = login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("passes:pass_print", args=[a_pass.pk]), {"layout": "card"})

    document = Document.objects.get()
    pdf = b"".join(client.get(reverse("documents:download", args=[document.pk])).streaming_content)
    (tmp_path / "card.pdf").write_bytes(pdf)
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "card.pdf")], capture_output=True, text=True
    ).stdout
    assert "Page size:       242.646 x 153.071 pts" in info  # 85.6 × 54 mm
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "card.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert a_pass.number in text
    assert "Halina Ż." in text
    assert "Żurawska" not in text
    subprocess.run(
        ["pdftoppm", "-r", "300", "-png", str(tmp_path / "card.pdf"), str(tmp_path / "page")],
        check=True,
    )
    codes = zxingcpp.read_barcodes(Image.open(next(tmp_path.glob("page*.png"))))
    link = codes[0].text
    path = link.split("://", 1)[1].split("/", 1)[1]

    response = login(venue_user_a).get("/" + path)
    assert response.context["check"].valid
    assert response.context["check"].first_name == "Halina"


def test_an_a4_sheet_holds_several_passes_without_page_numbers_on_cards(
    login, staff, programme, django_capture_on_commit_callbacks, tmp_path, settings
):
    from initiatives.passes import services
    from tests.passes.conftest import senior

    require(bool(shutil.which("pdftotext")), "poppler-utils is not installed")
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    passes = [services.pass_issue(person=senior(n), issued_by=staff) for n in range(12)]
    client = login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("passes:pass_print_sheet"), {"pass": [p.pk for p in passes]})

    document = Document.objects.get()
    pdf = b"".join(client.get(reverse("documents:download", args=[document.pk])).streaming_content)
    (tmp_path / "sheet.pdf").write_bytes(pdf)
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "sheet.pdf")], capture_output=True, text=True
    ).stdout
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "sheet.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert "595.276 x 841.89 pts (A4)" in info
    assert "Pages:           2" in info  # ten cards a page
    assert all(p.number in text for p in passes)


def test_a_single_card_has_no_page_number(
    login, staff, a_pass, django_capture_on_commit_callbacks, tmp_path, settings
):
    require(bool(shutil.which("pdftotext")), "poppler-utils is not installed")
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    client = login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("passes:pass_print", args=[a_pass.pk]), {"layout": "card"})
    pdf = b"".join(
        client.get(
            reverse("documents:download", args=[Document.objects.get().pk])
        ).streaming_content
    )
    (tmp_path / "card.pdf").write_bytes(pdf)

    text = subprocess.run(
        ["pdftotext", str(tmp_path / "card.pdf"), "-"], capture_output=True, text=True
    ).stdout

    assert a_pass.number in text
    assert "Strona" not in text and "Page" not in text


@pytest.mark.parametrize(("count", "pages"), [(10, 1), (11, 2), (20, 2), (21, 3)])
def test_an_a4_sheet_holds_ten_cards_of_payment_card_size(staff, programme, tmp_path, count, pages):
    """2 × 5 cards of 85.6 × 54 mm fill A4 inside 12 mm margins, as README.md says."""
    from calportal.documents.registry import get_builder
    from calportal.pdf import render_pdf
    from initiatives.passes import services
    from initiatives.passes.documents import CARDS_PER_SHEET
    from tests.passes.conftest import senior

    require(bool(shutil.which("pdfinfo")), "poppler-utils is not installed")
    passes = [services.pass_issue(person=senior(n), issued_by=staff) for n in range(count)]
    build = get_builder("passes.cards").build(
        {"pass_ids": [p.pk for p in passes], "layout": "sheet"}
    )
    (tmp_path / "sheet.pdf").write_bytes(render_pdf(build.template, build.context))

    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "sheet.pdf")], capture_output=True, text=True
    ).stdout
    assert CARDS_PER_SHEET == 10
    assert f"Pages:           {pages}\n" in info
    assert "595.276 x 841.89 pts (A4)" in info
