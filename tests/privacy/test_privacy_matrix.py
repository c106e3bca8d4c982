"""The role matrices of the retention and consent pages (the other parts keep theirs next to
their tests): every URL name × every role, GET and, for the actions, POST."""

import pytest
from django.urls import reverse

from calportal.privacy import consent
from calportal.privacy.models import RetentionRun
from tests.access import ALLOWED, DENIED, LOGIN, assert_outcome
from tests.factories import ParticipantFactory

ROLES = ["dpo", "data_officer", "staff", "partner_a", "team_member", None]
READ = (ALLOWED, ALLOWED, DENIED, DENIED, DENIED, LOGIN)
WRITE = (DENIED, ALLOWED, DENIED, DENIED, DENIED, LOGIN)
PUBLIC = (ALLOWED,) * len(ROLES)
# A person's consents: the OPS staff who take a withdrawal by phone (not the DPO, who reads
# the registry but not the people).
PERSON = (DENIED, ALLOWED, ALLOWED, DENIED, DENIED, LOGIN)
REDIRECTED = "redirected"

RETENTION_MATRIX = {
    "privacy:retention": READ,
    "privacy:retention_rule_edit": WRITE,
    "privacy:retention_dry_run": READ,
    "privacy:retention_due_soon": READ,
    "privacy:retention_runs": READ,
    "privacy:retention_run": READ,
}
CONSENT_MATRIX = {
    "privacy:consent_list": READ,
    "privacy:consent_detail": READ,
    "privacy:consent_create": WRITE,
    "privacy:consent_public": PUBLIC,
    "privacy:consent_withdrawn": PUBLIC,
    "privacy:consent_subject": PERSON,
}
# POST-only actions: who is refused (DENIED / LOGIN) and who gets through (REDIRECTED).
CONSENT_POST_MATRIX = {
    "privacy:consent_withdraw": (DENIED, REDIRECTED, REDIRECTED, DENIED, DENIED, LOGIN),
    "privacy:consent_renew": (DENIED, DENIED, DENIED, DENIED, DENIED, LOGIN),
    "privacy:consent_withdraw_personal": ("not found",) * len(ROLES),
}


@pytest.fixture
def objects(roles):
    participant = ParticipantFactory()
    run = RetentionRun.objects.create(dry_run=True, counts={"registration": 2})
    person = ["participant", participant.pk]
    return {
        "privacy:retention_rule_edit": ["accessibility_needs"],
        "privacy:retention_run": [run.pk],
        "privacy:consent_detail": [consent.current_text("event_signup", "pl").pk],
        "privacy:consent_public": ["event_signup"],
        "privacy:consent_subject": person,
        "privacy:consent_withdraw": person,
        "privacy:consent_renew": person,
        "privacy:consent_withdraw_personal": ["not-a-valid-token"],
    }


def _client(request, login, index):
    role = ROLES[index]
    return login(request.getfixturevalue(role) if role else None)


@pytest.mark.parametrize("view_name", {**RETENTION_MATRIX, **CONSENT_MATRIX})
@pytest.mark.parametrize("index", range(len(ROLES)), ids=lambda i: ROLES[i] or "anonymous")
def test_each_role_gets_what_it_may(request, login, objects, view_name, index):
    expected = {**RETENTION_MATRIX, **CONSENT_MATRIX}[view_name][index]
    response = _client(request, login, index).get(
        reverse(view_name, args=objects.get(view_name, []))
    )

    assert_outcome(response, expected)


@pytest.mark.parametrize("view_name", CONSENT_POST_MATRIX)
@pytest.mark.parametrize("index", range(len(ROLES)), ids=lambda i: ROLES[i] or "anonymous")
def test_each_role_may_post_only_what_it_may(request, login, objects, view_name, index):
    expected = CONSENT_POST_MATRIX[view_name][index]
    response = _client(request, login, index).post(
        reverse(view_name, args=objects.get(view_name, [])), {"channel": "phone"}
    )

    if expected == REDIRECTED:
        assert response.status_code == 302
        assert "/login/" not in response["Location"]
    else:
        assert_outcome(response, expected)
