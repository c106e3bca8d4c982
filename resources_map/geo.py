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


def bounds() -> tuple[float, float, float, float]:
    return settings.MAP_BOUNDS


def point_error(latitude, longitude) -> str | None:
    """Why a point cannot be used, or ``None`` when it is inside the municipality's box."""
    if latitude is None and longitude is None:
        return None
    if latitude is None or longitude is None:
        return _("Give both the latitude and the longitude, or neither.")
    south, west, north, east = bounds()
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


def _position(value, where: str) -> tuple[float, float]:
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
    error = point_error(latitude, longitude)
    if error:
        raise ValidationError(f"{where}: {error}")
    return longitude, latitude


def _polygon(rings, where: str) -> None:
    if not isinstance(rings, list) or not rings:
        raise ValidationError(_("%(where)s: a polygon needs at least one ring.") % {"where": where})
    for number, ring in enumerate(rings, start=1):
        ring_where = _("%(where)s, ring %(number)s") % {"where": where, "number": number}
        if not isinstance(ring, list) or len(ring) < 4:
            raise ValidationError(
                _("%(where)s: a ring needs at least four positions.") % {"where": ring_where}
            )
        positions = [_position(position, ring_where) for position in ring]
        if positions[0] != positions[-1]:
            raise ValidationError(
                _("%(where)s: the ring is not closed (the last position must repeat the first).")
                % {"where": ring_where}
            )


def parse_boundary(text: str) -> dict | None:
    """Turn pasted GeoJSON into a ``Polygon``/``MultiPolygon`` geometry, or explain why not.

    Accepts a geometry, a Feature, or a FeatureCollection with exactly one feature, which is
    what drawing tools such as geojson.io export.
    """
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
        _polygon(coordinates, _("Boundary"))
    else:
        if not isinstance(coordinates, list) or not coordinates:
            raise ValidationError(_("A MultiPolygon needs at least one polygon."))
        for number, polygon in enumerate(coordinates, start=1):
            _polygon(polygon, _("Polygon %(number)s") % {"number": number})
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
