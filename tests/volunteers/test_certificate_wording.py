"""The certificate speaks of the volunteer in their grammatical gender, or neutrally.

The Polish sentences come from the PO fragment of this change: they pass once it is merged
into ``locale/pl`` and compiled."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from tests.volunteers.conftest import make_entry, today
from volunteers import services
from volunteers.documents import certificate as build_certificate
from volunteers.models import GrammaticalGender, Volunteer


def _certificate_text(volunteer, staff) -> str:
    make_entry(volunteer, days_ago=5, quarters=12, status="approved", decided_by=staff)
    certificate = services.certificate_issue(
        volunteer=volunteer,
        period_from=today() - datetime.timedelta(days=30),
        period_to=today(),
        user=staff,
        language="pl",
    )
    build = build_certificate({"certificate_id": certificate.pk})
    with translation.override("pl"):
        return " ".join(render_to_string(build.template, build.context).split())


@pytest.mark.parametrize(
    ("gender", "wanted", "unwanted"),
    [
        (GrammaticalGender.FEMININE, ["wykonywała", "jako wolontariuszka"], ["(a)"]),
        (GrammaticalGender.MASCULINE, ["wykonywał świadczenia jako wolontariusz "], ["(a)"]),
        (
            GrammaticalGender.NOT_GIVEN,
            ["wykonywała osoba"],
            ["(a)", "wykonywał ", "wolontariuszka"],
        ),
    ],
)
def test_the_certificate_uses_the_volunteers_grammatical_gender(
    staff, volunteer_a, gender, wanted, unwanted
):
    Volunteer.objects.filter(pk=volunteer_a.pk).update(grammatical_gender=gender)
    volunteer_a.refresh_from_db()

    text = _certificate_text(volunteer_a, staff)

    for words in wanted:
        assert words in text
    for words in unwanted:
        assert words not in text


def test_the_gender_is_optional_on_the_volunteer_form(login, partner_a, volunteer_a):
    with translation.override("en"):
        page = login(partner_a).get(reverse("volunteers:volunteer_edit", args=[volunteer_a.pk]))

    field = page.context["form"].fields["grammatical_gender"]
    assert not field.required
    assert [value for value, _label in field.choices] == ["", "feminine", "masculine"]
