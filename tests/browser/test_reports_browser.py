"""OPS staff prepare R1 for last year from the menu, watch the run page update by itself, and
download the PDF and the XLSX, whose key figures agree with each other and with the data.

Celery runs in this process, but the live server's jobs are held back (``held_jobs``) and run
by the test step by step, so the page is seen waiting, computing the figures and preparing the
files — each change arriving through the page's own polling, never a reload by hand."""

import datetime
import io
import re
import subprocess
import tempfile
import zoneinfo
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from calportal.health.models import WorkerHeartbeat
from calportal.reports.models import ReportRun, RunStatus
from initiatives.models import Registration
from tests.browser.conftest import ARTIFACTS
from tests.factories import PASSWORD, EventFactory, InitiativeFactory, ParticipantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
# Where the run page's screenshot is kept for a person to look at (also in test-artifacts/).
SCREENS = Path(tempfile.gettempdir()) / "screens"


def log_in(page, base, email):
    page.goto(base + "/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()


@pytest.fixture
def held_jobs(monkeypatch):
    """Jobs published by the live server are kept here instead of running at once; ``run()``
    runs those held so far (and returns how many)."""
    from calportal import queue

    held = []

    def hold(task, *args, **kwargs):
        held.append((task, args, kwargs))
        return True

    def run() -> int:
        jobs = list(held)
        held.clear()
        for task, args, kwargs in jobs:
            task.apply(args=args, kwargs=kwargs, throw=True)
        return len(jobs)

    monkeypatch.setattr(queue, "enqueue", hold)
    # A worker is running (it has just run its heartbeat), it only has not got to the jobs.
    WorkerHeartbeat.objects.create(worker="celery@test", seen_at=timezone.now())
    hold.run = run
    return hold


def _event(year: int, month: int, day: int):
    starts = datetime.datetime(year, month, day, 17, 0, tzinfo=WARSAW)
    return EventFactory(
        initiative=InitiativeFactory(title=f"Spotkania {year}-{month:02d}"),
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )


@pytest.fixture
def last_years_data():
    """Three events last year: Alicja at all three, Barbara at two, Celina and Dariusz at one
    each (PE1 = 4, AT1 = 3 + 2 + 1 + 1 = 7); an absent and a waiting registration that do not
    count; one attendance two years ago (the comparison: PE1 = 1, AT1 = 1) and one this year
    (in no period of the report)."""
    last = timezone.localdate().year - 1  # "last year" as the form reads it: in Warsaw
    spring, summer, autumn = _event(last, 3, 12), _event(last, 6, 4), _event(last, 10, 8)
    before, now = _event(last - 1, 5, 20), _event(last + 1, 2, 3)
    people = {
        name: ParticipantFactory(first_name=name, birth_year=born, gender=gender)
        for name, born, gender in [
            ("Alicja", 1950, "woman"),
            ("Barbara", 1947, "woman"),
            ("Celina", 1961, "woman"),
            ("Dariusz", 1955, "man"),
            ("Edward", 1949, "man"),
            ("Felicja", 1952, "woman"),
        ]
    }

    def register(name, event, status="confirmed", attendance="present"):
        Registration.objects.create(
            event=event,
            participant=people[name],
            status=status,
            attendance=attendance,
            places=1,
        )

    for event in (spring, summer, autumn):
        register("Alicja", event)
    register("Barbara", spring)
    register("Barbara", summer)
    register("Celina", autumn)
    register("Dariusz", summer)
    register("Edward", autumn, attendance="absent")
    register("Felicja", spring, status="waiting", attendance="")
    register("Alicja", before)
    register("Felicja", now)
    return last


def _kpi_from_pdf(text: str, indicator: str) -> int:
    """The number printed on the key-figure card of ``indicator`` in ``pdftotext -layout``
    output: the cards stand three in a row, each "label (ID)" over its value, so the value is
    the first number below the id that starts in the id's column."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        at = line.find(f"({indicator})")
        if at < 0:
            continue
        left = len(line[:at]) - len(line[:at].split("  ")[-1])  # where the card's text starts
        for below in lines[index + 1 : index + 8]:
            cell = below[max(0, left - 2) : left + 30].strip()
            if re.fullmatch(r"\d[\d\s\u00a0]*", cell):
                return int(re.sub(r"\D", "", cell))
    raise AssertionError(f"{indicator} is not among the PDF's key figures:\n{text[:3000]}")


def test_staff_prepare_r1_for_last_year_and_the_files_agree(
    live_server, browser, staff, last_years_data, held_jobs, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "media"
    last = last_years_data
    context = browser.new_context(
        locale="pl-PL", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    log_in(page, live_server.url, staff.email)

    # "Raporty" is a menu for OPS staff: the reports, public tasks, projects, the strategy.
    navigation = page.get_by_role("navigation")
    navigation.get_by_role("button", name="Raporty", exact=True).click()
    expect(navigation.get_by_role("link", name="Zadania publiczne")).to_be_visible()
    navigation.get_by_role("link", name="Raporty", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Raporty")
    page.get_by_role("link", name="Przygotuj R1", exact=True).click()
    page.get_by_label("Okres").select_option(label="Poprzedni rok")
    page.get_by_role("button", name="Przygotuj raport").click()

    # Nothing has run yet: the run page says it is waiting for the background service.
    expect(page).to_have_url(re.compile(r"/reports/runs/\d+/$"))
    run = ReportRun.objects.get()
    assert (run.kind, run.period_start, run.period_end) == (
        "R1",
        datetime.date(last, 1, 1),
        datetime.date(last, 12, 31),
    )
    assert (run.comparison_start, run.comparison_end) == (
        datetime.date(last - 1, 1, 1),
        datetime.date(last - 1, 12, 31),
    )
    status = page.locator("#report-status-text")
    expect(status).to_contain_text("Oczekiwanie")
    expect(page.get_by_role("link", name=re.compile("Pobierz plik"))).to_have_count(0)

    # The worker computes the figures; the page notices by itself and lists the files to come.
    assert held_jobs.run() == 1
    run.refresh_from_db()
    assert run.status == RunStatus.READY
    expect(status).to_contain_text("Krok 2 z 2", timeout=15000)
    expect(status).to_contain_text("Trwa przygotowywanie pliku PDF")

    # The files are rendered; the page shows their links (and the figures) without a hand.
    assert held_jobs.run() == 3
    run.refresh_from_db()
    # The CSV files come zipped, one per table; the page names both.
    for label, document in (("PDF", run.pdf), ("XLSX", run.xlsx), ("CSV (ZIP)", run.csv)):
        link = page.get_by_role("link", name=f"Pobierz plik {label}")
        expect(link).to_be_visible(timeout=15000)
        expect(link).to_have_attribute("href", f"/documents/{document.pk}/download/")
    expect(page.get_by_role("heading", name="Najważniejsze liczby")).to_be_visible()
    for folder in (SCREENS, ARTIFACTS):
        folder.mkdir(exist_ok=True)
        page.screenshot(path=str(folder / "reports-run.png"), full_page=True)

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Pobierz plik PDF").click()
    pdf = tmp_path / "r1.pdf"
    pdf_download.value.save_as(pdf)
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Pobierz plik XLSX").click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    xlsx = tmp_path / "r1.xlsx"
    xlsx_download.value.save_as(xlsx)
    context.close()

    # The PDF's first pages are real pages with the title and the key figures.
    subprocess.run(
        ["pdftoppm", "-r", "50", "-f", "1", "-l", "2", "-png", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 2
    assert all(image.stat().st_size > 5000 for image in pages), "a blank page"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    words = " ".join(text.split())
    assert "Sprawozdanie z działalności Centrum Aktywności Lokalnej" in words
    assert f"1 stycznia {last} – 31 grudnia {last}" in words
    assert run.number in words and "Najważniejsze liczby" in words
    in_pdf = {kpi: _kpi_from_pdf(text, kpi) for kpi in ("EV1", "EV3", "PE1", "AT1", "PE3")}
    # 3 events of 2 hours; Alicja came two years ago too, so only three are new.
    assert in_pdf == {"EV1": 3, "EV3": 6, "PE1": 4, "AT1": 7, "PE3": 3}

    # The workbook's key figures are the PDF's.
    sheet = load_workbook(io.BytesIO(xlsx.read_bytes()), data_only=True)["Najważniejsze liczby"]
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True) if row[0] in in_pdf}
    assert {kpi: row[2] for kpi, row in rows.items()} == in_pdf
    assert (rows["PE1"][3], rows["AT1"][3]) == (1, 1)  # the year before
