"""A municipality's areas from files: boundaries from GeoJSON, residents from the GUS Local Data
Bank (Bank Danych Lokalnych, BDL).

**Boundaries** — a GeoJSON ``FeatureCollection`` (RFC 7946: UTF-8, WGS 84 longitude/latitude),
one feature per town district (osiedle) or village (sołectwo), each a ``Polygon`` or
``MultiPolygon`` with these properties:

* ``name`` — the area's name;
* ``teryt`` (or ``TERYT``, ``kod``) — its seven-digit TERYT code (SIMC for a village);
* ``kind`` (optional) — ``district``/``osiedle`` or ``village``/``sołectwo``; a village when
  not given.

An area already in the portal with the same TERYT code (or, without one, the same name) is
updated; any other is added. Areas not in the file are left as they are.

**Residents** — a CSV file as BDL exports a table in the vertical layout ("układ pionowy"),
e.g. *Ludność → Stan ludności → Ludność wg pojedynczych roczników wieku i płci*, state on 31
December: the columns ``Kod;Nazwa;Wiek;Płeć;Rok;Wartosc`` (``Jednostka miary`` and ``Atrybut``
and any other column are ignored; names are matched without case or Polish letters). ``Kod`` is
the area's TERYT code, ``Wiek`` a single year of age (``0`` … ``99``, ``100 i więcej``), a band
inside one of the portal's age groups (``60-64``, ``65-69`` …, ``85 i więcej``) or one of the
groups themselves (``0-17``, ``18-54``, ``55-59``, ``60-64``, ``65+``); ``Płeć`` is
``kobiety``/``mężczyźni``; rows of ``ogółem`` (totals) are skipped. UTF-8 or Windows-1250,
``;`` or ``,`` (:func:`calportal.csv_files.decode`). The figures of each area, year, sex and
age group are added up and replace what the area had for that year.

Nothing is imported unless both files are right: :func:`import_areas` raises
:class:`AreaImportError` with every bad feature and row, each with its reason.
"""

import csv
import io
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from calportal import public_cache
from calportal.csv_files import ImportFileError, decode
from resources_map import geo
from resources_map.models import Area, AreaKind, PopulationAgeGroup, Sex
from resources_map.population import population_replace

TERYT = re.compile(r"^\d{7}$")
KINDS = {
    "district": AreaKind.DISTRICT,
    "osiedle": AreaKind.DISTRICT,
    "village": AreaKind.VILLAGE,
    "solectwo": AreaKind.VILLAGE,
}
SEXES = {
    "kobiety": Sex.FEMALE,
    "women": Sex.FEMALE,
    "female": Sex.FEMALE,
    "mezczyzni": Sex.MALE,
    "men": Sex.MALE,
    "male": Sex.MALE,
}
TOTALS = {"ogolem", "total"}
GROUPS = [  # (first age, last age or None, group)
    (0, 17, PopulationAgeGroup.CHILDREN),
    (18, 54, PopulationAgeGroup.WORKING),
    (55, 59, PopulationAgeGroup.AGE_55_59),
    (60, 64, PopulationAgeGroup.AGE_60_64),
    (65, None, PopulationAgeGroup.AGE_65_PLUS),
]
_AGE_FROM = re.compile(r"^(\d{1,3})\s*(?:lat|lata|rok)?\s*(?:i\s*wiecej|\+|and\s*over)$")
_AGE_BAND = re.compile(r"^(\d{1,3})\s*[-–]\s*(\d{1,3})\s*(?:lat|lata)?$")
_AGE_ONE = re.compile(r"^(\d{1,3})\s*(?:lat|lata|rok)?$")
COLUMNS = {"kod": "code", "nazwa": "name", "wiek": "age", "plec": "sex", "rok": "year"}
VALUE_COLUMNS = ("wartosc", "value")
# Rows listed one by one in an error report; the rest are counted.
MAX_PROBLEMS = 200


class AreaImportError(Exception):
    """The files cannot be imported; ``problems`` says, feature by feature and row by row, why
    (translated). Nothing was imported."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class AreaImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    # {area name: [years]} whose residents were replaced
    population: dict[str, list[int]] = field(default_factory=dict)


@dataclass
class _Feature:
    name: str
    teryt: str
    kind: str
    boundary: dict


def _plain(text: str) -> str:
    """Lower case without Polish letters and spaces at the ends: "Płeć" → "plec"."""
    text = unicodedata.normalize("NFKD", (text or "").strip().lower().replace("ł", "l"))
    return "".join(char for char in text if not unicodedata.combining(char))


def read_boundaries(raw: bytes) -> tuple[list[_Feature], list[str], set[str]]:
    """The features of a boundaries file, the problems found (none: all can be imported) and
    the TERYT codes the file names (those of refused features too, so that their residents are
    not reported again as of an unknown area)."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return [], [_("The boundaries file is not UTF-8 text, as GeoJSON must be.")], set()
    except (ValueError, RecursionError) as error:
        return (
            [],
            [
                _("The boundaries file is not valid JSON: %(error)s.")
                % {"error": getattr(error, "msg", error)}
            ],
            set(),
        )
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not features:
        return (
            [],
            [_("The boundaries file must be a GeoJSON FeatureCollection with features.")],
            set(),
        )
    found, problems = [], []
    seen_codes, seen_names = {}, {}
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        properties = properties if isinstance(properties, dict) else {}
        name = str(properties.get("name") or "").strip()
        where = (
            _("Feature %(number)s (“%(name)s”)") % {"number": number, "name": name[:100]}
            if name
            else _("Feature %(number)s") % {"number": number}
        )
        reasons = []
        if not name or len(name) > 100:
            reasons.append(_("the name is missing or longer than 100 characters"))
        code = str(
            next((properties[key] for key in ("teryt", "TERYT", "kod") if key in properties), "")
        ).strip()
        if not TERYT.match(code):
            reasons.append(_("the TERYT code must be seven digits (property “teryt”)"))
        kind_text = _plain(str(properties.get("kind") or "village"))
        kind = KINDS.get(kind_text)
        if kind is None:
            reasons.append(_("the kind must be “district” or “village”"))
        boundary = None
        try:
            boundary = geo.parse_boundary(
                json.dumps(feature.get("geometry") if isinstance(feature, dict) else None),
                within=geo.WORLD,
            )
        except (ValidationError, TypeError, ValueError) as error:
            messages = getattr(error, "messages", [str(error)])
            reasons.append(
                _("bad geometry: %(error)s")
                % {"error": " ".join(message.rstrip(".") for message in messages)}
            )
        if boundary is None and not any(reason.startswith(_("bad geometry")) for reason in reasons):
            reasons.append(_("bad geometry: the feature has no Polygon or MultiPolygon"))
        if code in seen_codes:
            reasons.append(
                _("TERYT code %(code)s is also feature %(other)s")
                % {"code": code, "other": seen_codes[code]}
            )
        if name and _plain(name) in seen_names:
            reasons.append(
                _("the name is also feature %(other)s") % {"other": seen_names[_plain(name)]}
            )
        if TERYT.match(code):
            seen_codes.setdefault(code, number)
        seen_names.setdefault(_plain(name), number)
        if reasons:
            problems.append(f"{where}: {'; '.join(reasons)}.")
        else:
            found.append(_Feature(name=name, teryt=code, kind=kind, boundary=boundary))
    return found, problems, set(seen_codes)


def _age_group(label: str) -> tuple[str | None, str | None]:
    """``(group, None)`` for an age label, ``(None, None)`` for a total, or ``(None, reason)``."""
    text = _plain(label)
    if text in TOTALS:
        return None, None
    if text in {group.value for group in PopulationAgeGroup}:
        return text, None
    first = last = None
    if match := _AGE_FROM.match(text):
        first, last = int(match.group(1)), None
    elif match := _AGE_BAND.match(text):
        first, last = int(match.group(1)), int(match.group(2))
    elif match := _AGE_ONE.match(text):
        first = last = int(match.group(1))
    else:
        return None, _("the age “%(age)s” cannot be read") % {"age": label[:30]}
    for low, high, group in GROUPS:
        if first >= low and (high is None or (last is not None and last <= high)):
            return group.value, None
    return None, (
        _("the ages “%(age)s” do not fit in one age group (0–17, 18–54, 55–59, 60–64, 65+)")
        % {"age": label[:30]}
    )


def _count(text: str) -> int | None:
    text = (text or "").replace("\xa0", "").replace(" ", "")
    if re.fullmatch(r"\d+([.,]0+)?", text):
        return int(re.split(r"[.,]", text)[0])
    return None


def read_population(raw: bytes, codes: set[str]) -> tuple[dict, list[str]]:
    """``{(teryt, year): {(sex, group): residents}}`` from a BDL file and the problems found.
    ``codes`` are the TERYT codes the figures may belong to."""
    try:
        text = decode(raw)
    except ImportFileError as error:
        return {}, [str(error)]
    if not text.strip():
        return {}, [_("The residents file is empty.")]
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    try:
        lines = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error:
        return {}, [_("The residents file cannot be read as CSV.")]
    header = [_plain(name) for name in lines[0]]
    positions = {COLUMNS[name]: index for index, name in enumerate(header) if name in COLUMNS}
    value_at = next((header.index(name) for name in VALUE_COLUMNS if name in header), None)
    missing = [name for name, key in COLUMNS.items() if key not in positions and key != "name"]
    if value_at is None:
        missing.append("wartosc")
    if missing:
        return {}, [
            _(
                "The residents file lacks the columns %(columns)s: export the table from the "
                "Local Data Bank in the vertical layout (Kod;Nazwa;Wiek;Płeć;Rok;Wartosc)."
            )
            % {"columns": ", ".join(missing)}
        ]
    figures: dict = defaultdict(lambda: defaultdict(int))
    given: dict = {}
    problems = []
    unknown: dict[str, list[int]] = {}  # code → its lines: said once per code
    for number, values in enumerate(lines[1:], start=2):
        if not any(value.strip() for value in values):
            continue
        cell = {
            key: values[index].strip() if index < len(values) else ""
            for key, index in positions.items()
        }
        raw_value = values[value_at].strip() if value_at < len(values) else ""
        reasons = []
        code = cell["code"]
        if code not in codes:
            unknown.setdefault(code[:20], []).append(number)
            continue
        year = _count(cell["year"])
        if year is None or not 1990 <= year <= 2100:
            reasons.append(
                _("the year “%(year)s” is not between 1990 and 2100") % {"year": cell["year"][:10]}
            )
        sex_text = _plain(cell["sex"])
        sex = SEXES.get(sex_text)
        if sex is None and sex_text not in TOTALS:
            reasons.append(
                _("the sex “%(sex)s” is not kobiety/mężczyźni") % {"sex": cell["sex"][:20]}
            )
        group, age_problem = _age_group(cell["age"])
        if age_problem:
            reasons.append(age_problem)
        residents = _count(raw_value)
        if residents is None:
            reasons.append(
                _("the number of residents “%(value)s” is not a whole number of 0 or more")
                % {"value": raw_value[:20]}
            )
        if reasons:
            problems.append(
                _("Residents, line %(line)s: %(reasons)s.")
                % {"line": number, "reasons": "; ".join(reasons)}
            )
            continue
        if sex is None or group is None:
            continue  # a total: the portal adds up its own
        exact = cell["age"] if _plain(cell["age"]) not in TOTALS else ""
        key = (code, year, sex, _plain(exact))
        if key in given:
            problems.append(
                _("Residents, line %(line)s: the same figure as line %(other)s.")
                % {"line": number, "other": given[key]}
            )
            continue
        given[key] = number
        figures[(code, year)][(sex, group)] += residents
    for code, numbers in unknown.items():
        shown = ", ".join(str(number) for number in numbers[:10])
        problems.append(
            ngettext(
                "Residents, line %(lines)s: unknown TERYT code “%(code)s”.",
                "Residents, lines %(lines)s (%(count)s lines): unknown TERYT code “%(code)s”.",
                len(numbers),
            )
            % {
                "lines": shown + (" …" if len(numbers) > 10 else ""),
                "count": len(numbers),
                "code": code,
            }
        )
    if len(problems) > MAX_PROBLEMS:
        problems = [
            *problems[:MAX_PROBLEMS],
            _("… and %(count)s more lines with problems.")
            % {"count": len(problems) - MAX_PROBLEMS},
        ]
    return {key: dict(cells) for key, cells in figures.items()}, problems


def import_areas(boundaries: bytes, population: bytes | None = None) -> AreaImportResult:
    """Import the areas of ``boundaries`` (GeoJSON) and, when given, their residents from
    ``population`` (a BDL CSV file), all in one transaction. Raises :class:`AreaImportError`
    listing every problem, with nothing imported, when either file has any."""
    features, problems, codes_in_file = read_boundaries(boundaries)
    existing = {area.teryt: area for area in Area.objects.exclude(teryt="")}
    by_name = {area.name.lower(): area for area in Area.objects.annotate(lower=Lower("name"))}
    matched = {}
    for feature in features:
        area = existing.get(feature.teryt)
        if area is None:
            named = by_name.get(feature.name.lower())
            if named is not None and named.teryt and named.teryt != feature.teryt:
                problems.append(
                    _("Feature “%(name)s”: an area of that name has the TERYT code %(code)s.")
                    % {"name": feature.name, "code": named.teryt}
                )
                continue
            area = named
        matched[feature.teryt] = area
    figures = {}
    if population is not None:
        codes = codes_in_file | set(existing)
        figures, population_problems = read_population(population, codes)
        problems += population_problems
    if problems:
        raise AreaImportError(problems)
    result = AreaImportResult()
    with transaction.atomic():
        areas = {}
        for feature in features:
            area = matched[feature.teryt] or Area(kind=feature.kind)
            (result.updated if area.pk else result.created).append(feature.name)
            area.name, area.teryt, area.kind = feature.name, feature.teryt, feature.kind
            area.urban = feature.kind == AreaKind.DISTRICT
            area.boundary = feature.boundary
            area.latitude, area.longitude = geo.boundary_centre(feature.boundary)
            area.save()
            areas[area.teryt] = area
        areas = {**existing, **areas}
        latest: dict[str, int] = {}
        for (code, year), cells in sorted(figures.items()):
            population_replace(area=areas[code], year=year, figures=cells)
            result.population.setdefault(areas[code].name, []).append(year)
            latest[code] = max(year, latest.get(code, year))
        for code, year in latest.items():
            _set_summary(areas[code], year, figures[(code, year)])
        public_cache.changed("map", "events")
    return result


def _set_summary(area: Area, year: int, cells: dict) -> None:
    """The area's headline figures (residents, 55+, 60+, children) from ``year`` when the file
    gave every sex × age group of it."""
    if len(cells) < len(Sex.values) * len(PopulationAgeGroup.values):
        return
    by_group = defaultdict(int)
    for (_sex, group), residents in cells.items():
        by_group[group] += residents
    sixty = by_group[PopulationAgeGroup.AGE_60_64] + by_group[PopulationAgeGroup.AGE_65_PLUS]
    area.population_year = year
    area.population_total = sum(by_group.values())
    area.population_60_plus = sixty
    area.population_55_plus = sixty + by_group[PopulationAgeGroup.AGE_55_59]
    area.population_children = by_group[PopulationAgeGroup.CHILDREN]
    area.save()
