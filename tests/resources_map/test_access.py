"""Who may open which page of the map of needs and resources: every view, every role.

The roles' permissions come from ``resources_map/migrations/0002_roles.py``: the OPS staff may
do everything; a CAL team member views, adds and changes resources and needs, views areas,
moderates residents' reports and reads the diagnosis, but neither edits areas nor the
diagnosis's texts; a partner coordinator and an anonymous visitor see the public pages only.
Anonymous visitors are sent to log in; a logged-in role without the right gets 403.
"""

import pytest
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.urls import reverse

from calportal.documents.models import Document
from resources_map.models import Area, Diagnosis, Need, ReportStatus, ResidentReport, Resource
from tests.access import ALLOWED, DENIED, LOGIN, assert_outcome
from tests.resources_map.conftest import make_need, make_report, make_resource

ROLES = ["staff", "partner_a", "team_member", None]

PUBLIC = (ALLOWED, ALLOWED, ALLOWED, ALLOWED)
TEAM = (ALLOWED, DENIED, ALLOWED, LOGIN)
OPS_ONLY = (ALLOWED, DENIED, DENIED, LOGIN)

# case id -> (view name, URL kwargs key or fixed kwargs, outcome for (staff, partner_a,
# team_member, anonymous))
MATRIX = {
    "map": ("resources_map:map", None, PUBLIC),
    "geojson": ("resources_map:geojson", None, PUBLIC),
    "report": ("resources_map:report", None, PUBLIC),
    "report_thanks": ("resources_map:report_thanks", None, PUBLIC),
    "guide": ("resources_map:guide", None, PUBLIC),
    "resource_list": ("resources_map:resource_list", None, TEAM),
    "resource_create": ("resources_map:resource_create", None, TEAM),
    "resource_detail": ("resources_map:resource_detail", "resource", TEAM),
    "resource_edit": ("resources_map:resource_edit", "resource", TEAM),
    "need_list": ("resources_map:need_list", None, TEAM),
    "need_create": ("resources_map:need_create", None, TEAM),
    "need_detail": ("resources_map:need_detail", "need", TEAM),
    "need_edit": ("resources_map:need_edit", "need", TEAM),
    "area_list": ("resources_map:area_list", None, TEAM),
    "area_create": ("resources_map:area_create", None, OPS_ONLY),
    "area_edit": ("resources_map:area_edit", "area", OPS_ONLY),
    "area_population": ("resources_map:area_population", "area", OPS_ONLY),
    "report_list": ("resources_map:report_list", None, TEAM),
    "report_accept": ("resources_map:report_accept", "report", TEAM),
    "gaps": ("resources_map:gaps", None, TEAM),
    "diagnosis": ("resources_map:diagnosis", None, TEAM),
    "export_areas": ("resources_map:export", {"what": "areas"}, TEAM),
    "export_resources": ("resources_map:export", {"what": "resources"}, TEAM),
    "export_needs": ("resources_map:export", {"what": "needs"}, TEAM),
    "import_resources": ("resources_map:import", {"what": "resources"}, TEAM),
    "import_needs": ("resources_map:import", {"what": "needs"}, TEAM),
}


@pytest.fixture
def objects(area):
    return {
        "resource": make_resource(),
        "need": make_need([area]),
        "area": area,
        "report": make_report(area=area),
    }


def _url(case: str, objects: dict) -> str:
    view_name, kwargs, _expected = MATRIX[case]
    if isinstance(kwargs, str):
        return reverse(view_name, kwargs={"pk": objects[kwargs].pk})
    return reverse(view_name, kwargs=kwargs or {})


def _user(request, role):
    return request.getfixturevalue(role) if role else None


def _assert_outcome(response, expected: str) -> None:
    assert_outcome(response, expected, denied_page=True)


def _messages(response, level=None) -> list[str]:
    return [
        str(message)
        for message in get_messages(response.wsgi_request)
        if level is None or message.level == level
    ]


@pytest.mark.parametrize("case", MATRIX)
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=lambda i: ROLES[i] or "anonymous")
def test_each_role_gets_what_it_may(request, login, roles, objects, case, role_index):
    client = login(_user(request, ROLES[role_index]))

    response = client.get(_url(case, objects))

    _assert_outcome(response, MATRIX[case][2][role_index])


def test_every_url_of_the_app_is_in_the_matrix():
    from resources_map.urls import urlpatterns

    post_only = {"report_reject", "diagnosis_pdf"}
    in_matrix = {view_name.split(":")[1] for view_name, _kwargs, _expected in MATRIX.values()}
    assert {pattern.name for pattern in urlpatterns} == in_matrix | post_only


def test_exports_are_csv_files(login, staff, objects):
    client = login(staff)
    for what in ("areas", "resources", "needs"):
        response = client.get(reverse("resources_map:export", kwargs={"what": what}))

        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]


# --- The diagnosis: read by the team, its texts edited by the OPS only ------------------------


def test_the_team_member_reads_the_diagnosis_without_the_texts_form(login, team_member):
    response = login(team_member).get(reverse("resources_map:diagnosis"))

    assert response.status_code == 200
    assert response.context["form"] is None


def test_the_staff_see_the_diagnosis_texts_form(login, staff):
    response = login(staff).get(reverse("resources_map:diagnosis"))

    assert response.status_code == 200
    assert response.context["form"] is not None


def test_a_team_member_cannot_change_the_diagnosis_texts(login, team_member):
    before = Diagnosis.current().conclusions

    response = login(team_member).post(
        reverse("resources_map:diagnosis"),
        {"title": "Zmieniony tytuł", "conclusions": "Wnioski zespołu"},
    )

    assert response.status_code == 403
    assert "Brak dostępu do tej strony" in response.content.decode()
    diagnosis = Diagnosis.current()
    assert diagnosis.conclusions == before
    assert diagnosis.title != "Zmieniony tytuł"


def test_the_staff_change_the_diagnosis_texts(login, staff):
    response = login(staff).post(
        reverse("resources_map:diagnosis"),
        {"title": "Mapa 2026", "conclusions": "Wnioski OPS", "community": "", "action_plan": ""},
    )

    assert response.status_code == 302
    diagnosis = Diagnosis.current()
    assert (diagnosis.title, diagnosis.conclusions) == ("Mapa 2026", "Wnioski OPS")
    assert diagnosis.updated_by == staff


@pytest.mark.parametrize(
    ("role", "expected"),
    [("staff", ALLOWED), ("team_member", ALLOWED), ("partner_a", DENIED), (None, LOGIN)],
    ids=["staff", "team_member", "partner_a", "anonymous"],
)
def test_the_diagnosis_pdf_is_requested_by_post(request, login, roles, role, expected):
    client = login(_user(request, role))

    response = client.post(reverse("resources_map:diagnosis_pdf"))

    if expected == ALLOWED:
        document = Document.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("documents:detail", args=[document.pk])
        assert document.kind == "resources_map.diagnosis"
    else:
        _assert_outcome(response, expected)
        assert not Document.objects.exists()


def test_the_diagnosis_pdf_cannot_be_requested_by_get(login, staff):
    response = login(staff).get(reverse("resources_map:diagnosis_pdf"))

    assert response.status_code == 405
    assert not Document.objects.exists()


# --- Rejecting a resident's report: POST only ---------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "team_member"])
def test_a_moderator_rejects_a_report_with_a_reason(request, login, area, role):
    user = request.getfixturevalue(role)
    report = make_report(area=area)

    response = login(user).post(
        reverse("resources_map:report_reject", args=[report.pk]),
        {"reason": "Zgłoszenie dotyczy innej gminy."},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("resources_map:report_list")
    report.refresh_from_db()
    assert report.status == ReportStatus.REJECTED
    assert report.reject_reason == "Zgłoszenie dotyczy innej gminy."
    assert report.handled_by == user
    assert report.handled_at is not None


@pytest.mark.parametrize(
    ("role", "expected"), [("partner_a", DENIED), (None, LOGIN)], ids=["partner_a", "anonymous"]
)
def test_others_cannot_reject_a_report(request, login, roles, area, role, expected):
    report = make_report(area=area)

    response = login(_user(request, role)).post(
        reverse("resources_map:report_reject", args=[report.pk]), {"reason": "Spam"}
    )

    _assert_outcome(response, expected)
    report.refresh_from_db()
    assert report.status == ReportStatus.NEW
    assert report.reject_reason == ""


def test_a_reject_without_a_reason_leaves_the_report_new(login, team_member, area):
    report = make_report(area=area)

    response = login(team_member).post(
        reverse("resources_map:report_reject", args=[report.pk]), {"reason": "  "}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("resources_map:report_list")
    assert len(_messages(response, message_levels.ERROR)) == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.NEW
    assert report.handled_by is None


def test_the_reject_error_is_shown_on_the_report_list(login, team_member, area):
    report = make_report(area=area)

    response = login(team_member).post(
        reverse("resources_map:report_reject", args=[report.pk]), {}, follow=True
    )

    assert response.status_code == 200
    errors = [m for m in response.context["messages"] if m.level == message_levels.ERROR]
    assert len(errors) == 1
    assert str(errors[0]) in response.content.decode()


def test_a_handled_report_cannot_be_rejected_again(login, staff, area):
    report = make_report(area=area, status=ReportStatus.REJECTED, reject_reason="Pierwszy powód")

    response = login(staff).post(
        reverse("resources_map:report_reject", args=[report.pk]), {"reason": "Drugi powód"}
    )

    assert response.status_code == 302
    assert len(_messages(response, message_levels.ERROR)) == 1
    report.refresh_from_db()
    assert report.reject_reason == "Pierwszy powód"


def test_a_report_cannot_be_rejected_by_get(login, staff, area):
    report = make_report(area=area)

    response = login(staff).get(reverse("resources_map:report_reject", args=[report.pk]))

    assert response.status_code == 405
    report.refresh_from_db()
    assert report.status == ReportStatus.NEW


# --- Unknown ids and slugs -------------------------------------------------------------------


@pytest.mark.parametrize(
    "view_name",
    [
        "resources_map:resource_detail",
        "resources_map:resource_edit",
        "resources_map:need_detail",
        "resources_map:need_edit",
        "resources_map:area_edit",
        "resources_map:report_accept",
        "resources_map:report_reject",
    ],
)
def test_an_unknown_id_is_a_404_not_a_500(login, staff, view_name):
    client = login(staff)
    url = reverse(view_name, args=[999999])

    response = client.post(url, {"reason": "x"}) if "reject" in view_name else client.get(url)

    assert response.status_code == 404
    assert "Nie znaleziono strony" in response.content.decode()


@pytest.mark.parametrize("view_name", ["resources_map:export", "resources_map:import"])
@pytest.mark.parametrize("role", ["staff", None], ids=["staff", "anonymous"])
def test_an_unknown_export_or_import_is_a_404(request, login, roles, view_name, role):
    response = login(_user(request, role)).get(reverse(view_name, kwargs={"what": "users"}))

    assert response.status_code == 404


# --- POSTs that must be refused ---------------------------------------------------------------


def _resource_data() -> dict:
    return {
        "name": "Sala parafialna",
        "resource_class": "material",
        "kind": "room",
        "topic": "other",
        "conditions": "free",
        "latitude": "52.0889",
        "longitude": "17.0150",
    }


def _need_data(area: Area) -> dict:
    return {
        "title": "Brak transportu do przychodni",
        "description": "Seniorzy z wsi nie mają jak dojechać.",
        "areas": [area.pk],
        "severity": "3",
        "found_by": "survey",
        "identified_on": "2026-03-01",
        "status": "identified",
    }


@pytest.mark.parametrize(
    ("role", "expected"), [("partner_a", DENIED), (None, LOGIN)], ids=["partner_a", "anonymous"]
)
def test_others_cannot_create_a_resource_or_a_need(request, login, roles, area, role, expected):
    client = login(_user(request, role))

    resource_response = client.post(reverse("resources_map:resource_create"), _resource_data())
    need_response = client.post(reverse("resources_map:need_create"), _need_data(area))

    _assert_outcome(resource_response, expected)
    _assert_outcome(need_response, expected)
    assert not Resource.objects.exists()
    assert not Need.objects.exists()


def test_the_team_member_creates_a_resource_and_a_need(login, team_member, area):
    client = login(team_member)

    resource_response = client.post(reverse("resources_map:resource_create"), _resource_data())
    need_response = client.post(reverse("resources_map:need_create"), _need_data(area))

    resource, need = Resource.objects.get(), Need.objects.get()
    assert resource_response["Location"] == reverse(
        "resources_map:resource_detail", args=[resource.pk]
    )
    assert need_response["Location"] == reverse("resources_map:need_detail", args=[need.pk])
    assert list(need.areas.all()) == [area]


def test_a_team_member_cannot_create_or_change_an_area(login, team_member, area):
    client = login(team_member)
    data = {"name": "Psarskie", "kind": "village"}

    create_response = client.post(reverse("resources_map:area_create"), data)
    edit_response = client.post(reverse("resources_map:area_edit", args=[area.pk]), data)

    assert create_response.status_code == 403
    assert edit_response.status_code == 403
    assert list(Area.objects.values_list("name", flat=True)) == ["Centrum"]


def test_a_partner_cannot_accept_a_report(login, partner_a, area):
    report = make_report(area=area)

    response = login(partner_a).post(
        reverse("resources_map:report_accept", args=[report.pk]), _need_data(area)
    )

    assert response.status_code == 403
    assert not Need.objects.exists()
    assert ResidentReport.objects.get().status == ReportStatus.NEW
