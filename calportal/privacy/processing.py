"""The records of processing activities (art. 30(1) RODO; PRIVACY.md §6): the register's default
rows, kept in Polish as the OPS keeps its documentation, the check that every organisation
hosting volunteers has its own row, and the register's exports (PDF, landscape, and XLSX).

The default rows are written once, into an empty register, by :func:`processing_fill_defaults`
(run after ``migrate`` from :mod:`calportal.privacy.apps`); afterwards the register is the
OPS's own and only its data-protection staff change it. The DPO's contact is not stored in the
rows: it is ``settings.DPO_EMAIL``, shown with the register wherever it is displayed.
"""

import io
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from calportal.privacy.models import (
    ControllerRole,
    ProcessingActivity,
    RetentionRule,
    RetentionUnit,
)
from calportal.privacy.rules import ACTION_LABELS, RULES

CONTROLLER = "Ośrodek Pomocy Społecznej w Śremie, ul. Mickiewicza 40, 63-100 Śrem"
PORTAL_PROCESSOR = (
    "dostawca hostingu i utrzymania portalu CAL – podmiot przetwarzający (umowa powierzenia, "
    "art. 28 RODO)"
)
SECURITY = (
    "Dostęp wyłącznie dla zalogowanych pracowników i partnerów według ról i uprawnień; "
    "szyfrowana transmisja (HTTPS/TLS); hasła przechowywane jako skróty; blokada po nieudanych "
    "próbach logowania; dziennik zdarzeń (kto, kiedy i co zmienił, kto otworzył dane wrażliwe); "
    "kopie zapasowe rotowane co 35 dni; anonimizacja i usuwanie według tabeli okresów "
    "przechowywania; serwery w EOG."
)
OPS_AGREEMENT = (
    "OPS jest administratorem; umowa powierzenia z dostawcą hostingu – do potwierdzenia przez OPS"
)
# The name a volunteer row starts with; the organisation's name follows (see volunteer_activity).
VOLUNTEERS_PREFIX = "Wolontariat – "

# The register's rows as the OPS keeps them (PRIVACY.md §6): name, purposes, legal basis,
# people, data, special categories, recipients, security measures, retention rule codes.
DEFAULT_ACTIVITIES = [
    {
        "name": "Wydarzenia Centrum Aktywności Lokalnej i zapisy na nie",
        "purposes": (
            "Organizacja wydarzeń CAL: zapisy przez formularz, telefon lub na miejscu, lista "
            "rezerwowa, listy obecności, kontakt w sprawie wydarzenia, przygotowanie "
            "dostępności; sprawozdawczość z działań CAL."
        ),
        "legal_basis": (
            "art. 6 ust. 1 lit. a RODO (zgoda – zapis na wydarzenie); art. 9 ust. 2 lit. a RODO "
            "(wyraźna zgoda – niepełnosprawność i potrzeby dostępności); art. 6 ust. 1 lit. e "
            "RODO w zw. z ustawą z 12.03.2004 o pomocy społecznej (zadania CAL); wydarzenia "
            "projektów UE: art. 6 ust. 1 lit. c RODO w zw. z rozporządzeniem 2021/1060"
        ),
        "subject_categories": (
            "Mieszkańcy gminy Śrem zapisujący się na wydarzenia, w tym seniorzy; osoby "
            "towarzyszące (liczba)."
        ),
        "data_categories": (
            "Imię, nazwisko, rok urodzenia, płeć, sołectwo lub osiedle, e-mail, telefon, liczba "
            "miejsc, obecność, źródło zapisu, wersja i czas zgody."
        ),
        "special_categories": (
            "Niepełnosprawność (deklaracja tak/nie) i potrzeby dostępności (opis – dane o "
            "zdrowiu), art. 9 RODO."
        ),
        "recipients": (
            "Pracownicy OPS; organizacja partnerska prowadząca wydarzenie; partner miejsca "
            "wydarzenia (lista obecności); " + PORTAL_PROCESSOR + "."
        ),
        "rules": [
            "registration",
            "accessibility_needs",
            "cancelled_registration",
            "project_registration",
            "public_task_registration",
        ],
    },
    {
        "name": "Program „Śremski Przyjaciel Seniora” (karta seniora)",
        "purposes": (
            "Przyjmowanie wniosków, wydawanie, przedłużanie i unieważnianie kart; ewidencja "
            "skorzystania z ofert w punktach partnerskich; kontakt z posiadaczem karty."
        ),
        "legal_basis": (
            "art. 6 ust. 1 lit. e RODO w zw. z uchwałą Rady Miejskiej w Śremie o programie; "
            "art. 6 ust. 1 lit. a RODO (zgoda – kontakt i informacje o ofertach)"
        ),
        "subject_categories": "Seniorzy – wnioskodawcy i posiadacze kart.",
        "data_categories": (
            "Imię, nazwisko, rok urodzenia, płeć, sołectwo lub osiedle, telefon, e-mail, numer i "
            "ważność karty, skorzystania (punkt, data i godzina)."
        ),
        "special_categories": "",
        "recipients": (
            "Pracownicy OPS; personel punktów partnerskich (tylko sprawdzenie ważności karty); "
            + PORTAL_PROCESSOR
            + "."
        ),
        "rules": ["pass_holder", "pass_application_rejected", "pass_call_back"],
    },
    {
        "name": "Grupy samopomocowe",
        "purposes": (
            "Przyjmowanie zgłoszeń do grup, kontakt z osobą zgłaszającą się, prowadzenie grup "
            "(spotkania, obecność), notatki osoby prowadzącej grupę."
        ),
        "legal_basis": (
            "art. 9 ust. 2 lit. a RODO (wyraźna zgoda); art. 6 ust. 1 lit. a RODO; art. 6 ust. 1 "
            "lit. e RODO w zw. z ustawą z 12.03.2004 o pomocy społecznej"
        ),
        "subject_categories": (
            "Osoby zgłaszające się do grup i członkowie grup (m.in. rodzice dzieci z "
            "niepełnosprawnością, osoby w żałobie)."
        ),
        "data_categories": (
            "Imię lub pseudonim, telefon lub e-mail, opis sytuacji, daty dołączenia i odejścia, "
            "obecność na spotkaniach, notatki osoby prowadzącej."
        ),
        "special_categories": (
            "Zdrowie i niepełnosprawność (także dziecka), żałoba i inne informacje o sytuacji "
            "życiowej, art. 9 RODO; fakt korzystania z pomocy społecznej (ustawa o pomocy "
            "społecznej)."
        ),
        "recipients": (
            "Koordynator grup samopomocowych w OPS; osoba prowadząca grupę; "
            + PORTAL_PROCESSOR
            + "."
        ),
        "rules": ["selfhelp_request", "selfhelp_member", "facilitator_notes"],
    },
    {
        "name": "Mapa potrzeb i zasobów – zgłoszenia mieszkańców",
        "purposes": (
            "Przyjmowanie zgłoszeń potrzeb i zasobów od mieszkańców, kontakt w sprawie "
            "zgłoszenia, diagnoza środowiska lokalnego."
        ),
        "legal_basis": (
            "art. 6 ust. 1 lit. a RODO (zgoda – kontakt); art. 6 ust. 1 lit. e RODO w zw. z "
            "ustawą z 12.03.2004 o pomocy społecznej (diagnoza i praca środowiskowa)"
        ),
        "subject_categories": "Mieszkańcy zgłaszający potrzeby lub zasoby.",
        "data_categories": (
            "Imię, e-mail lub telefon (nieobowiązkowe), treść zgłoszenia, miejsce."
        ),
        "special_categories": "",
        "recipients": "Pracownicy OPS moderujący zgłoszenia; " + PORTAL_PROCESSOR + ".",
        "rules": ["map_report_contact"],
    },
    {
        "name": "Konta pracowników i partnerów w portalu",
        "purposes": (
            "Dostęp do portalu według ról, bezpieczeństwo systemu, rozliczalność (dziennik "
            "zdarzeń i dostępu do danych)."
        ),
        "legal_basis": (
            "art. 6 ust. 1 lit. c RODO w zw. z art. 5 ust. 2 i art. 32 RODO; art. 6 ust. 1 lit. e "
            "RODO"
        ),
        "subject_categories": (
            "Pracownicy OPS, koordynatorzy organizacji partnerskich, personel punktów "
            "partnerskich, członkowie zespołu CAL, osoby prowadzące grupy."
        ),
        "data_categories": (
            "Imię, nazwisko, e-mail, organizacja, role, daty logowania, nieudane próby logowania "
            "(adres IP), wpisy dziennika zdarzeń."
        ),
        "special_categories": "",
        "recipients": "Administratorzy kont w OPS; " + PORTAL_PROCESSOR + ".",
        "rules": ["staff_account", "login_attempts", "audit_trail"],
    },
    {
        "name": "Sprawozdawczość i statystyka",
        "purposes": (
            "Sprawozdania dla Rady Miejskiej, ocena zasobów pomocy społecznej, sprawozdanie ze "
            "współpracy z organizacjami, rozliczenie projektów UE i zadań publicznych, wskaźniki "
            "strategii."
        ),
        "legal_basis": (
            "art. 6 ust. 1 lit. c i e RODO w zw. z ustawą o pomocy społecznej i ustawą o "
            "działalności pożytku publicznego i o wolontariacie; art. 89 RODO (dane "
            "zanonimizowane)"
        ),
        "subject_categories": (
            "Uczestnicy wydarzeń, posiadacze kart seniora, wolontariusze (dane zagregowane lub "
            "zanonimizowane); uczestnicy projektów UE (lista dla instytucji pośredniczącej)."
        ),
        "data_categories": (
            "Zestawienia liczbowe; fakty zanonimizowane (grupa wieku, płeć, obszar, obecność); "
            "lista uczestników projektu."
        ),
        "special_categories": (
            "Niepełnosprawność (liczba osób), art. 9 RODO – tylko w zestawieniach."
        ),
        "recipients": (
            "Rada Miejska w Śremie, Regionalny Ośrodek Polityki Społecznej, instytucja "
            "pośrednicząca projektu (lista uczestników), zleceniodawca zadania publicznego – "
            "tylko dane zagregowane, poza listą uczestników projektu."
        ),
        "rules": ["generated_files", "project_participant_list", "document_metadata"],
    },
    {
        "name": "Obsługa żądań osób, których dane dotyczą (art. 15–22 RODO)",
        "purposes": (
            "Rejestr żądań, weryfikacja tożsamości, przygotowanie i wydanie kopii danych, "
            "usunięcie lub ograniczenie przetwarzania, powiadomienie odbiorców (art. 19 RODO)."
        ),
        "legal_basis": "art. 6 ust. 1 lit. c RODO w zw. z art. 12–22 i art. 5 ust. 2 RODO",
        "subject_categories": "Osoby składające żądania i ich pełnomocnicy.",
        "data_categories": (
            "Imię i nazwisko, e-mail lub telefon, rok urodzenia, sposób weryfikacji tożsamości, "
            "rodzaj żądania, terminy, sposób i data odpowiedzi."
        ),
        "special_categories": "",
        "recipients": (
            "Pracownicy OPS obsługujący żądania; inspektor ochrony danych; organizacje "
            "partnerskie i punkty, które otrzymały dane (powiadomienie bez danych osoby); "
            + PORTAL_PROCESSOR
            + "."
        ),
        "rules": ["subject_access_package", "audit_trail"],
    },
]

VOLUNTEER_ACTIVITY = {
    "purposes": (
        "Nabór wolontariuszy, porozumienia o wykonywaniu świadczeń, ubezpieczenie i szkolenie "
        "BHP, ewidencja godzin, zaświadczenia, weryfikacja osób pracujących z dziećmi."
    ),
    "legal_basis": (
        "art. 6 ust. 1 lit. b RODO (porozumienie); art. 6 ust. 1 lit. c RODO w zw. z ustawą z "
        "24.04.2003 o działalności pożytku publicznego i o wolontariacie oraz ustawą z "
        "13.05.2016 o przeciwdziałaniu zagrożeniom przestępczością na tle seksualnym; art. 6 "
        "ust. 1 lit. a RODO (kandydaci)"
    ),
    "subject_categories": "Kandydaci na wolontariuszy i wolontariusze organizacji.",
    "data_categories": (
        "Imię, nazwisko, rok urodzenia, e-mail, telefon, dostępność, umiejętności, obszary, "
        "porozumienia, daty ubezpieczenia i szkolenia BHP, godziny, zaświadczenia."
    ),
    "special_categories": (
        "Wynik sprawdzenia w Rejestrze Sprawców Przestępstw na Tle Seksualnym – tylko data, "
        "wynik i ważność, bez wydruku (art. 10 RODO)."
    ),
    "recipients": (
        "Koordynator wolontariatu organizacji; pracownicy OPS (koordynacja CAL); "
        + PORTAL_PROCESSOR
        + "."
    ),
    "agreement_status": (
        "do podpisania – umowa powierzenia (art. 28 RODO) albo uzgodnienia współadministratorów "
        "(art. 26 RODO); model do ustalenia przez OPS, organizację i IOD"
    ),
    "rules": [
        "volunteer_applicant",
        "volunteer_contact",
        "volunteer_agreement",
        "child_safety_check",
    ],
}


def volunteer_activity(organisation_name: str) -> dict:
    """The default row for the volunteers of one host organisation, as ``ProcessingActivity``
    field values plus ``"rules"`` (retention rule codes): the organisation is the controller of
    its volunteers, the OPS processes for it through the portal (art. 28) until the agreement
    of PRIVACY.md §6 (open question 6) says otherwise."""
    return {
        **VOLUNTEER_ACTIVITY,
        "name": VOLUNTEERS_PREFIX + organisation_name,
        "controller": organisation_name,
        "joint_controller": CONTROLLER + " (portal CAL)",
        "controller_role": ControllerRole.PROCESSOR,
    }


def _create(values: dict, position: int, rules: dict[str, RetentionRule]) -> ProcessingActivity:
    values = dict(values)
    codes = values.pop("rules")
    values.setdefault("controller", CONTROLLER)
    values.setdefault("agreement_status", OPS_AGREEMENT)
    activity = ProcessingActivity.objects.create(
        **values, security_measures=SECURITY, transfers="brak", position=position
    )
    activity.retention_rules.set([rules[code] for code in codes])
    return activity


def _rules(codes: set[str]) -> dict[str, RetentionRule]:
    """The retention rules ``codes``, each created with its default period when missing (as
    migration 0002 does; a flushed test database has none)."""
    for code in codes - set(
        RetentionRule.objects.filter(code__in=codes).values_list("code", flat=True)
    ):
        spec = RULES[code]
        RetentionRule.objects.get_or_create(
            code=code, defaults={"amount": spec.amount, "unit": spec.unit}
        )
    return {rule.code: rule for rule in RetentionRule.objects.filter(code__in=codes)}


@transaction.atomic
def processing_fill_defaults() -> int:
    """Write the default register into an **empty** register: the rows of
    :data:`DEFAULT_ACTIVITIES`, and one volunteer row per organisation hosting volunteers at
    that moment. Does nothing when the register holds any row (it is then the OPS's). Returns
    the number of rows written."""
    if ProcessingActivity.objects.exists():
        return 0
    rules = _rules(
        {code for row in DEFAULT_ACTIVITIES for code in row["rules"]}
        | set(VOLUNTEER_ACTIVITY["rules"])
    )
    for position, values in enumerate(DEFAULT_ACTIVITIES, start=1):
        _create(values, position * 10, rules)
    hosts = volunteer_hosts_without_row()
    for offset, name in enumerate(hosts, start=1):
        _create(volunteer_activity(name), 25 + offset, rules)
    return len(DEFAULT_ACTIVITIES) + len(hosts)


def processing_add_volunteer_rows() -> int:
    """Add the default volunteer row of every host organisation that has none yet (the demo
    uses it after creating its volunteers). Returns the number of rows added."""
    hosts = volunteer_hosts_without_row()
    if not hosts:
        return 0
    rules = _rules(set(VOLUNTEER_ACTIVITY["rules"]))
    with transaction.atomic():
        for offset, name in enumerate(hosts, start=1):
            _create(volunteer_activity(name), 25 + offset, rules)
    return len(hosts)


def volunteer_hosts_without_row() -> list[str]:
    """Names of organisations that host volunteers (a volunteer or an opportunity) but are not
    named as controller or joint controller of any row of the register (PRIVACY.md §6: one row
    per host organisation). Two queries."""
    from calportal.organisations.models import Organisation
    from volunteers.models import Opportunity, Volunteer

    named = set()
    for controller, joint in ProcessingActivity.objects.values_list(
        "controller", "joint_controller"
    ):
        named.update({controller.strip().casefold(), joint.strip().casefold()})
    hosts = Organisation.objects.filter(
        Exists(Volunteer.objects.filter(organisation=OuterRef("pk")))
        | Exists(Opportunity.objects.filter(organisation=OuterRef("pk")))
    ).values_list("name", flat=True)
    return sorted(
        {name for name in hosts if name.strip().casefold() not in named}, key=str.casefold
    )


# -- reading the register ------------------------------------------------------------------


def period_text(rule: RetentionRule) -> str:
    """How long ``rule`` keeps data, in words of the active language, e.g. "30 days after the
    event", "until 30 June of the year after the event"; the anchor is the rule's (rules.py)."""
    spec = RULES.get(rule.code)
    anchor = str(spec.anchor) if spec else ""
    n = rule.amount
    if rule.unit == RetentionUnit.DAYS:
        if n == 0:
            return _("until %(anchor)s") % {"anchor": anchor}
        return ngettext("%(n)d day after %(anchor)s", "%(n)d days after %(anchor)s", n) % {
            "n": n,
            "anchor": anchor,
        }
    if rule.unit == RetentionUnit.MONTHS:
        return ngettext("%(n)d month after %(anchor)s", "%(n)d months after %(anchor)s", n) % {
            "n": n,
            "anchor": anchor,
        }
    if rule.unit == RetentionUnit.YEARS:
        return ngettext("%(n)d year after %(anchor)s", "%(n)d years after %(anchor)s", n) % {
            "n": n,
            "anchor": anchor,
        }
    if rule.unit == RetentionUnit.JUNE_30:
        return ngettext(
            "until 30 June of the year after %(anchor)s",
            "until 30 June of the %(n)d-th year after %(anchor)s",
            n,
        ) % {"n": n, "anchor": anchor}
    if rule.unit == RetentionUnit.FULL_YEARS:
        return ngettext(
            "%(n)d full calendar year after %(anchor)s",
            "%(n)d full calendar years after %(anchor)s",
            n,
        ) % {"n": n, "anchor": anchor}
    return _("until the end of retention set in the agreement")


@dataclass(frozen=True)
class RetentionLine:
    code: str
    data: str  # the kind of data (rules.py)
    period: str  # period_text
    action: str  # what happens then: "anonymise", "delete", ...

    def __str__(self) -> str:
        return f"{self.data}: {self.period} ({self.action})"


def retention_lines(activity: ProcessingActivity) -> list[RetentionLine]:
    """The activity's retention rules in words (needs ``retention_rules`` prefetched to stay
    query-free), in the order of the retention table."""
    order = list(RULES)
    lines = []
    for rule in sorted(
        activity.retention_rules.all(),
        key=lambda r: order.index(r.code) if r.code in order else len(order),
    ):
        spec = RULES.get(rule.code)
        lines.append(
            RetentionLine(
                code=rule.code,
                data=str(spec.data) if spec else rule.code,
                period=period_text(rule),
                action=str(ACTION_LABELS.get(spec.action, "")) if spec else "",
            )
        )
    return lines


def processing_register() -> list[ProcessingActivity]:
    """Every row of the register in its order, each with ``.retention`` (a list of
    :class:`RetentionLine`). Two queries whatever the number of rows."""
    activities = list(
        ProcessingActivity.objects.prefetch_related(
            Prefetch("retention_rules", queryset=RetentionRule.objects.order_by("pk"))
        )
    )
    for activity in activities:
        activity.retention = retention_lines(activity)
    return activities


def register_context() -> dict:
    """What every view of the register shows besides its rows: the controller, the DPO's
    contact (``settings.DPO_EMAIL``) and the moment it was read."""
    return {
        "controller": CONTROLLER,
        "dpo_email": settings.DPO_EMAIL,
        "generated_at": timezone.localtime(),
        "activities": processing_register(),
    }


# -- exports -------------------------------------------------------------------------------


def register_pdf() -> bytes:
    """The register as a PDF (A4 landscape, ``templates/pdf/processing_register.html``), in the
    active language. Slow (WeasyPrint): about a second."""
    from django.utils import translation

    from calportal.pdf import render_pdf

    return render_pdf(
        "pdf/processing_register.html", register_context(), language=translation.get_language()
    )


def register_columns() -> list[tuple[str, int]]:
    """The register's columns in the exports: (heading, XLSX column width)."""
    return [
        (_("No."), 5),
        (_("Processing activity"), 28),
        (_("Controller"), 30),
        (_("Arrangement and agreement"), 32),
        (_("Purposes"), 40),
        (_("Legal basis"), 40),
        (_("Categories of people"), 30),
        (_("Categories of data"), 40),
        (_("Special categories (art. 9 and 10)"), 32),
        (_("Recipients"), 36),
        (_("Transfers outside the EEA"), 14),
        (_("Retention period"), 48),
        (_("Security measures"), 48),
    ]


def register_row(number: int, activity: ProcessingActivity) -> list:
    """One row of the XLSX register: the values under :func:`register_columns`."""
    controller = activity.controller
    if activity.joint_controller:
        controller += "\n" + _("Joint controller or processor:") + " " + activity.joint_controller
    arrangement = activity.get_controller_role_display()
    if activity.agreement_status:
        arrangement += "\n" + activity.agreement_status
    return [
        number,
        activity.name,
        controller,
        arrangement,
        activity.purposes,
        activity.legal_basis,
        activity.subject_categories,
        activity.data_categories,
        activity.special_categories or _("none"),
        activity.recipients,
        activity.transfers,
        "\n".join(str(line) for line in activity.retention),
        activity.security_measures,
    ]


def register_xlsx() -> bytes:
    """The register as an XLSX workbook, in the active language: one sheet, the controller and
    the DPO's contact above a table of one row per activity (header in row 5, frozen)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    context = register_context()
    book = Workbook()
    sheet = book.active
    sheet.title = _("Processing activities")[:31]
    sheet["A1"] = _("Records of processing activities (art. 30(1) GDPR)")
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = _("Controller:") + " " + context["controller"]
    sheet["A3"] = (
        _("Data protection officer:")
        + " "
        + context["dpo_email"]
        + " · "
        + _("State on:")
        + " "
        + context["generated_at"].strftime("%d.%m.%Y %H:%M")
    )
    header_row = 5
    wrap = Alignment(wrap_text=True, vertical="top")
    for column, (heading, width) in enumerate(register_columns(), start=1):
        cell = sheet.cell(row=header_row, column=column, value=heading)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E6E6E6")
        cell.alignment = wrap
        sheet.column_dimensions[get_column_letter(column)].width = width
    for number, activity in enumerate(context["activities"], start=1):
        for column, value in enumerate(register_row(number, activity), start=1):
            sheet.cell(row=header_row + number, column=column, value=value).alignment = wrap
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)
    sheet.print_options.gridLines = True
    sheet.page_setup.orientation = "landscape"
    book.properties.title = _("Records of processing activities")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
