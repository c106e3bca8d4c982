"""Uploaded files are capped as they arrive: a huge file never reaches the disk whole, and the
form says plainly that it is too large."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from calportal.forms import ImportForm
from resources_map.models import Resource

CHUNK = 64 * 1024  # Django's upload chunk size


@pytest.mark.parametrize("extra", [1, 3 * 1024 * 1024])
def test_a_file_over_the_limit_is_refused_and_only_its_start_is_kept(login, staff, extra):
    header = b"name;class;kind\r\n"
    row = b"Swietlica;material;room\r\n"
    size = settings.MAX_UPLOAD_SIZE + extra
    raw = header + row * ((size - len(header)) // len(row) + 1)

    with translation.override("en"):
        response = login(staff).post(
            reverse("resources_map:import", kwargs={"what": "resources"}),
            {"file": SimpleUploadedFile("duzy.csv", raw, content_type="text/csv")},
        )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["file"] == ["The file is larger than 5.0\xa0MB."]
    assert settings.MAX_UPLOAD_SIZE < form.files["file"].size <= settings.MAX_UPLOAD_SIZE + CHUNK
    assert not Resource.objects.exists()


def test_a_file_of_exactly_the_limit_passes_the_form():
    raw = b"x" * settings.MAX_UPLOAD_SIZE

    form = ImportForm(files={"file": SimpleUploadedFile("dane.csv", raw)})

    assert form.is_valid(), form.errors
