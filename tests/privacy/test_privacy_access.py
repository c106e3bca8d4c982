"""Who may open the data-protection pages (PRIVACY.md §6): the DPO reads everything and changes
nothing, the OPS staff with the "Data requests" role read and change, nobody else gets in.

Each part of the privacy lifecycle keeps its matrix in a module-level dict whose name ends in
``MATRIX`` (``{"privacy:<name>": (outcome for each of ROLES)}``) in a ``tests/privacy/test_*.py``
module; :func:`test_every_privacy_page_is_in_some_matrix` checks that together they cover every
URL name of the ``privacy`` namespace.
"""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.privacy
from calportal.privacy.models import Breach, ProcessingActivity
from tests.access import ALLOWED, DENIED, LOGIN, NOT_FOUND, assert_outcome

ROLES = ["dpo", "data_officer", "staff", "partner_a", "team_member", None]
READ = (ALLOWED, ALLOWED, DENIED, DENIED, DENIED, LOGIN)
# The DPO reads the entry (the edit page shows it read-only) but may not save it.
READ_ENTRY = READ
WRITE = (DENIED, ALLOWED, DENIED, DENIED, DENIED, LOGIN)

# GET: url name -> outcome for each of ROLES
DPO_ACCESS_MATRIX = {
    "privacy:dpo": READ,
    "privacy:processing_list": READ,
    "privacy:processing_pdf": READ,
    "privacy:processing_xlsx": READ,
    "privacy:processing_create": WRITE,
    "privacy:processing_edit": READ_ENTRY,
    "privacy:breach_list": READ,
    "privacy:breach_create": WRITE,
    "privacy:breach_edit": READ_ENTRY,
}
# POST: the pages that take one -> outcome for each of ROLES (ALLOWED: not refused, i.e. the
# form answers with its errors or saves and redirects).
DPO_POST_MATRIX = {
    "privacy:processing_create": WRITE,
    "privacy:processing_edit": WRITE,
    "privacy:breach_create": WRITE,
    "privacy:breach_edit": WRITE,
}
READ_ONLY_PAGES = [
    "privacy:dpo",
    "privacy:processing_list",
    "privacy:processing_pdf",
    "privacy:processing_xlsx",
    "privacy:breach_list",
]


@pytest.fixture
def objects(db):
    from django.utils import timezone

    breach = Breach.objects.create(
        found_at=timezone.now(),
        description="Zgubiony pendrive",
        categories="uczestnicy",
        affected_count=3,
    )
    activity = ProcessingActivity.objects.order_by("pk").first()
    return {"privacy:processing_edit": [activity.pk], "privacy:breach_edit": [breach.pk]}


def _role_ids(index):
    return ROLES[index] or "anonymous"


@pytest.mark.parametrize("view_name", DPO_ACCESS_MATRIX)
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=_role_ids)
def test_each_role_gets_what_it_may(request, login, objects, view_name, role_index):
    role = ROLES[role_index]
    client = login(request.getfixturevalue(role) if role else None)

    response = client.get(reverse(view_name, args=objects.get(view_name, [])))

    assert_outcome(response, DPO_ACCESS_MATRIX[view_name][role_index], denied_page=True)


@pytest.mark.parametrize("view_name", DPO_POST_MATRIX)
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=_role_ids)
def test_each_role_may_post_only_what_it_may_change(request, login, objects, view_name, role_index):
    role = ROLES[role_index]
    client = login(request.getfixturevalue(role) if role else None)
    expected = DPO_POST_MATRIX[view_name][role_index]

    response = client.post(reverse(view_name, args=objects.get(view_name, [])), {})

    if expected == ALLOWED:  # an empty form: answered with its errors, nothing saved
        assert response.status_code == 200
        assert "error-summary" in response.content.decode()
    else:
        assert_outcome(response, expected)


@pytest.mark.parametrize("view_name", READ_ONLY_PAGES)
def test_a_read_only_page_refuses_a_post_even_from_a_data_officer(login, data_officer, view_name):
    response = login(data_officer).post(reverse(view_name))

    assert response.status_code in (403, 405)


@pytest.mark.parametrize("view_name", ["privacy:processing_edit", "privacy:breach_edit"])
def test_an_unknown_id_is_a_404(login, dpo, view_name):
    response = login(dpo).get(reverse(view_name, args=[999999]))

    assert_outcome(response, NOT_FOUND)


def _privacy_url_names(patterns=None, namespace=None) -> set[str]:
    names = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace and (
                f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            )
            names |= _privacy_url_names(entry.url_patterns, inner or namespace)
        elif isinstance(entry, URLPattern) and entry.name and namespace == "privacy":
            names.add(f"privacy:{entry.name}")
    return names


def _covered_url_names() -> set[str]:
    covered = set()
    for module_info in pkgutil.iter_modules(tests.privacy.__path__):
        if not module_info.name.startswith("test_"):
            continue
        module = importlib.import_module(f"tests.privacy.{module_info.name}")
        for attribute, value in vars(module).items():
            if attribute.endswith("MATRIX") and isinstance(value, dict):
                covered |= {key for key in value if isinstance(key, str)}
    return covered


def test_every_privacy_page_is_in_some_matrix():
    uncovered = sorted(_privacy_url_names() - _covered_url_names())

    assert not uncovered, f"privacy URL names in no *MATRIX of tests/privacy/: {uncovered}"
