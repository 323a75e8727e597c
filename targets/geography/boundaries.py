"""Checking an uploaded GeoJSON of county boundaries: a FeatureCollection whose features carry the
six-digit code of a Sichuan county in a named property, each with a polygon geometry."""

import json

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_BYTES = 30 * 1024 * 1024
GEOMETRIES = {"Polygon", "MultiPolygon"}


def check_geojson(upload: "UploadedFile[bytes]", code_property: str, county_codes: set[str]) -> int:
    """The number of counties the file covers; ValidationError with a clear message otherwise."""
    if (upload.size or 0) > MAX_BYTES:
        raise ValidationError(_("文件超过 30 MB。"))
    try:
        data = json.loads(upload.read().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationError(
            _("不是有效的 GeoJSON(JSON 格式错误:%(error)s)。") % {"error": error}
        ) from None
    finally:
        upload.seek(0)
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ValidationError(_("GeoJSON 的顶层须为 FeatureCollection。"))
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise ValidationError(_("GeoJSON 中没有要素(features)。"))
    matched: set[str] = set()
    for number, feature in enumerate(features, start=1):
        properties = (feature or {}).get("properties") or {}
        geometry = (feature or {}).get("geometry") or {}
        code = str(properties.get(code_property, "")).strip()
        if geometry.get("type") not in GEOMETRIES:
            raise ValidationError(
                _("第%(n)d个要素没有面状几何(Polygon 或 MultiPolygon)。") % {"n": number}
            )
        if code in county_codes:
            matched.add(code)
    if not matched:
        raise ValidationError(
            _("没有一个要素的“%(field)s”字段是本省的县级区划代码,请检查代码字段名。")
            % {"field": code_property}
        )
    return len(matched)
