"""Who may open which volunteering page, and a partner coordinator never sees or changes
another organisation's people: lists, details, forms, exports, the grid, imports, certificates
and guessed ids."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.access import ALLOWED, DENIED, LOGIN, assert_outcome
from tests.volunteers.conftest import (
    make_entry,
    make_opportunity,
    make_shift,
    today,
)
from volunteers.models import (
    Agreement,
    Assignment,
    Certificate,
    ChildSafetyCheck,
    HoursEntry,
    WorkKind,
)

ROLES = ["staff", "partner_a", "team_member", None]

# view name -> (staff, partner_a, team_member, anonymous)
MATRIX = {
    "volunteers:apply": (ALLOWED, ALLOWED, ALLOWED, ALLOWED),
    "volunteers:applied": (ALLOWED, ALLOWED, ALLOWED, ALLOWED),
    "volunteers:volunteer_list": (ALLOWED, ALLOWED, DENIED, LOGIN),
    "volunteers:volunteer_create": (ALLOWED, ALLOWED, DENIED, LOGIN),
    "volunteers:volunteer_detail": (ALLOWED, ALLOWED, DENIED, LOGIN),
    "volunteers:volunteer_edit": (ALLOWED, ALLOWED, DENIED, LOGIN),
    "volunteers:opportunity_list": (ALLOWED, ALLOWED, DENIED, LOGIN),
    "volunteers:opportunity_create": (ALLOWED, ALLOWED, DENIED, LOGIN),
    "volunteers:opportunity_detail": (ALLOWED, ALLOWED, DENIED, LOGIN),
    "volunteers:opportunity_edit": (ALLOWED, ALLOWED, DENIED, LOGIN),
    "volunteers:hours_list": (ALLOWED, ALLOWED, DENIED, LOGIN),
    "volunteers:hours_create": (ALLOWED, ALLOWED, DENIED, LOGIN),
    "volunteers:hours_edit": (ALLOWED, ALLOWED, DENIED, LOGIN),
    "volunteers:hours_week": (ALLOWED, ALLOWED, DENIED, LOGIN),
    "volunteers:hours_import": (ALLOWED, ALLOWED, DENIED, LOGIN),
    "volunteers:approval": (ALLOWED, DENIED, DENIED, LOGIN),
    "volunteers:totals": (ALLOWED, ALLOWED, DENIED, LOGIN),
    "volunteers:export": (ALLOWED, ALLOWED, DENIED, LOGIN),
    "volunteers:settings": (ALLOWED, DENIED, DENIED, LOGIN),
    "volunteers:rates": (ALLOWED, DENIED, DENIED, LOGIN),
    "volunteers:work_kind_edit": (ALLOWED, DENIED, DENIED, LOGIN),
}
POST_ONLY = {
    "volunteers:volunteer_status",
    "volunteers:agreement_create",
    "volunteers:check_create",
    "volunteers:certificate_create",
    "volunteers:shift_create",
    "volunteers:assignment_create",
    "volunteers:assignment_delete",
    "volunteers:rate_delete",
}


@pytest.fixture
def objects(volunteer_a, organisation_a):
    opportunity = make_opportunity(organisation_a)
    entry = make_entry(volunteer_a)
    return {
        "volunteers:volunteer_detail": [volunteer_a.pk],
        "volunteers:volunteer_edit": [volunteer_a.pk],
        "volunteers:opportunity_detail": [opportunity.pk],
        "volunteers:opportunity_edit": [opportunity.pk],
        "volunteers:hours_edit": [entry.pk],
        "volunteers:export": ["entries"],
        "volunteers:work_kind_edit": [WorkKind.objects.first().pk],
    }


def test_the_matrix_covers_every_page():
    from volunteers.urls import urlpatterns

    names = {f"volunteers:{pattern.name}" for pattern in urlpatterns}
    assert names == set(MATRIX) | POST_ONLY


@pytest.mark.parametrize("view_name", MATRIX)
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=lambda i: ROLES[i] or "anonymous")
def test_each_role_gets_what_it_may(request, login, objects, view_name, role_index):
    role = ROLES[role_index]
    client = login(request.getfixturevalue(role) if role else None)

    response = client.get(reverse(view_name, args=objects.get(view_name, [])))

    expected = MATRIX[view_name][role_index]
    assert_outcome(response, expected)


# --- Another organisation's people ---------------------------------------------------------------


@pytest.fixture
def b_world(volunteer_b, organisation_b):
    opportunity = make_opportunity(organisation_b, title="Zadanie organizacji B")
    shift = make_shift(opportunity)
    assignment = Assignment.objects.create(shift=shift, volunteer=volunteer_b)
    entry = make_entry(volunteer_b, activity="Praca dla B")
    return {"opportunity": opportunity, "shift": shift, "entry": entry, "assignment": assignment}


@pytest.mark.parametrize(
    ("view_name", "key"),
    [
        ("volunteers:volunteer_detail", "volunteer"),
        ("volunteers:volunteer_edit", "volunteer"),
        ("volunteers:opportunity_detail", "opportunity"),
        ("volunteers:opportunity_edit", "opportunity"),
        ("volunteers:hours_edit", "entry"),
    ],
)
def test_another_organisations_pages_are_not_found(
    login, partner_a, volunteer_b, b_world, view_name, key
):
    target = volunteer_b if key == "volunteer" else b_world[key]
    response = login(partner_a).get(reverse(view_name, args=[target.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("view_name", "key", "data"),
    [
        ("volunteers:volunteer_status", "volunteer", {"status": "ended"}),
        (
            "volunteers:agreement_create",
            "volunteer",
            {
                "agreement-starts_on": "2026-01-01",
                "agreement-scope": "x",
                "agreement-signed_on": "2026-01-01",
            },
        ),
        (
            "volunteers:check_create",
            "volunteer",
            {"check-checked_on": "2026-01-01", "check-checked_by": "X", "check-registers": "R"},
        ),
        (
            "volunteers:certificate_create",
            "volunteer",
            {"certificate-period_from": "2026-01-01", "certificate-period_to": "2026-12-31"},
        ),
        (
            "volunteers:shift_create",
            "opportunity",
            {"starts_at": "2026-12-01T10:00", "ends_at": "2026-12-01T12:00", "needed": "2"},
        ),
        ("volunteers:assignment_create", "shift", {"volunteer": "1"}),
        ("volunteers:assignment_delete", "assignment", {}),
        ("volunteers:hours_edit", "entry", {"hours": "24", "date": "2026-01-01"}),
    ],
)
def test_another_organisations_data_cannot_be_changed(
    login, partner_a, volunteer_b, b_world, view_name, key, data
):
    target = volunteer_b if key == "volunteer" else b_world[key]
    before = (
        volunteer_b.status,
        Agreement.objects.count(),
        ChildSafetyCheck.objects.count(),
        Certificate.objects.count(),
        Assignment.objects.count(),
        list(HoursEntry.objects.values_list("quarters", "date")),
    )

    response = login(partner_a).post(reverse(view_name, args=[target.pk]), data)

    volunteer_b.refresh_from_db()
    assert response.status_code == 404
    assert before == (
        volunteer_b.status,
        Agreement.objects.count(),
        ChildSafetyCheck.objects.count(),
        Certificate.objects.count(),
        Assignment.objects.count(),
        list(HoursEntry.objects.values_list("quarters", "date")),
    )


def test_lists_and_exports_hold_only_the_own_organisation(
    login, partner_a, volunteer_a, volunteer_b, b_world
):
    make_entry(volunteer_a, activity="Praca dla A")
    client = login(partner_a)
    for url in (
        reverse("volunteers:volunteer_list"),
        reverse("volunteers:hours_list"),
        reverse("volunteers:totals"),
        reverse("volunteers:opportunity_list"),
        reverse("volunteers:hours_week"),
        reverse("volunteers:hours_create"),
        reverse("volunteers:export", args=["entries"]),
        reverse("volunteers:export", args=["totals"]),
        # Naming the other organisation in the query string changes nothing.
        reverse("volunteers:hours_list") + f"?organisation={volunteer_b.organisation_id}",
        reverse("volunteers:hours_week") + f"?organisation={volunteer_b.organisation_id}",
        reverse("volunteers:volunteer_list") + f"?organisation={volunteer_b.organisation_id}",
    ):
        body = client.get(url).getvalue().decode("utf-8-sig")
        assert "Beta" not in body and "Praca dla B" not in body, url
        assert "Zadanie organizacji B" not in body, url


def test_a_partner_cannot_log_hours_for_another_organisations_volunteer(
    login, partner_a, volunteer_a, volunteer_b
):
    client = login(partner_a)
    day = today() - datetime.timedelta(days=1)
    single = client.post(
        reverse("volunteers:hours_create"),
        {"volunteer": volunteer_b.pk, "date": day.isoformat(), "hours": "2", "activity": "x"},
    )
    grid = client.post(
        reverse("volunteers:hours_week") + f"?organisation={volunteer_b.organisation_id}",
        {f"h-{volunteer_b.pk}-{day.isoformat()}": "2", "activity": "x"},
    )
    imported = client.post(
        reverse("volunteers:hours_import"),
        {
            "file": SimpleUploadedFile(
                "godziny.csv",
                f"volunteer;date;hours;activity\r\nBogdan Beta;{day.isoformat()};2;x\r\n"
                f"{volunteer_b.pk};{day.isoformat()};2;x\r\n".encode(),
            )
        },
    )

    assert single.status_code == 200 and "volunteer" in single.context["form"].errors
    assert grid.status_code in (200, 302)
    assert imported.status_code == 200
    assert len(imported.context["result"].errors) == 2
    assert not HoursEntry.objects.filter(volunteer=volunteer_b).exists()


def test_a_partner_cannot_put_another_organisations_volunteer_on_its_shift(
    login, partner_a, organisation_a, volunteer_b
):
    shift = make_shift(make_opportunity(organisation_a))

    login(partner_a).post(
        reverse("volunteers:assignment_create", args=[shift.pk]), {"volunteer": volunteer_b.pk}
    )

    assert not Assignment.objects.exists()


def test_a_certificate_of_another_organisation_cannot_be_opened(
    login, partner_a, partner_b, volunteer_b, django_capture_on_commit_callbacks, tmp_path, settings
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    make_entry(volunteer_b, status="approved", days_ago=10)
    with django_capture_on_commit_callbacks(execute=False):
        login(partner_b).post(
            reverse("volunteers:certificate_create", args=[volunteer_b.pk]),
            {
                "certificate-period_from": (today() - datetime.timedelta(days=30)).isoformat(),
                "certificate-period_to": today().isoformat(),
            },
        )
    certificate = Certificate.objects.get()

    client = login(partner_a)
    assert (
        client.get(reverse("documents:detail", args=[certificate.document_id])).status_code == 404
    )
    assert (
        client.get(reverse("documents:download", args=[certificate.document_id])).status_code == 404
    )


def test_staff_see_every_organisation(login, staff, volunteer_a, volunteer_b):
    body = login(staff).get(reverse("volunteers:volunteer_list")).content.decode()
    assert "Alfa" in body and "Beta" in body
