"""The staff need form marks a closed volunteering opportunity, in words the catalogue has."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

from resources_map.forms import NeedForm
from volunteers.models import Opportunity

FORMS = Path(__file__).resolve().parents[2] / "resources_map" / "forms.py"


def test_the_need_form_marks_a_closed_opportunity(db, organisation_a):
    Opportunity.objects.create(organisation=organisation_a, title="Odwiedziny")
    Opportunity.objects.create(organisation=organisation_a, title="Zbiórka", is_open=False)

    with translation.override("en"):
        labels = [label for _value, label in NeedForm().fields["opportunities"].choices]

    assert labels == [
        f"Odwiedziny — {organisation_a}",
        f"Zbiórka — {organisation_a} (closed)",
    ]


@pytest.mark.skipif(not shutil.which("xgettext"), reason="gettext is not installed")
def test_makemessages_finds_the_word_closed_for_an_opportunity():
    """Called inside an f-string, pgettext is invisible to xgettext and the label stays
    English in Polish."""
    extracted = subprocess.run(
        [
            "xgettext",
            "--language=Python",
            "--from-code=UTF-8",
            "--keyword=pgettext:1c,2",
            "--output=-",
            str(FORMS),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert 'msgctxt "volunteering opportunity"\nmsgid "closed"' in extracted
