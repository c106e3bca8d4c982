"""Hostile input is a form error (or a 400 page), never a server error — on every form.

The forms are found, not listed: every named view of the URL configuration (the admin
aside) is reached by crawling the portal loaded with the demo data, as a superuser, as
each demo login and as a resident, from the pages without arguments (and the addresses sent
by e-mail) along the links and form actions; every ``<form>`` on every page reached is parsed.
Views not reached (POST-only actions, files) are covered through the forms that post to them.
Each (page, payload) test then

- GETs the page with the payload in its query parameters (those of its GET forms, ``q`` and
  ``page``), and
- submits each form with the payload in one date or number field at a time, or in all its
  text, choice or hidden fields at once, the others at their current (or, if required and
  empty, a plausible) value; after a submission that redirects it GETs the target and the
  form's page again, so that "stored, then a server error for everyone" is caught too.

A further test submits every form exactly as shown (a plain save). The test client raises
the view's exception on a server error; the assertion adds which form and which fields.
"""

import contextlib
import io
import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import NoReverseMatch, Resolver404

PAYLOADS = {
    "nul": "ab\x00cd",
    "year-1": "0001-01-01",
    "year-1-moment": "0001-01-01T00:00",
    "year-9999": "9999-12-31",
    "2-to-63": str(2**63),
    "10000-chars": "x" * 10_000,
    "surrogate": "\ud800",  # form-encoded as %ED%A0%80; Django decodes it to U+FFFD
}
# Which payloads go into which kind of field (a 10,000-character or a year-1 "choice" is just
# another invalid choice; NUL and 2**63 go everywhere, for the keys of model choices).
KINDS = {
    "nul": {"text", "date", "number", "choice", "hidden", "submit"},
    "year-1": {"text", "date", "hidden"},
    "year-1-moment": {"text", "date", "hidden"},
    "year-9999": {"text", "date", "hidden"},
    "2-to-63": {"text", "number", "choice", "hidden"},
    "10000-chars": {"text", "date", "number", "hidden"},
    "surrogate": {"text", "date", "hidden"},
}
# Not fuzzed: they end the session, switch the language or only set a display preference.
SKIPPED_ACTIONS = {"accounts:logout", "set_language", "text_size"}
# Not crawled: documents built by WeasyPrint (slow, and no forms) and the health check.
SKIPPED_VIEWS = {
    "healthz",
    "resources_map:diagnosis_pdf",
    "selfhelp:figures_pdf",
    "privacy:processing_pdf",
}
DEMO_EMAILS = [
    "koordynator@example.org",
    "nadzieja@example.org",
    "wolontariat@example.org",
    "zespol@example.org",
    "kawiarnia@example.org",
    "grupy@example.org",
    "iod@example.org",
]
PATHS_PER_VIEW = 2  # concrete addresses the superuser's crawl takes per view (e.g. two events)
MINIMUM_FORMS = 90

pytestmark = pytest.mark.django_db  # also makes pytest-django set up the test database


def _view_names(patterns=None, namespace: str | None = None) -> list[str]:
    names = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            inner = entry.namespace and (
                f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            )
            names += _view_names(entry.url_patterns, inner or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            names.append(f"{namespace}:{entry.name}" if namespace else entry.name)
    return [name for name in dict.fromkeys(names) if name not in SKIPPED_VIEWS]


# Views the crawl does not open as pages, each for a reason: actions that only take a POST
# (their forms are on other pages and are fuzzed there, posting to these actions), files
# (CSV, PDF, ICS, GeoJSON), and pages reached only through a link sent by e-mail or a
# document just requested. A new view must either be reached by the crawl or be listed here
# (test_the_crawl_finds_the_forms_of_the_portal checks both ways).
NOT_PAGES = {
    # POST-only actions
    "accounts:logout",
    "accounts:user_resend",
    "accounts:user_set_active",
    "calls:outcome",
    "initiatives:initiative_duplicate",
    "initiatives:registration_move",
    "initiatives:registration_text_messages",
    "passes:application_issue",
    "passes:application_reject",
    "passes:pass_action",
    "passes:recorded",
    "projects:participant_list",
    "projects:period_report",
    "passes:redeem",
    "privacy:consent_renew",
    "privacy:consent_withdraw",
    "privacy:consent_withdraw_personal",
    "privacy:notice_read",
    "privacy:request_matches",
    "privacy:request_notes_review",
    "privacy:package_prepare",
    "privacy:package_link_create",
    "reports:run_again",
    "reports:run_narrative",
    "reports:run_official",
    "reports:soft_result_delete",
    "resources_map:report_reject",
    "selfhelp:group_accepting",
    "selfhelp:meetings_generate",
    "selfhelp:member_action",
    "selfhelp:request_action",
    "set_language",
    "text_size",
    "volunteers:agreement_create",
    "volunteers:assignment_create",
    "volunteers:assignment_delete",
    "volunteers:rate_delete",
    "volunteers:certificate_create",
    "volunteers:check_create",
    "volunteers:shift_create",
    "volunteers:volunteer_status",
    # files
    "autocomplete",  # JSON suggestions (tests/calportal/test_autocomplete.py)
    "documents:download",
    "documents:status",
    "reports:run_status",
    "initiatives:attendance_sheet",
    "initiatives:event_csv",
    "initiatives:event_ics",
    "initiatives:feed_all",
    "initiatives:feed_initiative",
    "passes:pass_print",
    "passes:pass_print_sheet",
    "privacy:package_download",
    "privacy:processing_xlsx",
    "resources_map:export",
    "resources_map:geojson",
    "selfhelp:members_csv",
    "volunteers:export",
    # reached through an e-mailed link or a fresh request
    "accounts:invitation_accept",
    "accounts:password_reset_confirm",
    "initiatives:signup_received",
    # need a request with the person's records confirmed / an erasure done
    "privacy:erasure_preview",
    "privacy:erasure_detail",
    "privacy:package_public",
}
VIEW_NAMES = _view_names()
PAGE_NAMES = [name for name in VIEW_NAMES if name not in NOT_PAGES]


# -- reading forms -------------------------------------------------------------------------


@dataclass
class Form:
    page: str
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # what a browser would send
    names: list[str] = field(default_factory=list)  # every named field, sent or not
    kinds: dict[str, str] = field(default_factory=dict)  # name -> a KINDS key
    as_shown: list[tuple[str, str]] = field(default_factory=list)  # without plausible values
    _radio_groups: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.action} (on {self.page})"


class _PageParser(HTMLParser):
    """The forms of a page (with each field's current value, or a plausible one where it is
    empty) and the links."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {key: value if value is not None else "" for key, value in attrs}
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        elif tag == "form":
            action = urljoin(self.page, attributes.get("action") or self.page)
            self._form = Form(self.page, action, (attributes.get("method") or "get").lower())
            self.forms.append(self._form)
        elif self._form is None or "name" not in attributes or "disabled" in attributes:
            return
        elif tag == "input":
            self._input(attributes)
        elif tag == "select":
            self._select = (attributes["name"], "multiple" in attributes, "required" in attributes)
            self._options = []
        elif tag == "textarea":
            self._textarea = (attributes["name"], "required" in attributes)
            self._text = []
        if tag == "option" and self._select is not None:
            self._options.append((attributes.get("value", ""), "selected" in attributes))

    def _input(self, attributes):
        name, kind = attributes["name"], attributes.get("type", "text").lower()
        value = attributes.get("value", "")
        form = self._form
        form.names.append(name)
        form.kinds.setdefault(name, _kind(kind))
        if kind in ("file", "image", "reset", "button"):
            return
        if kind not in ("checkbox", "radio") or "checked" in attributes:
            form.as_shown.append((name, value))
        if kind == "submit":
            if not any(sent == name for sent, _value in form.fields):
                form.fields.append((name, value))
        elif kind == "checkbox":
            if "checked" in attributes or "required" in attributes:
                form.fields.append((name, value or "on"))
        elif kind == "radio":
            if "checked" in attributes:
                form.fields = [(n, v) for n, v in form.fields if n != name]
                form.fields.append((name, value))
                form._radio_groups.add(name)
            elif name not in form._radio_groups and "required" in attributes:
                form.fields.append((name, value))
                form._radio_groups.add(name)
        elif not value and "required" in attributes:
            form.fields.append((name, _plausible(kind, name)))
        else:
            form.fields.append((name, value))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, multiple, required = self._select
            self._form.names.append(name)
            self._form.kinds.setdefault(name, "choice")
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple:
                # What a browser sends for a single select with nothing marked: its first option.
                self._form.as_shown += [(name, value) for value, _ in self._options[:1]]
                first = [value for value, _selected in self._options if value or not required]
                chosen = first[:1]
            else:
                self._form.as_shown += [(name, value) for value in chosen]
            self._form.fields += [(name, value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, required = self._textarea
            self._form.names.append(name)
            self._form.kinds.setdefault(name, "text")
            text = "".join(self._text).removeprefix("\n")
            self._form.as_shown.append((name, text))
            self._form.fields.append((name, text or ("Fuzz" if required else "")))
            self._textarea = None


def _kind(input_type: str) -> str:
    if input_type in ("checkbox", "radio"):
        return "choice"
    if input_type in ("date", "datetime-local", "time", "month", "week"):
        return "date"
    if input_type in ("number", "range"):
        return "number"
    if input_type in ("hidden", "submit"):
        return input_type
    return "text"


def _plausible(kind: str, name: str) -> str:
    """A value a person might type into an empty field, so that a form can be valid and the
    hostile value in one field reaches the service and the database."""
    if name == "csrfmiddlewaretoken":
        return ""
    return {
        "date": "2027-06-15",
        "datetime-local": "2027-06-15T10:00",
        "time": "10:00",
        "number": "1",
        "email": "fuzz@example.org",
        "tel": "600100200",
        "url": "https://example.org",
        "hidden": "",
        "password": "Fuzz-password-2026",
    }.get(kind, "Fuzz")


def _parse(page: str, html: str) -> _PageParser:
    parser = _PageParser(page)
    parser.feed(html)
    return parser


def _form_key(form: Form) -> tuple:
    return (_view_name(urlsplit(form.action).path), form.method, tuple(form.names))


def _one_of_each(forms: list[Form]) -> list[Form]:
    """A page's forms, one per kind: a list of 20 registrations has 20 "cancel" forms alike."""
    return list({_form_key(form): form for form in reversed(forms)}.values())[::-1]


def _local_path(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _view_name(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


# -- the crawl -----------------------------------------------------------------------------


@dataclass
class Site:
    pages: dict[str, tuple[object, str]]  # view name -> (user, address) answering 200 HTML
    forms: dict[tuple, Form]  # distinct forms by (action view, method, field names)
    page_forms: dict[str, list[Form]]  # view name -> the forms on its page (as crawled)


def _addresses_sent_by_e_mail() -> list[str]:
    """Pages no link leads to: a resident's personal registration page, a pass's QR check."""
    from initiatives.links import registration_path
    from initiatives.models import Registration
    from initiatives.passes.models import SeniorPass
    from initiatives.passes.services import pass_token

    addresses = [registration_path(r) for r in Registration.objects.order_by("pk")[:2]]
    return addresses + [
        reverse("passes:check", args=[pass_token(senior_pass)])
        for senior_pass in SeniorPass.objects.order_by("pk")[:2]
    ]


def _crawl(users) -> Site:
    pages: dict[str, tuple[object, str]] = {}
    page_forms: dict[str, list[Form]] = {}
    forms: dict[tuple, Form] = {}
    starts = _addresses_sent_by_e_mail()
    for name in VIEW_NAMES:
        with contextlib.suppress(NoReverseMatch):
            starts.append(reverse(name))
    for user in users:
        client = Client()
        if user is not None:
            client.force_login(user)
        queue, seen, per_view = deque(starts), set(starts), {}
        while queue:
            path = queue.popleft()
            name = _view_name(path)
            if name is None or name in SKIPPED_VIEWS or name in SKIPPED_ACTIONS:
                continue
            response = client.get(path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = _parse(path, response.content.decode())
            if name not in pages:
                pages[name] = (user, path)
                page_forms[name] = _one_of_each(parser.forms)
            for form in parser.forms:
                forms.setdefault(_form_key(form), form)
            for href in parser.links + [form.action for form in parser.forms]:
                target = _local_path(urljoin(path, href))
                if target is None or target in seen:
                    continue
                target_name = _view_name(target)
                limit = PATHS_PER_VIEW if user is users[0] else 1
                if target_name is None or per_view.get(target_name, 0) >= limit:
                    continue
                per_view[target_name] = per_view.get(target_name, 0) + 1
                seen.add(target)
                queue.append(target)
    return Site(pages, forms, page_forms)


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The demo data and a superuser, loaded once for the module (each test's changes are
    rolled back to here), and what the crawl found."""
    from calportal.accounts.models import User

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo_data", "--force", stdout=io.StringIO())
        superuser = User.objects.create_superuser(
            email="fuzz-admin@example.org", password="Fuzz-password-2026"
        )
        _report_run(superuser)
        demo_users = User.objects.filter(email__in=DEMO_EMAILS).order_by("pk")
        users = [superuser, *demo_users, None]  # None: a resident, not logged in
        yield _crawl(users)
        transaction.set_rollback(True)


def _report_run(user) -> None:
    """A report built from the demo data, so the crawl finds its page and its forms (the
    build job would start only after the commit that never comes here)."""
    from calportal.reports import services

    run = services.report_request(
        parameters={"kind": "R1", "scope": {}, "timeframe": "year_previous",
                    "comparison": "same_period_last_year", "variant": "internal",
                    "language": "pl", "k": 3},
        requested_by=user,
    )  # fmt: skip
    services.report_build(run_id=run.pk)


# -- submitting ----------------------------------------------------------------------------


def _encode(pairs) -> str:
    # A browser sends an unpaired surrogate as its (invalid) UTF-8 bytes.
    return urlencode(pairs, encoding="utf-8", errors="surrogatepass")


def _send(client, form: Form, pairs, what: str):
    body = _encode([(name, value) for name, value in pairs if name != "csrfmiddlewaretoken"])
    path = _local_path(form.action)
    try:
        if form.method == "get":
            base = urlsplit(path).path
            return client.get(f"{base}?{body}")
        return client.post(path, body, content_type="application/x-www-form-urlencoded")
    except Exception as error:  # the test client re-raises the view's exception
        raise AssertionError(f"{form.label}, {what}: server error {error!r}") from error


def _get(client, path: str, what: str):
    try:
        response = client.get(path)
    except Exception as error:
        raise AssertionError(f"GET {path} ({what}): server error {error!r}") from error
    assert response.status_code < 500, f"GET {path} ({what}): {response.status_code}"
    return response


@pytest.mark.parametrize("payload", PAYLOADS, ids=list(PAYLOADS))
@pytest.mark.parametrize("view_name", PAGE_NAMES)
def test_hostile_input_never_breaks_a_page(site, client, view_name, payload):
    assert view_name in site.pages, f"{view_name}: the crawl did not open it (see NOT_PAGES)"
    user, path = site.pages[view_name]
    value = PAYLOADS[payload]
    if user is not None:
        client.force_login(user)
    forms = site.page_forms[view_name]  # the state is the crawl's: each test is rolled back
    query_names = {"q", "page"} | {
        name for form in forms if form.method == "get" for name in form.names
    }
    _get(
        client,
        f"{urlsplit(path).path}?{_encode([(n, value) for n in sorted(query_names)])}",
        f"{payload} in the query",
    )

    for form in forms:
        if _view_name(urlsplit(form.action).path) in SKIPPED_ACTIONS:
            continue
        for names in _targets(form, payload):
            pairs = [(n, v) for n, v in form.fields if n not in names]
            pairs += [(name, value) for name in names]
            what = f"{payload} in {', '.join(names)}"
            response = _send(client, form, pairs, what)
            assert response.status_code < 500, f"{form.label}, {what}: {response.status_code}"
            _after(client, form, response, path, what)


# A field of a formset's second or later row: "results-1-target", "cost-12-planned".
LATER_FORMSET_ROW = re.compile(r"^[\w]+-[1-9][0-9]*-")


def _targets(form: Form, payload: str) -> list[list[str]]:
    """The groups of fields that get the payload in one submission each: date and number
    fields one at a time (so the others stay valid and a stored year 1 or 2**63 reaches the
    database), the other kinds all at once (they are refused or accepted field by field)."""
    groups: dict[str, list[str]] = {}
    singles: list[list[str]] = []
    for name in dict.fromkeys(form.names):
        kind = form.kinds.get(name)
        if name == "csrfmiddlewaretoken" or kind not in KINDS[payload]:
            continue
        if kind in ("date", "number") and LATER_FORMSET_ROW.match(name):
            # The same field of the formset's first row is tried; its other rows are the same
            # code (a task's 3 × 8 result, action and cost fields took minutes per payload).
            continue
        if kind in ("date", "number"):
            singles.append([name])
        else:
            groups.setdefault(kind, []).append(name)
    return singles + list(groups.values())


def _after(client, form: Form, response, path: str, what: str) -> None:
    """After a submission that was taken (a redirect): the page it led to and the form's page
    still answer, for everyone who opens them next."""
    if response.status_code in (301, 302, 303):
        target = _local_path(urljoin(form.action, response["Location"]))
        if target:
            _get(client, target, f"after {what} into {form.label}")
        _get(client, path, f"the form's page after {what} into {form.label}")


@pytest.mark.parametrize("view_name", PAGE_NAMES)
def test_each_form_submitted_as_shown_is_no_server_error(site, client, view_name):
    """A plain save: every form sent back exactly as the page shows it."""
    assert view_name in site.pages, f"{view_name}: the crawl did not open it (see NOT_PAGES)"
    user, path = site.pages[view_name]
    if user is not None:
        client.force_login(user)
    parser = _parse(path, _get(client, path, "as crawled").content.decode())
    for form in _one_of_each(parser.forms):
        if _view_name(urlsplit(form.action).path) in SKIPPED_ACTIONS:
            continue
        response = _send(client, form, form.as_shown, "as shown")
        assert response.status_code < 500, f"{form.label}, as shown: {response.status_code}"
        _after(client, form, response, path, "as shown")


def test_the_crawl_finds_the_forms_of_the_portal(site):
    forms_found = len(site.forms)
    not_reached = sorted(set(VIEW_NAMES) - set(site.pages))
    print(f"fuzzed forms: {forms_found}; pages: {len(site.pages)}; not reached: {not_reached}")
    assert forms_found >= MINIMUM_FORMS, f"only {forms_found} forms found"
    assert set(not_reached) == NOT_PAGES, "a page the crawl misses, or a view to list in NOT_PAGES"
