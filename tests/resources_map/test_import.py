"""CSV import of resources and needs: encodings, delimiters, labels, all-or-nothing errors.

Messages are asserted by what does not depend on their translation: row numbers, column names,
the values the user typed, and what ends up in the database.
"""

import datetime
import re
from decimal import Decimal
from html import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from initiatives.models import TargetGroup
from resources_map import csv_io
from resources_map.forms import ResourceForm
from resources_map.models import (
    Area,
    AreaKind,
    FoundBy,
    Need,
    Resource,
    ResourceClass,
    ResourceKind,
)
from tests.resources_map.conftest import make_need, make_resource

SWIETLICA = "Świetlica wiejska w Psarskiem"
KOLO = "Koło Gospodyń Wiejskich „Źródło” — żółć, łąka"


@pytest.fixture
def psarskie(db):
    return Area.objects.create(name="Psarskie", kind=AreaKind.VILLAGE)


@pytest.fixture
def client_staff(login, staff):
    return login(staff)


def upload(client, what: str, content: str | bytes, *, filename: str = "dane.csv"):
    raw = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(
        reverse("resources_map:import", kwargs={"what": what}),
        {"file": SimpleUploadedFile(filename, raw, content_type="text/csv")},
    )


def csv_text(*lines: str) -> str:
    return "\r\n".join(lines) + "\r\n"


# The columns with a model default (topic, conditions; severity, status, identified_on) are
# given in most files here: a file without them is refused, see
# test_a_file_with_only_the_required_columns_is_imported.
RESOURCE_DEFAULTS = ("topic;conditions", "other;free")
NEED_DEFAULTS = ("severity;status;identified_on", "2;identified;01.03.2026")


def resources_csv(header: str, *rows: str) -> str:
    columns, values = RESOURCE_DEFAULTS
    return csv_text(f"{header};{columns}", *(f"{row};{values}" if row else row for row in rows))


def needs_csv(header: str, *rows: str) -> str:
    columns, values = NEED_DEFAULTS
    return csv_text(f"{header};{columns}", *(f"{row};{values}" if row else row for row in rows))


def import_errors(response) -> list[str]:
    """The import's error report, checked to be shown on the page."""
    assert response.status_code == 200
    result = response.context["result"]
    assert result is not None
    assert not result.ok
    page = response.content.decode()
    assert 'id="error-summary"' in page
    for error in result.errors:
        assert escape(error) in page
    return result.errors


def row_numbers(errors: list[str]) -> list[int]:
    """The row number each error starts with ("Row 3: …" / "Wiersz 3: …")."""
    numbers = []
    for error in errors:
        match = re.match(r"\D*?(\d+)\s*:", error)
        assert match, f"error without a row number: {error}"
        numbers.append(int(match.group(1)))
    return numbers


def assert_imported(response, what: str = "resources") -> None:
    assert response.status_code == 302, response.context and response.context["result"]
    target = "resources_map:resource_list" if what == "resources" else "resources_map:need_list"
    assert response["Location"] == reverse(target)


def polish_label(choice) -> str:
    with translation.override("pl"):
        return str(choice.label)


def english_label(choice) -> str:
    with translation.override("en"):
        return str(choice.label)


# --- Encodings and delimiters -----------------------------------------------------------------


@pytest.mark.parametrize("bom", ["", "\ufeff"], ids=["utf8", "utf8-bom"])
def test_a_utf8_file_with_semicolons_is_imported(client_staff, psarskie, bom):
    content = bom + resources_csv(
        "name;class;kind;area;latitude;longitude;public",
        f"{SWIETLICA};material;room;Psarskie;52.0600;17.0500;tak",
        f"{KOLO};human;skill;;;;nie",
    )

    response = upload(client_staff, "resources", content)

    assert_imported(response)
    swietlica = Resource.objects.get(name=SWIETLICA)
    assert swietlica.area == psarskie
    assert swietlica.is_public is True
    assert (swietlica.latitude, swietlica.longitude) == (Decimal("52.06"), Decimal("17.05"))
    kolo = Resource.objects.get(name=KOLO)
    assert (kolo.resource_class, kolo.kind) == (ResourceClass.HUMAN, ResourceKind.SKILL)
    assert kolo.is_public is False
    assert kolo.latitude is None


def test_a_windows_1250_file_is_imported_with_polish_letters(client_staff, roles):
    zabno = Area.objects.create(name="Żabno", kind=AreaKind.VILLAGE)
    content = resources_csv(
        "name;class;kind;area;address;description",
        f"{SWIETLICA};Material;room;Żabno;ul. Łąkowa 5;Sala z kuchnią, świetna na spotkania",
        "Pracownia ceramiki „Glinianka”;material;premises;żabno;;Źdźbło",
    ).encode("cp1250")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")

    response = upload(client_staff, "resources", content)

    assert_imported(response)
    assert sorted(Resource.objects.values_list("name", flat=True)) == [
        "Pracownia ceramiki „Glinianka”",
        SWIETLICA,
    ]
    swietlica = Resource.objects.get(name=SWIETLICA)
    assert swietlica.area == zabno
    assert swietlica.address == "ul. Łąkowa 5"
    assert swietlica.description == "Sala z kuchnią, świetna na spotkania"
    assert Resource.objects.get(kind=ResourceKind.PREMISES).description == "Źdźbło"


def test_a_comma_delimited_file_with_decimal_commas_is_imported(client_staff, roles):
    content = csv_text(
        "name,class,kind,latitude,longitude,topic,conditions",
        f'{SWIETLICA},material,room,"52,0889","17,015",other,free',
        "Bus gminny,material,transport,52.1,17.02,seniors,request",
    )

    response = upload(client_staff, "resources", content)

    assert_imported(response)
    swietlica = Resource.objects.get(name=SWIETLICA)
    assert (swietlica.latitude, swietlica.longitude) == (Decimal("52.0889"), Decimal("17.015"))
    bus = Resource.objects.get(name="Bus gminny")
    assert (bus.latitude, bus.longitude) == (Decimal("52.1"), Decimal("17.02"))


def test_a_semicolon_file_with_decimal_commas_is_imported(roles):
    result = csv_io.import_resources(
        resources_csv(
            "name;class;kind;latitude;longitude", f"{SWIETLICA};material;room;52,0889;17,015"
        ).encode("cp1250")
    )

    assert result.ok, result.errors
    assert (result.created, result.updated) == (1, 0)
    resource = Resource.objects.get()
    assert resource.name == SWIETLICA
    assert resource.latitude == Decimal("52.0889")


def test_a_tab_delimited_file_is_imported(roles):
    result = csv_io.import_resources(
        csv_text(
            "name\tclass\tkind\ttopic\tconditions", f"{SWIETLICA}\tmaterial\troom\tother\tfree"
        ).encode("utf-8")
    )

    assert result.ok, result.errors
    assert Resource.objects.get().name == SWIETLICA


# --- Choices by label -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label",
    [
        # The Polish labels ("Materialne", "Sala do wypożyczenia" once translated).
        lambda choice: polish_label(choice),
        lambda choice: polish_label(choice).upper(),
        lambda choice: english_label(choice),
        lambda choice: f"  {choice.value}  ",
    ],
    ids=["polish", "polish-upper", "english", "code"],
)
def test_choices_may_be_given_by_label_or_code(client_staff, roles, label):
    content = csv_text(
        "name;class;kind;conditions;topic",
        f"{SWIETLICA};{label(ResourceClass.MATERIAL)};{label(ResourceKind.ROOM)};free;seniors",
        f"Kasa seniora;{label(ResourceClass.FINANCIAL)};{label(ResourceKind.FUNDING_SOURCE)};"
        "free;seniors",
    )

    response = upload(client_staff, "resources", content)

    assert_imported(response)
    swietlica = Resource.objects.get(name=SWIETLICA)
    assert (swietlica.resource_class, swietlica.kind) == ("material", "room")
    kasa = Resource.objects.get(name="Kasa seniora")
    assert (kasa.resource_class, kasa.kind) == ("financial", "funding")


def test_a_need_choice_may_be_given_by_its_polish_label(client_staff, area):
    content = csv_text(
        "title;description;areas;found_by;severity;status;identified_on",
        f"Samotność;Opis;Centrum;{polish_label(FoundBy.STATISTICS)};3;identified;2026-03-01",
    )

    response = upload(client_staff, "needs", content)

    assert_imported(response, "needs")
    need = Need.objects.get()
    assert (need.found_by, need.severity) == (FoundBy.STATISTICS, 3)


def test_target_groups_may_be_given_by_code_or_label(roles):
    seniors = TargetGroup.objects.get(code="seniors_60")
    families = TargetGroup.objects.get(code="families")
    with translation.override("pl"):
        families_label = str(families)

    result = csv_io.import_resources(
        resources_csv(
            "name;class;kind;target_groups",
            f"{SWIETLICA};material;room;seniors_60|{families_label}",
        ).encode("utf-8")
    )

    assert result.ok, result.errors
    assert set(Resource.objects.get().target_groups.all()) == {seniors, families}


# Only the required columns: the others take the model's defaults (topic, conditions, severity…).
@pytest.mark.parametrize(
    ("what", "content"),
    [
        ("resources", csv_text("name;class;kind", f"{SWIETLICA};material;room")),
        ("needs", csv_text("title;description;areas;found_by", "Samotność;Opis;Centrum;survey")),
    ],
    ids=["resources", "needs"],
)
def test_a_file_with_only_the_required_columns_is_imported(client_staff, area, what, content):
    response = upload(client_staff, what, content)

    assert_imported(response, what)
    if what == "resources":
        resource = Resource.objects.get()
        assert (resource.name, resource.topic, resource.conditions) == (SWIETLICA, "other", "free")
    else:
        need = Need.objects.get()
        assert (need.severity, need.status) == (2, "identified")
        assert list(need.areas.all()) == [area]


# --- Wrong files ------------------------------------------------------------------------------


def test_missing_and_unknown_columns_are_named_and_nothing_is_imported(client_staff, roles):
    content = csv_text("name;class;colour", f"{SWIETLICA};material;zielony")

    errors = import_errors(upload(client_staff, "resources", content))

    assert len(errors) == 1
    # "kind" is named as missing, and again in the list of expected columns.
    assert errors[0].count("kind") == 2
    assert "colour" in errors[0]
    assert not Resource.objects.exists()


def test_a_needs_file_without_areas_names_the_missing_column(client_staff, area):
    content = csv_text("title;description;found_by", "Samotność;Opis;survey")

    errors = import_errors(upload(client_staff, "needs", content))

    assert len(errors) == 1
    assert errors[0].count("areas") == 2
    assert not Need.objects.exists()


def test_a_repeated_column_is_named(roles):
    result = csv_io.import_resources(
        csv_text("name;class;kind;name", f"{SWIETLICA};material;room;Inna").encode("utf-8")
    )

    assert len(result.errors) == 1
    assert "name" in result.errors[0]
    assert not Resource.objects.exists()


GOOD_ROW = f"{SWIETLICA};material;room;;52.0889;17.015;"


@pytest.mark.parametrize(
    ("bad_row", "field", "shown"),
    [
        ("Sala OSP;material;room;Nibylandia;52.0889;17.015;", None, "Nibylandia"),
        ("Sala OSP;material;room;;50.0;17.015;", "latitude", "50.0"),
        ("Sala OSP;material;room;;52.0889;;", "latitude", None),
        ("Sala OSP;material;skill;;;;", "kind", None),
        ("Fundacja;institutional;ngo;;;;", "organisation", None),
        ("Sala OSP;material;room;;;;może", None, "może"),
        ("Sala OSP;material;room;;;;;nadmiar", None, None),
        ("Sala OSP;materialne-ish;room;;;;", "resource_class", "materialne-ish"),
    ],
    ids=[
        "unknown-area",
        "point-outside-the-municipality",
        "half-a-point",
        "kind-of-another-class",
        "institutional-without-organisation",
        "public-neither-yes-nor-no",
        "more-values-than-columns",
        "unknown-class",
    ],
)
def test_one_bad_row_stops_the_whole_import(client_staff, area, bad_row, field, shown):
    content = resources_csv("name;class;kind;area;latitude;longitude;public", GOOD_ROW, bad_row)

    errors = import_errors(upload(client_staff, "resources", content))

    assert row_numbers(errors) == [3]
    if field:
        assert str(ResourceForm().fields[field].label) in errors[0]
    if shown:
        assert shown in errors[0]
    assert Resource.objects.count() == 0


def test_every_bad_row_is_reported_with_its_number(roles):
    result = csv_io.import_resources(
        resources_csv(
            "name;class;kind;latitude;longitude",
            f"{SWIETLICA};material;room;52.0889;17.015",
            "Zła;material;skill;;",
            "",
            "Też zła;material;room;50.0;17.0",
            f"{KOLO};human;skill;;",
        ).encode("utf-8")
    )

    assert row_numbers(result.errors) == [3, 5]
    assert Resource.objects.count() == 0


def test_a_utf16_file_with_a_byte_order_mark_is_imported(client_staff, roles):
    content = csv_text("name\tclass\tkind", f"{SWIETLICA}\tmaterial\troom").encode("utf-16")

    assert_imported(upload(client_staff, "resources", content))
    assert Resource.objects.get().name == SWIETLICA


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_utf16_file_without_a_byte_order_mark_is_refused_with_a_clear_message(
    client_staff, roles, encoding
):
    content = csv_text("name;class;kind", f"{SWIETLICA};material;room").encode(encoding)

    errors = import_errors(upload(client_staff, "resources", content))

    assert len(errors) == 1
    assert "UTF-16" in errors[0]
    assert "UTF-8" in errors[0]
    assert not Resource.objects.exists()


def test_an_empty_upload_is_refused_by_the_form(client_staff, roles):
    response = upload(client_staff, "resources", b"")

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert response.context["result"] is None
    assert not Resource.objects.exists()


@pytest.mark.parametrize(
    "content",
    [b"\r\n  \r\n", b"\xef\xbb\xbf", b"name;class;kind\r\n;;\r\n"],
    ids=["blank-lines", "bom-only", "header-only"],
)
def test_a_file_without_data_gives_a_message(client_staff, roles, content):
    errors = import_errors(upload(client_staff, "resources", content))

    assert len(errors) == 1
    assert not Resource.objects.exists()


def test_import_reads_empty_bytes_without_crashing(roles):
    for run_import in (csv_io.import_resources, csv_io.import_needs):
        result = run_import(b"")
        assert not result.ok
        assert len(result.errors) == 1
        assert (result.created, result.updated) == (0, 0)


# --- Round trip: export, edit, import -----------------------------------------------------------


def _export(client, what: str) -> str:
    response = client.get(reverse("resources_map:export", kwargs={"what": what}))
    assert response.status_code == 200
    return response.content.decode("utf-8-sig")


def test_an_exported_file_edited_and_imported_back_updates_the_records(client_staff, area):
    seniors = TargetGroup.objects.get(code="seniors_60")
    library = make_resource(
        name="Sala w bibliotece",
        area=area,
        target_groups=[seniors],
        internal_notes="Klucz u pani Basi",
    )
    bus = make_resource(name="Bus gminny", kind=ResourceKind.TRANSPORT, is_public=False)
    exported = _export(client_staff, "resources")
    assert "Sala w bibliotece" in exported

    response = upload(
        client_staff,
        "resources",
        exported.replace("Sala w bibliotece", "Sala w bibliotece — nowa nazwa").encode("utf-8"),
    )

    assert_imported(response)
    assert Resource.objects.count() == 2
    library.refresh_from_db()
    assert library.name == "Sala w bibliotece — nowa nazwa"
    # Fields the file does not carry keep their values.
    assert library.internal_notes == "Klucz u pani Basi"
    assert list(library.target_groups.all()) == [seniors]
    assert library.area == area
    bus.refresh_from_db()
    assert (bus.name, bus.is_public) == ("Bus gminny", False)


def test_reimporting_an_export_unchanged_only_updates(client_staff, area):
    make_resource(name="Sala w bibliotece", area=area)
    make_resource(name="Bus gminny", kind=ResourceKind.TRANSPORT)
    exported = _export(client_staff, "resources")

    result = csv_io.import_resources(exported.encode("utf-8-sig"))

    assert result.ok, result.errors
    assert (result.created, result.updated) == (0, 2)
    assert Resource.objects.count() == 2


def test_an_unknown_id_is_an_error_and_nothing_is_changed(client_staff, roles):
    library = make_resource(name="Sala w bibliotece")
    header, row = _export(client_staff, "resources").splitlines()
    ghost = row.replace(f"{library.pk};Sala w bibliotece;", "999999;Nieistniejąca sala;")
    assert ghost != row
    edited = csv_text(header, row.replace("Sala w bibliotece", "Nowa nazwa"), ghost)

    errors = import_errors(upload(client_staff, "resources", edited))

    assert row_numbers(errors) == [3]
    assert "999999" in errors[0]
    assert Resource.objects.count() == 1
    library.refresh_from_db()
    assert library.name == "Sala w bibliotece"


def test_a_needs_file_round_trips_without_duplicates(client_staff, area, psarskie):
    resource = make_resource()
    need = make_need([area, psarskie])
    need.resources.set([resource])
    exported = _export(client_staff, "needs")

    response = upload(client_staff, "needs", exported.replace(need.title, "Samotność seniorów"))

    assert_imported(response, "needs")
    assert Need.objects.count() == 1
    need.refresh_from_db()
    assert need.title == "Samotność seniorów"
    assert set(need.areas.all()) == {area, psarskie}
    assert list(need.resources.all()) == [resource]


# --- Needs: areas separated by | --------------------------------------------------------------


def test_a_need_in_two_areas_gets_both(client_staff, area, psarskie):
    content = needs_csv(
        "title;description;areas;found_by;target_groups",
        "Brak transportu;Nie ma jak dojechać do przychodni.;Centrum | psarskie;survey;seniors_60",
    )

    response = upload(client_staff, "needs", content)

    assert_imported(response, "needs")
    need = Need.objects.get()
    assert set(need.areas.all()) == {area, psarskie}
    assert need.identified_on == datetime.date(2026, 3, 1)
    assert [group.code for group in need.target_groups.all()] == ["seniors_60"]


def test_unknown_area_names_of_a_need_are_reported(client_staff, area):
    content = needs_csv(
        "title;description;areas;found_by",
        "Samotność;Seniorzy nie wychodzą z domu.;Centrum;survey",
        "Brak transportu;Nie ma jak dojechać.;Centrum|Nibylandia|Atlantyda;survey",
    )

    errors = import_errors(upload(client_staff, "needs", content))

    assert row_numbers(errors) == [3]
    assert "Nibylandia" in errors[0]
    assert "Atlantyda" in errors[0]
    assert "Centrum" not in errors[0]
    assert not Need.objects.exists()


def test_a_need_without_any_area_is_refused(area):
    result = csv_io.import_needs(
        needs_csv("title;description;areas;found_by", "Samotność;Opis;;survey").encode("utf-8")
    )

    assert row_numbers(result.errors) == [2]
    assert not Need.objects.exists()


# --- Who may import ---------------------------------------------------------------------------


def test_a_team_member_may_import_and_a_partner_may_not(login, team_member, partner_a, area):
    content = resources_csv("name;class;kind", f"{SWIETLICA};material;room")

    partner_response = upload(login(partner_a), "resources", content)
    assert partner_response.status_code == 403
    assert not Resource.objects.exists()

    assert_imported(upload(login(team_member), "resources", content))
    assert Resource.objects.get().name == SWIETLICA


# --- Found in review: files that used to crash, values that did not survive a round trip ----


def test_an_unclosed_quotation_mark_in_a_big_file_is_explained(client_staff):
    rows = [f'"{SWIETLICA};material;room'] + [f"Sala {n};material;room" for n in range(6000)]
    response = upload(client_staff, "resources", resources_csv("name;class;kind", *rows))

    errors = import_errors(response)
    assert len(errors) == 1 and "CSV" in errors[0]
    assert Resource.objects.count() == 0


@pytest.mark.parametrize("weird_id", ["²", "1" * 40, "-1", "1.5"])
def test_an_id_that_is_not_a_number_is_reported_on_its_row(client_staff, weird_id):
    response = upload(
        client_staff,
        "resources",
        resources_csv("id;name;class;kind", f"{weird_id};Sala;material;room"),
    )

    assert row_numbers(import_errors(response)) == [2]
    assert Resource.objects.count() == 0


def test_a_phone_protected_by_the_export_comes_back_unchanged(client_staff):
    from tests.resources_map.conftest import make_resource

    make_resource(name="Punkt", contact_phone="+48 61 283 51 00", description="-10% dla seniorów")
    exported = client_staff.get(reverse("resources_map:export", args=["resources"]))
    text = exported.content.decode("utf-8-sig")
    assert "'+48 61 283 51 00" in text  # a spreadsheet must not run it as a formula

    assert_imported(upload(client_staff, "resources", text))

    resource = Resource.objects.get()
    assert resource.contact_phone == "612835100"  # the same number, in the stored form
    assert resource.description == "-10% dla seniorów"


def test_updating_rows_by_id_takes_the_right_to_change(client_staff, staff):
    from django.contrib.auth.models import Permission

    from tests.resources_map.conftest import make_resource

    resource = make_resource(name="Stara nazwa")
    staff.groups.clear()
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_resource", "view_resource"])
    )

    response = upload(
        client_staff,
        "resources",
        resources_csv("id;name;class;kind", f"{resource.pk};Nowa;material;room"),
    )

    assert row_numbers(import_errors(response)) == [2]
    resource.refresh_from_db()
    assert resource.name == "Stara nazwa"
