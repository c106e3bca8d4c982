"""Applications, agreements and checks, shifts, certificates and reminders."""

import datetime
import shutil
import subprocess

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from calportal.documents.models import Document
from calportal.outbox.services import deliver_due
from tests.conftest import require
from tests.initiatives.conftest import pl
from tests.volunteers.conftest import (
    make_entry,
    make_opportunity,
    make_shift,
    make_volunteer,
    today,
)
from volunteers import selectors
from volunteers.models import (
    Assignment,
    Certificate,
    ChildSafetyCheck,
    Shift,
    Volunteer,
    VolunteerStatus,
)


def apply_data(organisation, **changes) -> dict:
    data = {
        "first_name": "Ewa",
        "last_name": "Nowa",
        "birth_year": "2000",
        "phone": "601 234 567",
        "organisation": organisation.pk,
        "availability": ["mon_pm", "sat_am"],
        "consent": "on",
    }
    data.update(changes)
    return data


def test_a_resident_applies_and_waits_in_the_chosen_organisations_queue(
    client, partner_a, organisation_a
):
    response = client.post(reverse("volunteers:apply"), apply_data(organisation_a))

    volunteer = Volunteer.objects.get()
    assert response.status_code == 302
    assert (volunteer.organisation, volunteer.status) == (organisation_a, VolunteerStatus.APPLICANT)
    assert volunteer.availability == ["mon_pm", "sat_am"]
    assert volunteer.phone == "601234567"
    assert volunteer.consent_given_at is not None


def test_a_bad_application_is_explained_and_nothing_is_saved(client, partner_a, organisation_a):
    no_contact = client.post(
        reverse("volunteers:apply"), apply_data(organisation_a, phone="", consent="")
    )
    spam = client.post(reverse("volunteers:apply"), apply_data(organisation_a, hp_check="x"))

    body = no_contact.content.decode()
    assert pl("Give an e-mail address or a phone number, so that we can reach you.") in body
    assert pl("Please tick the consent: without it we cannot contact you.") in body
    assert 'value="Ewa"' in body
    assert spam.status_code == 200
    assert not Volunteer.objects.exists()


def test_only_organisations_with_a_coordinator_take_applications(
    client, partner_a, organisation_a, organisation_b
):
    response = client.post(reverse("volunteers:apply"), apply_data(organisation_b))

    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not Volunteer.objects.exists()


def test_active_volunteers_working_30_days_without_an_agreement_are_listed(
    login, partner_a, organisation_a
):
    old_hand = make_volunteer(organisation_a, 1, last_name="Bezumowy")
    make_entry(old_hand, days_ago=45)
    newcomer = make_volunteer(organisation_a, 2, last_name="Nowicjusz")
    make_entry(newcomer, days_ago=10)

    page = login(partner_a).get(reverse("volunteers:volunteer_list"))

    assert [volunteer.last_name for volunteer in page.context["lacking"]] == ["Bezumowy"]


def test_a_minor_needs_a_guardians_consent(login, partner_a, organisation_a):
    response = login(partner_a).post(
        reverse("volunteers:volunteer_create"),
        {
            "organisation": organisation_a.pk,
            "first_name": "Kuba",
            "last_name": "Młody",
            "birth_year": str(today().year - 15),
            "status": "active",
        },
    )

    assert (
        pl("A volunteer under 18 needs the written consent of a parent or guardian.")
        in (response.context["form"].errors["guardian_consent_on"])
    )
    assert not Volunteer.objects.exists()


# --- Shifts --------------------------------------------------------------------------------------


def test_a_shift_takes_no_more_volunteers_than_it_needs(login, partner_a, organisation_a):
    shift = make_shift(make_opportunity(organisation_a), needed=1)
    first, second = (make_volunteer(organisation_a, n) for n in (1, 2))
    client = login(partner_a)

    client.post(reverse("volunteers:assignment_create", args=[shift.pk]), {"volunteer": first.pk})
    response = client.post(
        reverse("volunteers:assignment_create", args=[shift.pk]),
        {"volunteer": second.pk},
        follow=True,
    )

    shift.refresh_from_db()
    assert shift.assigned_count == 1
    assert list(Assignment.objects.values_list("volunteer", flat=True)) == [first.pk]
    assert pl("The shift already has all the volunteers it needs.") in response.content.decode()


def test_work_with_children_needs_a_valid_check(login, partner_a, organisation_a):
    shift = make_shift(make_opportunity(organisation_a, involves_children=True))
    volunteer = make_volunteer(organisation_a, 1)
    client = login(partner_a)
    ChildSafetyCheck.objects.create(
        volunteer=volunteer,
        checked_on=today() - datetime.timedelta(days=800),
        checked_by="X",
        valid_until=today() - datetime.timedelta(days=1),  # expired
    )

    refused = client.post(
        reverse("volunteers:assignment_create", args=[shift.pk]),
        {"volunteer": volunteer.pk},
        follow=True,
    )
    assert not Assignment.objects.exists()
    assert "valid check" in refused.content.decode() or refused.context["messages"]

    ChildSafetyCheck.objects.create(volunteer=volunteer, checked_on=today(), checked_by="Y")
    client.post(
        reverse("volunteers:assignment_create", args=[shift.pk]), {"volunteer": volunteer.pk}
    )
    assert Assignment.objects.count() == 1


def test_overlapping_shifts_are_warned_about_but_allowed(login, partner_a, organisation_a):
    volunteer = make_volunteer(organisation_a, 1)
    first = make_shift(make_opportunity(organisation_a, title="Piknik"))
    second = make_shift(make_opportunity(organisation_a, title="Kawiarenka"))
    Shift.objects.filter(pk=second.pk).update(
        starts_at=first.starts_at + datetime.timedelta(hours=1),
        ends_at=first.ends_at + datetime.timedelta(hours=1),
    )
    client = login(partner_a)
    client.post(
        reverse("volunteers:assignment_create", args=[first.pk]), {"volunteer": volunteer.pk}
    )

    response = client.post(
        reverse("volunteers:assignment_create", args=[second.pk]),
        {"volunteer": volunteer.pk},
        follow=True,
    )

    assert Assignment.objects.count() == 2
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1 and "Piknik" in warnings[0]


def test_taking_a_volunteer_off_a_shift_frees_the_place(login, partner_a, organisation_a):
    shift = make_shift(make_opportunity(organisation_a), needed=1)
    volunteer = make_volunteer(organisation_a, 1)
    client = login(partner_a)
    client.post(
        reverse("volunteers:assignment_create", args=[shift.pk]), {"volunteer": volunteer.pk}
    )

    client.post(reverse("volunteers:assignment_delete", args=[Assignment.objects.get().pk]))

    shift.refresh_from_db()
    assert shift.assigned_count == 0 and not Assignment.objects.exists()


# --- Certificates --------------------------------------------------------------------------------


def test_the_certificate_pdf_shows_the_periods_approved_hours(
    login, partner_a, volunteer_a, django_capture_on_commit_callbacks, tmp_path, settings
):
    require(bool(shutil.which("pdftotext")), "poppler-utils is not installed")
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    make_entry(volunteer_a, days_ago=20, quarters=10, status="approved", activity="Festyn")
    make_entry(volunteer_a, days_ago=10, quarters=7, status="approved", activity="Biuro")
    make_entry(volunteer_a, days_ago=5, quarters=40, status="submitted")  # not approved
    make_entry(volunteer_a, days_ago=100, quarters=40, status="approved")  # outside the period
    client = login(partner_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("volunteers:certificate_create", args=[volunteer_a.pk]),
            {
                "certificate-period_from": (today() - datetime.timedelta(days=30)).isoformat(),
                "certificate-period_to": today().isoformat(),
            },
        )

    certificate = Certificate.objects.get()
    assert certificate.number == f"ZW/{today().year}/0001"
    assert response["Location"] == reverse("documents:detail", args=[certificate.document_id])
    document = Document.objects.get()
    pdf = b"".join(client.get(reverse("documents:download", args=[document.pk])).streaming_content)
    (tmp_path / "zaswiadczenie.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "zaswiadczenie.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert "Anna Alfa" in text
    assert certificate.number in text
    assert "4,25" in text  # 2.5 h + 1.75 h
    assert "Festyn" in text and "Biuro" in text


def test_no_certificate_without_approved_hours(login, partner_a, volunteer_a):
    response = login(partner_a).post(
        reverse("volunteers:certificate_create", args=[volunteer_a.pk]),
        {
            "certificate-period_from": (today() - datetime.timedelta(days=30)).isoformat(),
            "certificate-period_to": today().isoformat(),
        },
        follow=True,
    )

    assert not Certificate.objects.exists()
    assert pl("%(name)s has no approved hours in this period.") % {"name": "Anna Alfa"} in (
        response.content.decode()
    )


# --- Reminders -----------------------------------------------------------------------------------


@pytest.mark.clock
def test_coordinators_hear_on_monday_about_last_weeks_missing_hours(
    partner_a, organisation_a, volunteer_a
):
    from volunteers.tasks import remind_missing_hours

    logged = make_volunteer(organisation_a, 2, last_name="Wpisany")
    monday = today() - datetime.timedelta(days=today().weekday() + 7)
    for volunteer in (volunteer_a, logged):
        shift = make_shift(make_opportunity(organisation_a), days_ahead=0)
        Shift.objects.filter(pk=shift.pk).update(
            starts_at=timezone.make_aware(datetime.datetime.combine(monday, datetime.time(10))),
            ends_at=timezone.make_aware(datetime.datetime.combine(monday, datetime.time(12))),
        )
        Assignment.objects.create(shift=shift, volunteer=volunteer)
    make_entry(logged, days_ago=(today() - monday).days)

    assert remind_missing_hours() == 1
    assert remind_missing_hours() == 0  # a second run (two beats, a retry) queues nothing
    assert deliver_due() == 1

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [partner_a.email]
    assert "Anna Alfa" in message.body and "Wpisany" not in message.body


def test_volunteers_are_reminded_once_before_a_shift(
    organisation_a, volunteer_a, django_capture_on_commit_callbacks
):
    from volunteers.tasks import remind_shift_volunteers

    shift = make_shift(make_opportunity(organisation_a, place="Rynek 1"), days_ahead=0)
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=timezone.now() + datetime.timedelta(hours=20),
        ends_at=timezone.now() + datetime.timedelta(hours=22),
    )
    Assignment.objects.create(shift=shift, volunteer=volunteer_a)

    with django_capture_on_commit_callbacks(execute=True):
        assert remind_shift_volunteers() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_shift_volunteers() == 0

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [volunteer_a.email]
    assert "Rynek 1" in mail.outbox[0].body


def test_selectors_scope_by_organisation(partner_a, staff, volunteer_a, volunteer_b):
    assert list(selectors.volunteers_for(partner_a)) == [volunteer_a]
    assert set(selectors.volunteers_for(staff)) == {volunteer_a, volunteer_b}
