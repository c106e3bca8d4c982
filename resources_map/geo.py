"""Points and boundaries: checks against the municipality's bounding box and GeoJSON parsing.

Boundaries are stored as GeoJSON geometries (``Polygon`` or ``MultiPolygon``, WGS 84
longitude/latitude) in a JSON column; nothing here needs a spatial database.
"""

import json
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

BOUNDARY_TYPES = ("Polygon", "MultiPolygon")
# (south, west, north, east): any point on Earth (boundaries of a municipality being set up).
WORLD = (-90.0, -180.0, 90.0, 180.0)
# Degrees added around the areas' extent (about a kilometre): a point on a boundary is inside.
MARGIN = 0.01
# Seconds the extent is kept in the cache; a change of any area forgets it at once (signals).
EXTENT_SECONDS = 3600
_EXTENT_KEY = "resources_map:bounds"


def bounds() -> tuple[float, float, float, float]:
    """The municipality's box ``(south, west, north, east)``: the extent of its areas'
    boundaries with a :data:`MARGIN` when any area has one (the areas imported for it), else
    ``settings.MAP_BOUNDS``. Kept in the cache: one query after each change of the areas."""
    from django.core.cache import cache

    box = cache.get(_EXTENT_KEY)
    if box is not None:
        return tuple(box)
    from resources_map.models import Area

    positions = [
        position
        for boundary in Area.objects.filter(boundary__isnull=False).values_list(
            "boundary", flat=True
        )
        if isinstance(boundary, dict)
        for position in _positions_of(boundary)
    ]
    if positions:
        box = (
            min(latitude for _longitude, latitude in positions) - MARGIN,
            min(longitude for longitude, _latitude in positions) - MARGIN,
            max(latitude for _longitude, latitude in positions) + MARGIN,
            max(longitude for longitude, _latitude in positions) + MARGIN,
        )
    else:
        box = tuple(settings.MAP_BOUNDS)
    cache.set(_EXTENT_KEY, list(box), EXTENT_SECONDS)
    return box


def forget_bounds(**_kwargs) -> None:
    """Forget the kept extent (an area was saved or deleted): at once and when the transaction
    commits, so that an extent computed meanwhile from the rows before the change is not kept."""
    from django.core.cache import cache
    from django.db import transaction

    cache.delete(_EXTENT_KEY)
    transaction.on_commit(lambda: cache.delete(_EXTENT_KEY))


def _positions_of(geometry: dict):
    polygons = (
        [geometry.get("coordinates") or []]
        if geometry.get("type") == "Polygon"
        else geometry.get("coordinates") or []
    )
    for polygon in polygons:
        for ring in polygon or []:
            for position in ring or []:
                if isinstance(position, list) and len(position) >= 2:
                    yield float(position[0]), float(position[1])


def point_error(latitude, longitude, box=None) -> str | None:
    """Why a point cannot be used, or ``None`` when it is inside ``box`` (default: the
    municipality's, :func:`bounds`)."""
    if latitude is None and longitude is None:
        return None
    if latitude is None or longitude is None:
        return _("Give both the latitude and the longitude, or neither.")
    south, west, north, east = box or bounds()
    if not (south <= float(latitude) <= north and west <= float(longitude) <= east):
        return _(
            "The point %(lat)s, %(lng)s lies outside the municipality "
            "(latitude %(south)s–%(north)s, longitude %(west)s–%(east)s). "
            "Check that latitude and longitude are not swapped."
        ) % {
            "lat": latitude,
            "lng": longitude,
            "south": south,
            "north": north,
            "west": west,
            "east": east,
        }
    return None


def _position(value, where: str, box) -> tuple[float, float]:
    if (
        not isinstance(value, list)
        or len(value) < 2
        or not all(isinstance(part, int | float) and not isinstance(part, bool) for part in value)
    ):
        raise ValidationError(
            _("%(where)s: each position must be a pair of numbers [longitude, latitude].")
            % {"where": where}
        )
    try:
        longitude, latitude = float(value[0]), float(value[1])
    except OverflowError:
        longitude = latitude = float("inf")
    error = point_error(latitude, longitude, box)
    if error:
        raise ValidationError(f"{where}: {error}")
    return longitude, latitude


def _polygon(rings, where: str, box) -> None:
    if not isinstance(rings, list) or not rings:
        raise ValidationError(_("%(where)s: a polygon needs at least one ring.") % {"where": where})
    for number, ring in enumerate(rings, start=1):
        ring_where = _("%(where)s, ring %(number)s") % {"where": where, "number": number}
        if not isinstance(ring, list) or len(ring) < 4:
            raise ValidationError(
                _("%(where)s: a ring needs at least four positions.") % {"where": ring_where}
            )
        positions = [_position(position, ring_where, box) for position in ring]
        if positions[0] != positions[-1]:
            raise ValidationError(
                _("%(where)s: the ring is not closed (the last position must repeat the first).")
                % {"where": ring_where}
            )


def parse_boundary(text: str, *, within=None) -> dict | None:
    """Turn pasted GeoJSON into a ``Polygon``/``MultiPolygon`` geometry, or explain why not
    (``ValidationError``). Every position must lie ``within`` a box (default: the
    municipality's, :func:`bounds`; :data:`WORLD` for a municipality being set up).

    Accepts a geometry, a Feature, or a FeatureCollection with exactly one feature, which is
    what drawing tools such as geojson.io export.
    """
    box = within or bounds()
    text = (text or "").strip()
    if not text:
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        reason = getattr(exc, "msg", None) or _("the text is not JSON")
        raise ValidationError(
            _("This is not valid GeoJSON: %(error)s.") % {"error": reason}
        ) from None
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list) or len(features) != 1:
            raise ValidationError(_("The FeatureCollection must hold exactly one feature."))
        data = features[0]
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    if not isinstance(data, dict) or data.get("type") not in BOUNDARY_TYPES:
        raise ValidationError(_("The boundary must be a GeoJSON Polygon or MultiPolygon."))
    coordinates = data.get("coordinates")
    if data["type"] == "Polygon":
        _polygon(coordinates, _("Boundary"), box)
    else:
        if not isinstance(coordinates, list) or not coordinates:
            raise ValidationError(_("A MultiPolygon needs at least one polygon."))
        for number, polygon in enumerate(coordinates, start=1):
            _polygon(polygon, _("Polygon %(number)s") % {"number": number}, box)
    return {"type": data["type"], "coordinates": coordinates}


def boundary_centre(geometry: dict) -> tuple[Decimal, Decimal]:
    """The mean of the outer rings' vertices: good enough to place a label or a marker."""
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    positions = [position for polygon in polygons for position in polygon[0][:-1]]
    latitude = sum(position[1] for position in positions) / len(positions)
    longitude = sum(position[0] for position in positions) / len(positions)
    return round(Decimal(latitude), 6), round(Decimal(longitude), 6)
