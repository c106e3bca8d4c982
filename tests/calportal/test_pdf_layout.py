"""Every PDF keeps its tables and text on the A4 page whatever the text: an 82-character
surname without a break point used to push the attendance sheet's "Companions" and "Signature"
columns off the page. Each document is rendered with the longest values its fields take (no
spaces to break at), and ``pdftotext -bbox`` must find every word inside the page's printable
width and every column header on the page.

The PDFs and a PNG of each first page land in ``test-artifacts/pdf-layout/`` to be looked at.
"""

import datetime
import re
import shutil
import subprocess
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest
import time_machine
from django.db import models

from calportal.documents.registry import get_builder
from calportal.pdf import render_pdf
from tests.conftest import require

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pdf-layout"
MM = 72 / 25.4
A4_MARGIN = 16 * MM  # left and right page margins of static/css/print.css
SHEET_MARGIN = 12 * MM  # the A4 sheet of pass cards
TOLERANCE = 1.0  # points
WORD = re.compile(
    r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>'
)


def unbroken(field: models.Field, seed: str = "Wąsowicz-Żółkiewska") -> str:
    """The longest text ``field`` takes, with no space to break a line at."""
    text = (seed.replace(" ", "") * 60)[: field.max_length]
    return text


def surname_82() -> str:
    return ("Konstantynopolitańczykowianeczkówna" * 3)[:82]


@dataclass
class Word:
    page: int
    text: str
    x_min: float
    x_max: float
    y_min: float
    y_max: float


@dataclass
class Page:
    width: float
    height: float


def layout(pdf: bytes, name: str) -> tuple[list[Page], list[Word]]:
    """The pages and words of a PDF; also saved with a PNG of its first page."""
    require(bool(shutil.which("pdftotext")), "pdftotext (poppler-utils) is not installed")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-singlefile", str(path), str(ARTIFACTS / name)],
        check=True,
    )
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages, words = [], []
    for number, page in enumerate(re.findall(r"<page (.*?)</page>", html, re.S), start=1):
        width, height = (
            float(v) for v in re.search(r'width="([\d.]+)" height="([\d.]+)"', page).groups()
        )
        pages.append(Page(width, height))
        for x_min, y_min, x_max, y_max, text in re.findall(WORD, page):
            words.append(
                Word(number, unescape(text), float(x_min), float(x_max), float(y_min), float(y_max))
            )
    return pages, words


def assert_inside(pages: list[Page], words: list[Word], *, margin: float) -> None:
    """No word outside the printable width (or off the page)."""
    assert words
    outside = [
        word
        for word in words
        if word.x_min < margin - TOLERANCE
        or word.x_max > pages[word.page - 1].width - margin + TOLERANCE
        or word.y_min < -TOLERANCE
        or word.y_max > pages[word.page - 1].height + TOLERANCE
    ]
    assert not outside, outside[:5]


def render(
    kind: str, params: dict, name: str, language: str = "en"
) -> tuple[list[Page], list[Word]]:
    """The document in ``language`` (English by default: its column headers are asserted)."""
    build = get_builder(kind).build(params)
    return layout(render_pdf(build.template, build.context, language=language), name)


def first_page_words(words: list[Word]) -> set[str]:
    return {word.text for word in words if word.page == 1}


@pytest.fixture(autouse=True)
def frozen_day():
    with time_machine.travel(datetime.datetime(2026, 3, 18, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


# --- Attendance sheet ---------------------------------------------------------------------------


def test_the_attendance_sheet_keeps_its_columns_on_the_page(db):
    from calportal.organisations.models import Organisation
    from initiatives import services
    from initiatives.models import Event, Funding, FundingSource, Initiative, Participant
    from tests.factories import EventFactory

    event = EventFactory(
        title=unbroken(Event._meta.get_field("title")),
        place_name=unbroken(Event._meta.get_field("place_name"), "Świetlica"),
        address=unbroken(Event._meta.get_field("address"), "ul.Mickiewicza"),
        initiative__title=unbroken(Initiative._meta.get_field("title"), "Akademia"),
        initiative__lead_organisation__name=unbroken(
            Organisation._meta.get_field("name"), "Towarzystwo"
        ),
        capacity=200,
        max_companions=2,
        starts_at=datetime.datetime(2026, 3, 25, 16, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 3, 25, 18, 0, tzinfo=datetime.UTC),
    )
    for source in FundingSource.values:  # every funding line in the page header
        Funding.objects.create(initiative=event.initiative, source=source, amount=1000)
    longest = Participant._meta.get_field("last_name")
    surnames = [surname_82(), unbroken(longest)] + [f"Nowak{n}" for n in range(40)]
    for n, surname in enumerate(surnames):
        services.registration_create(
            event_id=event.pk,
            person=services.PersonData(
                first_name=unbroken(Participant._meta.get_field("first_name"), "Grażyna")
                if n < 2
                else "Anna",
                last_name=surname,
                email=f"{'bardzo.dlugi.adres' * 4}{n}@example.org",
            ),
            companions=2 if n % 3 == 0 else 0,
        )

    pages, words = render("initiatives.attendance_sheet", {"event_id": event.pk}, "attendance")

    assert_inside(pages, words, margin=A4_MARGIN)
    # The page header (funding lines, organiser) stays above the content, however long.
    organiser = [w for w in words if w.page == 1 and w.text.startswith("Towarzystwo")]
    first_fact = next(word for word in words if word.text == "Initiative")
    assert organiser
    assert max(word.y_max for word in organiser) <= first_fact.y_min
    headers = first_page_words(words)
    assert {"No.", "Companions", "Signature"} <= headers
    assert len(pages) >= 2
    # Polish headers are longer ("Osoby towarzyszące"): on the page as well.
    assert_inside(
        *render("initiatives.attendance_sheet", {"event_id": event.pk}, "attendance-pl", "pl"),
        margin=A4_MARGIN,
    )


# --- Pass cards ---------------------------------------------------------------------------------


@pytest.fixture
def long_passes(staff):
    from initiatives.models import Participant
    from initiatives.passes import services
    from tests.passes.conftest import senior

    first = Participant._meta.get_field("first_name")
    names = [unbroken(first, "Maksymilianna"), "Konstantynopolitańczykowianeczka", "Halina"]
    return [
        services.pass_issue(person=senior(n, first_name=name), issued_by=staff)
        for n, name in enumerate(names * 4)
    ]


@pytest.mark.parametrize("sheet", [True, False], ids=["a4-sheet", "cards"])
def test_pass_cards_keep_long_names_inside_the_card(long_passes, sheet):
    params = {"pass_ids": [p.pk for p in long_passes], "layout": "sheet" if sheet else "card"}

    pages, words = render("passes.cards", params, "pass-" + ("sheet" if sheet else "card"))

    if sheet:
        assert_inside(pages, words, margin=SHEET_MARGIN)
    else:
        assert_inside(pages, words, margin=0)
        assert len(pages) == len(long_passes)
    assert all(p.number in {word.text for word in words} for p in long_passes)


# --- Diagnosis ----------------------------------------------------------------------------------


def test_the_diagnosis_keeps_its_tables_on_the_page(db):
    from calportal.organisations.models import Organisation
    from resources_map.models import Area, AreaKind, Diagnosis, Need, Resource
    from tests.factories import InitiativeFactory, OrganisationFactory
    from tests.resources_map.conftest import make_need, make_resource

    diagnosis = Diagnosis.current()
    diagnosis.title = unbroken(Diagnosis._meta.get_field("title"), "Mapazasobów")
    diagnosis.community = "Opis " + "Społeczność" * 40
    diagnosis.conclusions = "Wnioski" * 60
    diagnosis.action_plan = "https://example.org/" + "plan-działania/" * 30
    diagnosis.save()
    area = Area.objects.create(
        name=unbroken(Area._meta.get_field("name"), "Jeziorany"),
        kind=AreaKind.VILLAGE,
        population_total=12345678,
    )
    organisation = OrganisationFactory(
        name=unbroken(Organisation._meta.get_field("name"), "Stowarzyszenie")
    )
    resources = [
        make_resource(
            name=unbroken(Resource._meta.get_field("name"), "Świetlica"),
            area=area,
            organisation=organisation,
            contact_phone="+48600100200",
        )
        for _ in range(3)
    ]
    need = make_need(
        [area],
        title=unbroken(Need._meta.get_field("title"), "Osamotnienie"),
        description="Opis" * 200,
    )
    need.resources.set(resources)
    initiative = InitiativeFactory(
        title=unbroken(
            type(InitiativeFactory._meta.model)._meta.get_field("title")
            if False
            else InitiativeFactory._meta.model._meta.get_field("title"),
            "Inicjatywa",
        )
    )
    need.initiatives.add(initiative)

    pages, words = render("resources_map.diagnosis", {}, "diagnosis")

    assert_inside(pages, words, margin=A4_MARGIN)
    assert {"Area", "Residents", "Open", "needs", "Conditions", "Answered"} <= {
        w.text for w in words
    }


def cell_words(*texts: str) -> set[str]:
    """The words of ``texts`` as a PDF prints them in table cells, without the punctuation the
    templates put between items; a compound breaks after its hyphen ("Non-" "governmental")."""
    return {
        part.strip(",;:*")
        for text in texts
        for word in str(text).split()
        for part in word.split("-")
    } - {"", "–"}


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_demo_diagnosis_breaks_no_ordinary_word(db, settings, language):
    """What answers a need sits in a narrow column: its list used to be indented so far that
    "Amatorski" printed as "Amators" + "ki" and "samopomocowa" as "samopo" + "mocowa". Every
    word in the cells of the demo map's area, resource and need tables prints whole: lines break
    between words, and only a word wider than its column may be split."""
    from io import StringIO

    from django.core.management import call_command
    from django.template.defaultfilters import truncatewords
    from django.utils import translation

    from resources_map import selectors
    from resources_map.models import Area, Need, Resource

    settings.DEBUG = True
    call_command("load_demo_data", stdout=StringIO())
    expected = set()
    with translation.override(language):
        for need in selectors.needs_for_list(Need.objects.all()).prefetch_related("resources"):
            expected |= cell_words(
                need.title,
                truncatewords(need.description, 40).removesuffix("…"),
                need.get_severity_display(),
                need.get_status_display(),
                need.get_found_by_display(),
                *(area.name for area in need.areas.all()),
                *(initiative.title for initiative in need.initiatives.all()),
                *(group.name for group in need.answering_groups),
                *(opportunity.title for opportunity in need.answering_opportunities),
                *(resource.name for resource in need.resources.all()),
            )
        for area in Area.objects.all():
            expected |= cell_words(area.name, area.get_kind_display())
        for resource in selectors.resources_for_list(Resource.objects.all()):
            expected |= cell_words(
                resource.name,
                resource.get_kind_display(),
                resource.area.name if resource.area else "",
                resource.organisation.name if resource.organisation else "",
                resource.get_conditions_display(),
            )
    assert {"Amatorski", "Uczynków", "samopomocowa"} <= expected

    pages, words = render("resources_map.diagnosis", {}, f"diagnosis-demo-{language}", language)

    assert_inside(pages, words, margin=A4_MARGIN)
    split = expected - cell_words(*(word.text for word in words))
    assert not split
    assert "Amatorski Klub Literacki" in " ".join(word.text for word in words)


# --- Self-help report ---------------------------------------------------------------------------


def test_the_self_help_report_keeps_its_tables_on_the_page(roles):
    from calportal.accounts.roles import Role
    from selfhelp.models import Group
    from tests.factories import UserFactory
    from tests.selfhelp.conftest import make_group, make_member

    facilitator = UserFactory(role=Role.GROUP_FACILITATOR)
    for n in range(3):
        group = make_group(
            facilitator,
            name=unbroken(Group._meta.get_field("name"), f"Grupawsparcia{n}"),
            slug=f"grupa-{n}",
        )
        make_member(group, name=f"Halina{n}")

    # R10 per group (the coordinator's variant), as the figures page's PDF asks for it.
    params = {"timeframe": "year_to_date", "scope": {}, "variant": "internal", "language": "en"}
    pages, words = render("selfhelp.report", params, "selfhelp-report")

    assert_inside(pages, words, margin=A4_MARGIN)
    assert {"Group", "Members", "Meetings", "Joined", "Left"} <= {w.text for w in words}


# --- Volunteer certificate ----------------------------------------------------------------------


def test_the_volunteer_certificate_keeps_its_text_on_the_page(db):
    from calportal.organisations.models import Organisation
    from tests.factories import OrganisationFactory
    from tests.volunteers.conftest import make_volunteer
    from volunteers.models import Certificate, Volunteer

    organisation = OrganisationFactory(
        name=unbroken(Organisation._meta.get_field("name"), "Towarzystwo"),
        street=unbroken(Organisation._meta.get_field("street"), "ul.Mickiewicza"),
    )
    volunteer = make_volunteer(
        organisation,
        1,
        first_name=unbroken(Volunteer._meta.get_field("first_name"), "Bożydar"),
        last_name=surname_82(),
    )
    certificate = Certificate.objects.create(
        number="CAL/2026/" + "9" * 21,
        year=2026,
        sequence=1,
        volunteer=volunteer,
        period_from=datetime.date(2026, 1, 1),
        period_to=datetime.date(2026, 3, 1),
        total_quarters=40,
        kinds=[{"label": "Pomocprzypikniku" * 20, "quarters": 20}] * 5,
    )

    pages, words = render(
        "volunteers.certificate", {"certificate_id": certificate.pk}, "certificate"
    )

    assert_inside(pages, words, margin=A4_MARGIN)
    assert {"Work", "Hours"} <= {w.text for w in words}
