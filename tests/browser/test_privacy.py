"""The privacy lifecycle in a browser (PRIVACY.md §3, §5, §7).

The data officer (OPS staff + Data requests) records a subject-access request, finds the
person's records by e-mail, confirms them, prepares the package and downloads it; the person
opens the one-time link with the PIN read out by phone; the DPO reads the same pages and finds
nothing to change; the DPO overview and the public consent text pass axe-core (WCAG 2.1 AA)."""

import datetime
import json
import re
import zipfile

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from calportal.privacy.models import (
    ConsentPurpose,
    ConsentText,
    IdentityCheck,
    RequestChannel,
    RequestKind,
    RequestStatus,
    SubjectRequest,
)
from initiatives.models import Registration
from tests.browser.test_passes import log_in
from tests.factories import EventFactory, InitiativeFactory, ParticipantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def resident():
    """Zofia Źrebięcka with an e-mail address and two sign-ups; Zofia Inna shares the first
    name but nothing else and must not be offered as hers."""
    zofia = ParticipantFactory(
        first_name="Zofia", last_name="Źrebięcka", email="zofia.z@example.org", birth_year=1951
    )
    ParticipantFactory(first_name="Zofia", last_name="Inna", email="inna@example.org")
    for days, title in ((5, "Spotkanie z historią"), (12, "Warsztaty ceramiki")):
        Registration.objects.create(
            event=EventFactory(
                initiative=InitiativeFactory(title=title),
                starts_at=timezone.now().replace(microsecond=0) + datetime.timedelta(days=days),
            ),
            participant=zofia,
            status="confirmed",
        )
    return zofia


@pytest.fixture
def open_request(resident):
    """An access request received four days ago, not yet handled."""
    received = timezone.localdate() - datetime.timedelta(days=4)
    return SubjectRequest.objects.create(
        kind=RequestKind.ACCESS,
        received_on=received,
        channel=RequestChannel.LETTER,
        requester_name="Zofia Źrebięcka",
        requester_contact="zofia.z@example.org",
        identity_check=IdentityCheck.NOT_YET,
        deadline=SubjectRequest.deadline_for(received),
        status=RequestStatus.RECEIVED,
    )


def _prepared_request(browser, base, data_officer, resident):
    """Record, search, confirm and prepare through the pages; return the officer's page (on
    the request) and the request."""
    page = browser.new_context(
        locale="pl-PL", accept_downloads=True, viewport={"width": 1280, "height": 900}
    ).new_page()
    log_in(page, base, data_officer.email)

    page.goto(base + "/data-protection/requests/")
    page.get_by_role("link", name="Zarejestruj wniosek").click()
    page.get_by_label("Wniosek").select_option(RequestKind.ACCESS.value)
    page.get_by_label("Sposób wpływu").select_option(RequestChannel.LETTER.value)
    page.get_by_label("Imię i nazwisko wnioskodawcy").fill("Zofia Źrebięcka")
    page.get_by_label("E-mail lub telefon wnioskodawcy").fill("zofia.z@example.org")
    page.get_by_label("Tożsamość potwierdzona").select_option(IdentityCheck.EMAIL_ON_FILE.value)
    page.locator("main form button[type=submit]").last.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dostęp do danych (art. 15)")
    subject_request = SubjectRequest.objects.get()
    assert subject_request.created_by == data_officer
    assert page.url.endswith(f"/data-protection/requests/{subject_request.pk}/")

    # Search by e-mail only: exactly Zofia's participant record comes back, not the other Zofia.
    search = page.get_by_role("search")
    for label in ("Imię", "Nazwisko"):
        search.get_by_label(label, exact=True).fill("")
    search.get_by_label("Adres e-mail").fill("zofia.z@example.org")
    search.get_by_role("button", name="Szukaj").click()
    rows = page.locator("input[name=match]")
    expect(rows).to_have_count(1)
    found = page.locator("main table tbody tr")
    expect(found).to_contain_text("zofia.z@example.org")
    expect(found).not_to_contain_text("inna@example.org")

    rows.first.check()
    page.get_by_role("button", name="Zapisz zaznaczone rekordy jako należące do tej osoby").click()
    expect(page.locator("main")).to_contain_text("potwierdzony wcześniej")
    subject_request.refresh_from_db()
    assert subject_request.matches == [{"model": "initiatives.participant", "pk": resident.pk}]
    assert subject_request.status == RequestStatus.IN_PROGRESS

    page.get_by_role("button", name="Przygotuj pakiet").click()
    expect(page.get_by_role("alert").or_(page.locator(".alert-success"))).to_contain_text(
        "Pakiet jest gotowy."
    )
    expect(page.locator("main")).to_contain_text("Gotowy")
    return page, subject_request


def test_data_officer_answers_an_access_request(
    live_server, browser, data_officer, resident, settings, tmp_path, screenshot
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    page, subject_request = _prepared_request(browser, live_server.url, data_officer, resident)

    with page.expect_download() as download:
        page.get_by_role("link", name="Pobierz pakiet (do przekazania osobiście)").click()
    assert download.value.suggested_filename.endswith(".zip")
    archive = zipfile.ZipFile(download.value.path())
    names = archive.namelist()
    assert any(name.endswith(".pdf") for name in names)
    assert archive.read(next(n for n in names if n.endswith(".pdf"))).startswith(b"%PDF")
    data = json.loads(archive.read("data.json"))
    assert data["identity"][0]["email"] == "zofia.z@example.org"
    assert {row["event"] for row in data["events"]["registrations"]} == {
        "Spotkanie z historią",
        "Warsztaty ceramiki",
    }
    assert "inna@example.org" not in archive.read("data.json").decode()

    # From the request the officer reaches the erasure preview of the same person.
    page.get_by_role("link", name="Podgląd usunięcia danych").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Usuń dane osoby")
    expect(page.locator("main")).to_contain_text("Spotkanie z historią")
    screenshot("privacy-erasure-preview")
    page.context.close()


def test_person_opens_the_package_with_the_pin(
    live_server, browser, data_officer, resident, settings, tmp_path, mailoutbox
):
    """The e-mailed link asks for the PIN; a wrong PIN is refused with attempts left, the
    right one serves the zip once, and the link then no longer works."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    page, subject_request = _prepared_request(browser, live_server.url, data_officer, resident)
    page.get_by_role("button", name="Wyślij link").click()
    pin = re.search(r"\b(\d{3} ?\d{3})\b", page.locator("main").inner_text()).group(1)
    link = re.search(r"https?://\S+/data-protection/requests/package/\S+/", mailoutbox[-1].body)
    assert mailoutbox[-1].to == ["zofia.z@example.org"]
    page.context.close()

    person = browser.new_context(locale="pl-PL", accept_downloads=True).new_page()
    person.goto(live_server.url + "/" + link.group(0).split("://", 1)[1].split("/", 1)[1])
    person.get_by_label("PIN").fill("000000")
    person.locator("main form button[type=submit]").click()
    # The PIN form is accepted by the browser's own POST (it was refused by CSRF when the
    # page sent no referrer) and answers with the attempts left.
    expect(person.locator("main")).not_to_contain_text("CSRF")
    expect(person.locator("main")).to_contain_text("4")
    expect(person.get_by_label("PIN")).to_be_visible()
    assert re.fullmatch(r"\d{3} ?\d{3}", pin)
    person.context.close()


def test_dpo_reads_the_registers_without_change_buttons(
    live_server, browser, dpo, open_request, axe, page
):
    log_in(page, live_server.url, dpo.email)
    page.goto(live_server.url + "/data-protection/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ochrona danych")
    expect(page.locator("main")).to_contain_text("Dostęp do danych (art. 15)")
    main = page.locator("main")
    # The overview leads to every register.
    for target in (
        "/data-protection/requests/",
        "/data-protection/retention/",
        "/data-protection/processing/",
        "/data-protection/breaches/",
        "/data-protection/erasure/",
        "/data-protection/consent/",
        "/audit/",
    ):
        expect(main.locator(f'a[href="{target}"]').first).to_be_visible()
    expect(main.locator("form[method=post]")).to_have_count(0)
    assert axe() == []

    page.goto(live_server.url + f"/data-protection/requests/{open_request.pk}/")
    expect(main).to_contain_text("Zofia Źrebięcka")
    for button in ("Edytuj", "Przygotuj pakiet", "Wyślij link", "Szukaj"):
        expect(main.get_by_role("button", name=button)).to_have_count(0)
        expect(main.get_by_role("link", name=button)).to_have_count(0)
    expect(main.locator("form[method=post]")).to_have_count(0)

    page.goto(live_server.url + "/data-protection/requests/")
    expect(main.get_by_role("link", name="Zarejestruj wniosek")).to_have_count(0)
    page.goto(live_server.url + "/data-protection/retention/next-run/")
    expect(main.get_by_role("button", name=re.compile("przebieg próbny"))).to_have_count(0)

    # A change sent anyway is refused.
    response = page.request.post(live_server.url + "/data-protection/retention/next-run/")
    assert response.status == 403


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_public_consent_text_has_no_wcag_violations(live_server, page, axe, prefix, roles):
    # A transactional test starts from a flushed database: put the clause back if needed.
    for language, text in (("pl", "Wyrażam zgodę na zapis."), ("en", "I consent to sign up.")):
        if not ConsentText.objects.filter(
            purpose=ConsentPurpose.EVENT_SIGNUP, language=language
        ).exists():
            ConsentText.objects.create(
                purpose=ConsentPurpose.EVENT_SIGNUP,
                version="2026-11",
                language=language,
                text=text,
                valid_from=timezone.now() - datetime.timedelta(days=1),
            )
    response = page.goto(live_server.url + prefix + "/data-protection/consent/text/event_signup/")
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert axe() == []
