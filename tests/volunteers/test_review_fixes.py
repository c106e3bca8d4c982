"""Cases found in review: each was possible before and must stay impossible."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from calportal.accounts.roles import Role
from tests.factories import EventFactory, InitiativeFactory, UserFactory
from tests.initiatives.conftest import pl
from tests.volunteers.conftest import (
    make_entry,
    make_opportunity,
    make_shift,
    make_volunteer,
    today,
)
from volunteers import services
from volunteers.models import (
    Assignment,
    Certificate,
    ChildSafetyCheck,
    EntryStatus,
    HoursEntry,
    Volunteer,
    VolunteerStatus,
)


def yesterday() -> str:
    return (today() - datetime.timedelta(days=1)).isoformat()


def test_a_post_without_a_clear_action_decides_nothing(login, staff, volunteer_a):
    entry = make_entry(volunteer_a)

    login(staff).post(reverse("volunteers:approval"), {"entry": [entry.pk], "reason": "x"})

    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED


def test_hours_on_work_with_children_need_a_valid_check(login, partner_a, organisation_a):
    volunteer = make_volunteer(organisation_a, 1)
    opportunity = make_opportunity(organisation_a, involves_children=True)
    client = login(partner_a)
    data = {
        "volunteer": volunteer.pk,
        "date": yesterday(),
        "hours": "2",
        "opportunity": opportunity.pk,
    }

    refused = client.post(reverse("volunteers:hours_create"), data)
    assert refused.status_code == 200 and not HoursEntry.objects.exists()

    ChildSafetyCheck.objects.create(volunteer=volunteer, checked_on=today(), checked_by="X")
    ChildSafetyCheck.objects.filter(volunteer=volunteer).update(
        checked_on=today() - datetime.timedelta(days=30)
    )
    assert client.post(reverse("volunteers:hours_create"), data).status_code == 302


def test_hours_cannot_name_another_organisations_opportunity(
    login, staff, volunteer_a, organisation_b
):
    other = make_opportunity(organisation_b, title="Zadanie B")

    response = login(staff).post(
        reverse("volunteers:hours_create"),
        {"volunteer": volunteer_a.pk, "date": yesterday(), "hours": "2", "opportunity": other.pk},
    )

    assert response.status_code == 200
    assert not HoursEntry.objects.exists()


def test_an_opportunity_cannot_turn_to_children_work_with_unchecked_volunteers_on_it(
    login, partner_a, organisation_a
):
    opportunity = make_opportunity(organisation_a)
    volunteer = make_volunteer(organisation_a, 1)
    Assignment.objects.create(shift=make_shift(opportunity), volunteer=volunteer)

    response = login(partner_a).post(
        reverse("volunteers:opportunity_edit", args=[opportunity.pk]),
        {"organisation": organisation_a.pk, "title": "Piknik", "involves_children": "on"},
    )

    opportunity.refresh_from_db()
    assert response.status_code == 200
    assert "involves_children" in response.context["form"].errors
    assert not opportunity.involves_children


def test_a_minor_is_not_made_active_or_given_hours_without_a_guardians_consent(
    login, partner_a, organisation_a
):
    minor = make_volunteer(
        organisation_a, 1, birth_year=today().year - 15, status=VolunteerStatus.APPLICANT
    )
    client = login(partner_a)

    client.post(reverse("volunteers:volunteer_status", args=[minor.pk]), {"status": "active"})
    minor.refresh_from_db()
    assert minor.status == VolunteerStatus.APPLICANT

    Volunteer.objects.filter(pk=minor.pk).update(status=VolunteerStatus.ACTIVE)
    response = client.post(
        reverse("volunteers:hours_create"),
        {"volunteer": minor.pk, "date": yesterday(), "hours": "2", "activity": "x"},
    )
    assert response.status_code == 200 and not HoursEntry.objects.exists()


def test_pausing_a_volunteer_frees_their_coming_shifts(login, partner_a, organisation_a):
    volunteer = make_volunteer(organisation_a, 1)
    shift = make_shift(make_opportunity(organisation_a), needed=1)
    services.assignment_create(shift_id=shift.pk, volunteer=volunteer, user=partner_a)

    login(partner_a).post(
        reverse("volunteers:volunteer_status", args=[volunteer.pk]), {"status": "paused"}
    )

    shift.refresh_from_db()
    assert shift.assigned_count == 0 and not Assignment.objects.exists()


def test_partners_are_offered_public_initiatives_and_their_own_only(
    login, partner_a, organisation_a, organisation_b
):
    public = InitiativeFactory(title="Piknik publiczny", is_public=True)
    own = InitiativeFactory(title="Wewnętrzne A", is_public=False, lead_organisation=organisation_a)
    hidden = InitiativeFactory(
        title="Wewnętrzne B", is_public=False, lead_organisation=organisation_b
    )
    hidden_event = EventFactory(initiative=hidden)
    client = login(partner_a)

    for url in (reverse("volunteers:hours_create"), reverse("volunteers:opportunity_create")):
        choices = {str(i) for i in client.get(url).context["form"].fields["initiative"].queryset}
        assert {public.title, own.title} <= choices and hidden.title not in choices
    prefilled = client.get(reverse("volunteers:opportunity_create") + f"?event={hidden_event.pk}")
    assert "Wewnętrzne B" not in prefilled.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/manage/volunteering/hours/week/?week=9999-W52",
        "/manage/volunteering/hours/week/?week=1-W1",
        "/manage/volunteering/opportunities/new/?event=%C2%B2",
        "/manage/volunteering/opportunities/new/?event=" + "9" * 30,
        "/manage/volunteering/hours/?month=2026-13&page=x",
    ],
)
def test_odd_query_strings_never_break_pages(login, partner_a, url):
    assert login(partner_a).get(url).status_code == 200


def test_an_impossible_date_in_a_csv_is_a_row_error(login, partner_a, volunteer_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = login(partner_a).post(
        reverse("volunteers:hours_import"),
        {
            "file": SimpleUploadedFile(
                "h.csv", b"volunteer;date;hours;activity\r\nAnna Alfa;2026-02-30;2;x\r\n"
            )
        },
    )

    assert response.status_code == 200
    assert "2026-02-30" in response.context["result"].errors[0]


def test_an_edited_entry_stays_with_its_volunteer(login, partner_a, organisation_a, volunteer_a):
    other = make_volunteer(organisation_a, 9)
    entry = make_entry(volunteer_a)

    login(partner_a).post(
        reverse("volunteers:hours_edit", args=[entry.pk]),
        {
            "volunteer": other.pk,
            "date": yesterday(),
            "hours": "3",
            "activity": "x",
            "with_children": "no",
        },
    )

    entry.refresh_from_db()
    assert entry.volunteer == volunteer_a and entry.quarters == 12


def test_editing_an_opportunity_keeps_an_older_event(login, partner_a, organisation_a):
    event = EventFactory(starts_at=timezone.now() - datetime.timedelta(days=90))
    opportunity = make_opportunity(organisation_a, event=event, initiative=event.initiative)

    form = login(partner_a).get(reverse("volunteers:opportunity_edit", args=[opportunity.pk]))

    assert event in form.context["form"].fields["event"].queryset


def test_certificates_are_open_to_everyone_who_may_see_the_volunteer(
    login, partner_a, organisation_a, staff, volunteer_a, django_capture_on_commit_callbacks
):
    colleague = UserFactory(organisation=organisation_a, role=Role.PARTNER_COORDINATOR)
    make_entry(volunteer_a, status="approved", days_ago=5)
    with django_capture_on_commit_callbacks(execute=False):
        login(staff).post(
            reverse("volunteers:certificate_create", args=[volunteer_a.pk]),
            {
                "certificate-period_from": (today() - datetime.timedelta(days=30)).isoformat(),
                "certificate-period_to": today().isoformat(),
            },
        )
    document_id = Certificate.objects.get().document_id

    assert login(colleague).get(reverse("documents:detail", args=[document_id])).status_code == 200


def test_certificate_numbers_keep_counting_past_9999(staff, volunteer_a):
    make_entry(volunteer_a, status="approved", days_ago=5)
    Certificate.objects.create(
        number=f"ZW/{today().year}/9999",
        year=today().year,
        sequence=9999,
        volunteer=volunteer_a,
        period_from=today(),
        period_to=today(),
        total_quarters=1,
    )
    for _ in range(2):
        services.certificate_issue(
            volunteer=volunteer_a,
            period_from=today() - datetime.timedelta(days=30),
            period_to=today(),
            user=staff,
            language="pl",
        )

    numbers = sorted(Certificate.objects.values_list("sequence", flat=True))
    assert numbers == [9999, 10000, 10001]


def test_the_certificate_keeps_the_kinds_of_work_of_its_day(staff, volunteer_a):
    from volunteers.documents import certificate as build

    make_entry(volunteer_a, status="approved", days_ago=5, quarters=8, activity="Festyn")
    issued = services.certificate_issue(
        volunteer=volunteer_a,
        period_from=today() - datetime.timedelta(days=30),
        period_to=today(),
        user=staff,
        language="pl",
    )
    make_entry(volunteer_a, status="approved", days_ago=4, quarters=8, activity="Później")

    kinds = build({"certificate_id": issued.pk}).context["kinds"]
    assert kinds == [{"label": "Festyn", "hours": 2}]


def test_applications_that_never_started_are_deleted_after_six_months(organisation_a, volunteer_a):
    from volunteers.tasks import purge_stale_applications

    old = make_volunteer(organisation_a, 3, status=VolunteerStatus.APPLICANT)
    recent = make_volunteer(organisation_a, 4, status=VolunteerStatus.APPLICANT)
    worked = make_volunteer(organisation_a, 5, status=VolunteerStatus.ENDED)
    make_entry(worked, days_ago=300)
    Volunteer.objects.filter(pk__in=[old.pk, worked.pk]).update(
        created_at=timezone.now() - datetime.timedelta(days=200)
    )

    assert purge_stale_applications() == 1

    assert set(Volunteer.objects.values_list("pk", flat=True)) == {
        volunteer_a.pk,
        recent.pk,
        worked.pk,
    }


def test_the_week_grid_tells_screen_readers_what_is_already_logged(login, partner_a, volunteer_a):
    monday = today() - datetime.timedelta(days=today().weekday() + 7)
    make_entry(volunteer_a, days_ago=(today() - monday).days)
    iso = monday.isocalendar()

    body = (
        login(partner_a)
        .get(reverse("volunteers:hours_week") + f"?week={iso[0]}-W{iso[1]:02d}")
        .content.decode()
    )

    key = f"h-{volunteer_a.pk}-{monday.isoformat()}"
    assert f'aria-describedby=" {key}-logged"' in body
    assert f'id="{key}-logged"' in body
    assert pl("Choose whether to approve or reject the ticked entries.")
