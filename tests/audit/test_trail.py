"""The audit trail (PRIVACY.md §6): changes to personal data with the acting user, masked
special categories, who opened what, forgetting on anonymisation, the 3-year purge, and the
DPO's page."""

import datetime
import importlib
import json

import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from calportal.accounts.roles import Role
from calportal.audit import services
from calportal.audit.models import Access, AccessEvent
from calportal.audit.tracking import MASK
from initiatives.models import Participant, Registration, RegistrationStatus
from tests.access import ALLOWED, DENIED, LOGIN, assert_outcome
from tests.factories import EventFactory, ParticipantFactory, UserFactory
from tests.selfhelp.conftest import make_group, make_member, make_request

NEEDS = "Wózek inwalidzki, padaczka"


@pytest.fixture(autouse=True)
def audit_roles(db):
    """The audit app's grants, should a transactional test have flushed them (until
    tests/conftest.py's _role_permissions() lists the audit migration)."""
    from django.apps import apps

    from calportal.accounts.roles import grant

    migration = importlib.import_module("calportal.audit.migrations.0002_selfhelp_log_and_roles")
    dpo_role = Group.objects.filter(name=Role.DPO.value).first()
    if dpo_role is None or not dpo_role.permissions.filter(codename="view_accessevent").exists():
        grant(apps, migration.PERMISSIONS)


def entries_of(obj) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(obj).order_by("pk"))


def every_audit_text() -> str:
    """Every text the audit tables hold, as one string to search."""
    rows = [
        json.dumps(row, default=str)
        for row in LogEntry.objects.values(
            "object_repr",
            "changes",
            "changes_text",
            "serialized_data",
            "additional_data",
            "actor_email",
            "object_pk",
        )
    ]
    rows += [
        json.dumps(row, default=str)
        for row in AccessEvent.objects.values("action", "object_type", "object_id", "detail")
    ]
    return "\n".join(rows)


# --- Changes ------------------------------------------------------------------------------------


def test_a_change_to_a_participant_is_logged_with_the_acting_user(login, staff):
    keep = ParticipantFactory(first_name="Anna", last_name="Nowak", email="anna@example.org")
    duplicate = ParticipantFactory(first_name="Anna", last_name="Nowak", phone="+48601202303")

    response = login(staff).post(
        reverse("initiatives:participant_merge", args=[keep.pk, duplicate.pk])
    )

    assert response.status_code == 302
    update = LogEntry.objects.get_for_object(keep).filter(action=LogEntry.Action.UPDATE).get()
    assert update.actor == staff
    assert set(update.changes) == {"phone"}
    deletion = LogEntry.objects.get(
        object_pk=str(duplicate.pk),
        content_type__model="participant",
        action=LogEntry.Action.DELETE,
    )
    assert deletion.actor == staff
    # Never a name as the object's representation, never an IP address.
    assert update.object_repr == f"initiatives.participant #{keep.pk}"
    assert update.remote_addr is None


def test_masked_fields_never_store_the_text(db):
    event = EventFactory()
    registration = Registration.objects.create(
        event=event,
        participant=ParticipantFactory(),
        status=RegistrationStatus.CONFIRMED,
        accessibility_needs=NEEDS,
    )
    registration.accessibility_needs = "Pies asystujący"
    registration.save()
    registration.accessibility_needs = ""
    registration.save()

    created, changed, cleared = entries_of(registration)
    assert created.changes["accessibility_needs"] == ["", MASK]
    assert changed.changes == {"accessibility_needs": [MASK, MASK]}
    assert cleared.changes == {"accessibility_needs": [MASK, ""]}
    text = every_audit_text()
    assert "Wózek" not in text and "padaczka" not in text and "asystujący" not in text


def test_the_trail_shows_a_masked_field_as_changed(login, dpo):
    registration = Registration.objects.create(
        event=EventFactory(), participant=ParticipantFactory(), accessibility_needs=NEEDS
    )
    registration.accessibility_needs = "Pętla indukcyjna"
    registration.save()

    page = login(dpo).get(reverse("audit:trail"), {"kind": "change"}).content.decode()

    assert "zmienione" in page or "changed" in page
    assert "Wózek" not in page and "Pętla" not in page


def test_a_role_change_of_an_account_is_logged(db, staff):
    staff.groups.add(Group.objects.get(name=Role.DATA_REQUESTS.value))

    entry = LogEntry.objects.get_for_object(staff).filter(changes__has_key="groups").first()
    assert entry.changes["groups"] == {
        "type": "m2m",
        "operation": "add",
        "objects": [Role.DATA_REQUESTS.value],
    }


def test_logging_in_is_not_a_change_of_the_account(client, staff):
    before = LogEntry.objects.get_for_object(staff).count()

    client.force_login(staff)  # sets last_login

    assert LogEntry.objects.get_for_object(staff).count() == before


def test_self_help_identity_is_never_in_the_trail(roles):
    facilitator = UserFactory(role=Role.GROUP_FACILITATOR)
    group = make_group(facilitator)
    make_request(group)
    make_member(group)

    text = every_audit_text()
    for trace in ("Elżbieta", "Straciłam", "602345678", "Halina", "Żałobna", "601234567"):
        assert trace not in text
    assert LogEntry.objects.filter(content_type__app_label="selfhelp").count() == 2


# --- Openings -----------------------------------------------------------------------------------


def test_opening_an_events_registrations_writes_an_access_event(login, staff):
    event = EventFactory()

    login(staff).get(reverse("initiatives:event_registrations", args=[event.pk]))

    entry = AccessEvent.objects.get()
    assert (entry.user, entry.action, entry.object_type, entry.object_id) == (
        staff,
        Access.REGISTRATIONS,
        "initiatives.event",
        event.pk,
    )


def test_downloading_the_registrations_csv_is_an_export(login, staff):
    event = EventFactory()

    login(staff).get(reverse("initiatives:event_csv", args=[event.pk]))

    assert list(AccessEvent.objects.values_list("action", "detail")) == [(Access.EXPORT, "csv")]


def test_a_refused_view_is_not_logged(login, partner_a):
    event = EventFactory()

    login(partner_a).get(reverse("initiatives:event_registrations", args=[event.pk]))

    assert not AccessEvent.objects.exists()


def test_an_unknown_action_is_refused(staff):
    with pytest.raises(ValueError):
        services.record_access(staff, "looked_around")


def test_access_events_never_hold_the_persons_name(login, staff):
    person = ParticipantFactory(first_name="Bożena", last_name="Kwiatkowska")
    event = EventFactory()
    Registration.objects.create(
        event=event, participant=person, status=RegistrationStatus.CONFIRMED
    )

    client = login(staff)
    client.get(reverse("initiatives:event_registrations", args=[event.pk]))
    client.get(reverse("initiatives:participant_list"))
    services.record_access(staff, Access.SUBJECT_ACCESS_PACKAGE, person)

    text = "\n".join(json.dumps(row, default=str) for row in AccessEvent.objects.values())
    assert "Bożena" not in text and "Kwiatkowska" not in text
    assert AccessEvent.objects.filter(object_type="initiatives.participant").count() == 1


# --- Forgetting and purging ---------------------------------------------------------------------


def test_forget_leaves_no_name_or_email_in_any_audit_row(login, staff):
    person = ParticipantFactory(
        first_name="Bożena", last_name="Kwiatkowska", email="bozena.k@example.org"
    )
    registration = Registration.objects.create(
        event=EventFactory(), participant=person, accessibility_needs=NEEDS
    )
    person.phone = "+48601999888"
    person.save()
    services.record_access(staff, Access.PARTICIPANT, person)
    assert "Kwiatkowska" in every_audit_text()

    # As the anonymisation does: change the rows, then forget what the trail held of them.
    Participant.objects.filter(pk=person.pk).update(first_name="", last_name="", email="")
    cleared = services.forget([person, (Registration, [registration.pk])])

    assert cleared == 3  # the participant's creation and change, the registration's creation
    text = every_audit_text()
    for trace in ("Bożena", "Kwiatkowska", "bozena.k@example.org", "601999888"):
        assert trace not in text
    kept = LogEntry.objects.get_for_object(person).order_by("pk")
    assert [entry.action for entry in kept] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert all(entry.additional_data == {"data_removed": True} for entry in kept)
    assert all(entry.changes is None and entry.object_repr == "" for entry in kept)

    page = login(UserFactory(role=Role.DPO)).get(reverse("audit:trail")).content.decode()
    assert "Kwiatkowska" not in page


def test_a_delete_after_forget_in_the_same_transaction_is_stored_cleared(db):
    person = ParticipantFactory(first_name="Bożena", last_name="Kwiatkowska")

    with transaction.atomic():
        services.forget([person])
        Participant.objects.get(pk=person.pk).delete()  # writes the "deleted" entry

    deleted = LogEntry.objects.get(
        content_type__model="participant", object_pk=str(person.pk), action=2
    )
    assert deleted.changes is None and deleted.additional_data == {"data_removed": True}
    assert "Kwiatkowska" not in every_audit_text()
    # Nothing else is touched by what this transaction forgot.
    assert LogEntry.objects.get_for_object(ParticipantFactory(first_name="Ala")).get().changes


def test_forgetting_an_account_clears_its_email_from_what_it_did(login, staff):
    keep = ParticipantFactory()
    duplicate = ParticipantFactory(first_name=keep.first_name, last_name=keep.last_name)
    login(staff).post(reverse("initiatives:participant_merge", args=[keep.pk, duplicate.pk]))
    assert LogEntry.objects.filter(actor=staff, actor_email=staff.email).exists()

    services.forget([staff])

    assert LogEntry.objects.filter(actor=staff).exists()
    assert "staff@example.org" not in every_audit_text()


def test_forget_takes_model_labels_and_querysets_and_leaves_others_alone(db):
    forgotten, other = ParticipantFactory(), ParticipantFactory(first_name="Halina")

    services.forget([("initiatives.participant", Participant.objects.filter(pk=forgotten.pk))])

    assert LogEntry.objects.get_for_object(forgotten).get().changes is None
    assert LogEntry.objects.get_for_object(other).get().changes["first_name"][1] == "Halina"


def test_purge_deletes_only_older_entries(staff):
    cutoff = timezone.make_aware(datetime.datetime(2023, 11, 30))
    with time_machine.travel(cutoff - datetime.timedelta(days=1), tick=False):
        old_person = ParticipantFactory()
        services.record_access(staff, Access.PARTICIPANT, old_person)
    with time_machine.travel(cutoff, tick=False):
        new_person = ParticipantFactory()
        services.record_access(staff, Access.PARTICIPANT, new_person)

    before_changes = LogEntry.objects.count()
    deleted = services.purge_older_than(cutoff)

    assert deleted == (before_changes - LogEntry.objects.filter(timestamp__gte=cutoff).count()) + 1
    assert not LogEntry.objects.filter(timestamp__lt=cutoff).exists()
    assert LogEntry.objects.get_for_object(new_person).exists()
    assert list(AccessEvent.objects.values_list("object_id", flat=True)) == [new_person.pk]


# --- The DPO's page -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, expected",
    [
        ("dpo", ALLOWED),
        ("data_officer", ALLOWED),
        ("staff", DENIED),
        ("partner_a", DENIED),
        ("team_member", DENIED),
        (None, LOGIN),
    ],
)
def test_who_may_read_the_trail(request, client, login, role, expected):
    if role:
        client = login(request.getfixturevalue(role))
    assert_outcome(client.get(reverse("audit:trail")), expected)


def test_the_trail_lists_changes_and_openings_and_filters_them(login, dpo, staff):
    event = EventFactory()
    login(staff).get(reverse("initiatives:event_registrations", args=[event.pk]))
    ParticipantFactory()
    client = login(dpo)

    everything = client.get(reverse("audit:trail")).context["rows"]
    opened = client.get(reverse("audit:trail"), {"kind": "opened"}).context["rows"]
    changes = client.get(
        reverse("audit:trail"), {"kind": "change", "model": "initiatives.participant"}
    ).context["rows"]
    by_staff = client.get(reverse("audit:trail"), {"user": staff.pk}).context["rows"]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    later = client.get(reverse("audit:trail"), {"date_from": tomorrow.isoformat()}).context["rows"]

    assert {row.kind for row in everything} == {"change", "opened"}
    assert [(row.kind, row.user) for row in opened] == [("opened", staff)]
    assert changes and all(row.record.endswith(f"#{row.record.split('#')[1]}") for row in changes)
    assert {row.kind for row in changes} == {"change"}
    assert [row.kind for row in by_staff] == ["opened"]
    assert later == []


@pytest.mark.parametrize(
    "query",
    [
        {"user": "abc"},
        {"user": "99999999"},
        {"date_from": "2026-13-45"},
        {"date_from": "2026-12-01", "date_to": "2026-01-01"},
        {"kind": "everything"},
        {"model": "auth.permission"},
        {"page": "-1"},
        {"page": "x"},
    ],
)
def test_bad_filters_are_ignored_not_a_500(login, dpo, query):
    response = login(dpo).get(reverse("audit:trail"), query)
    assert response.status_code == 200


def test_the_trail_takes_the_same_number_of_queries_whatever_its_length(
    login, dpo, staff, django_assert_max_num_queries
):
    client = login(dpo)
    for _ in range(3):
        services.record_access(staff, Access.PARTICIPANTS)
        ParticipantFactory()
    client.get(reverse("audit:trail"))  # warm the session and the content types
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("audit:trail"))
    for _ in range(30):
        services.record_access(UserFactory(), Access.PARTICIPANTS)
        ParticipantFactory().save()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("audit:trail"))
    assert len(response.context["rows"]) == 50
