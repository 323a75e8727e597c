"""An admin uploads county boundaries (GeoJSON keyed by code); the grid then offers a choropleth.
The shapes here are made-up squares: no boundary data ships with the app."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from targets.models import AuditRecord, BoundaryMap

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def square(code, x, key="code"):
    return {
        "type": "Feature",
        "properties": {key: code},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]],
        },
    }


def geojson(*features) -> SimpleUploadedFile:
    body = json.dumps({"type": "FeatureCollection", "features": list(features)})
    return SimpleUploadedFile("counties.geojson", body.encode(), "application/geo+json")


def upload(client, file, code_property="code"):
    return client.post(
        "/admin/targets/boundarymap/add/",
        {
            "name": "测试县界",
            "source": "测试用虚构图形",
            "file": file,
            "code_property": code_property,
        },
    )


def test_an_upload_is_checked_and_counted(client_for, admin_user):
    response = upload(
        client_for(admin_user),
        geojson(square("510104", 0), square("510105", 1), square("999999", 2)),
    )
    assert response.status_code == 302
    boundary_map = BoundaryMap.objects.get()
    assert boundary_map.counties_matched == 2
    assert AuditRecord.objects.filter(
        action="admin.add", object_type="targets.BoundaryMap", actor=admin_user
    ).exists()


@pytest.mark.parametrize(
    ("file", "prop", "message"),
    [
        (SimpleUploadedFile("x.geojson", b"{not json"), "code", "JSON"),
        (SimpleUploadedFile("x.geojson", b'{"type": "Feature"}'), "code", "FeatureCollection"),
        (None, "adcode", "代码字段名"),
    ],
    ids=["not-json", "not-a-collection", "wrong-property"],
)
def test_bad_files_are_refused_with_a_message(client_for, admin_user, file, prop, message):
    file = file or geojson(square("510104", 0))
    response = upload(client_for(admin_user), file, prop)
    assert response.status_code == 200
    assert message in response.text
    assert not BoundaryMap.objects.exists()


def test_the_grid_offers_the_choropleth_and_serves_the_boundaries(
    client_for, admin_user, provincial_reviewer, reporter
):
    upload(client_for(admin_user), geojson(square("510104", 0)))
    boundary_map = BoundaryMap.objects.get()
    client = client_for(provincial_reviewer)
    page = client.get("/province/measures/T1.1/?period=2026Q3")
    assert page.context["map_chart"]["url"] == f"/province/boundaries/{boundary_map.pk}.geojson"
    assert "测试用虚构图形" in page.text
    shapes = client.get(f"/province/boundaries/{boundary_map.pk}.geojson")
    assert json.loads(b"".join(shapes.streaming_content))["features"][0]["properties"] == {
        "code": "510104"
    }
    assert (
        client_for(reporter).get(f"/province/boundaries/{boundary_map.pk}.geojson").status_code
        == 403
    )


def test_without_boundaries_there_is_no_map(client_for, provincial_reviewer):
    page = client_for(provincial_reviewer).get("/province/measures/T1.1/?period=2026Q3")
    assert page.context["map_chart"] is None
    assert "vendor/echarts" not in page.text
