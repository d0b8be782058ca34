"""Turin's eight districts (circoscrizioni) as SVG paths, drawn on the server from the boundary file
shipped in `calls/data/torino-circoscrizioni.geojson` (CC BY-SA 4.0, see SOURCE-torino-circoscrizioni.md
beside it): no tile server, no script, readable with a table beside it.

    from calls.geo import district_map
    map_ = district_map({1: 3, 6: 5})   # values per district number (e.g. projects)
    map_.viewbox, [(d.number, d.name, d.path, d.label_x, d.label_y, d.value, d.level) for d in map_.districts]
"""
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

GEOJSON = Path(__file__).resolve().parent / "data" / "torino-circoscrizioni.geojson"
CREDIT = (
    "Confini delle circoscrizioni derivati da G. Pinto (2023), dataset SEI "
    "(github.com/gabrielepinto/dati-sezioni-elettorali), CC BY-SA 4.0; geografia censuaria ISTAT 2011; "
    "accorpati alle circoscrizioni del 2016 e semplificati."
)
WIDTH = 600.0


@dataclass(frozen=True)
class DistrictShape:
    number: int
    name: str
    path: str
    label_x: float
    label_y: float
    neighbourhoods: tuple[str, ...]


@dataclass
class DistrictOnMap:
    number: int
    name: str
    path: str
    label_x: float
    label_y: float
    value: int
    level: int  # 0 (none) .. 4 (most), for the fill colour


@dataclass
class DistrictMap:
    viewbox: str
    width: float
    height: float
    districts: list
    credit: str = CREDIT


def _rings(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return geometry["coordinates"]  # MultiPolygon


def shapes() -> tuple[DistrictShape, ...]:
    """The districts projected to SVG coordinates (equirectangular, scaled by cos(latitude))."""
    return _projection()[0]


@lru_cache(maxsize=1)
def _projection() -> tuple[tuple[DistrictShape, ...], float]:
    data = json.loads(GEOJSON.read_text(encoding="utf-8"))
    lons, lats = [], []
    for feature in data["features"]:
        for polygon in _rings(feature["geometry"]):
            for ring in polygon:
                for lon, lat in ring:
                    lons.append(lon)
                    lats.append(lat)
    min_lon, max_lon, min_lat, max_lat = min(lons), max(lons), min(lats), max(lats)
    kx = math.cos(math.radians((min_lat + max_lat) / 2))
    scale = WIDTH / ((max_lon - min_lon) * kx)

    def xy(lon, lat):
        return round((lon - min_lon) * kx * scale, 1), round((max_lat - lat) * scale, 1)

    out = []
    for feature in sorted(data["features"], key=lambda f: f["properties"]["number"]):
        parts = []
        best_ring, best_len = None, -1
        for polygon in _rings(feature["geometry"]):
            for ring in polygon:
                pts = [xy(lon, lat) for lon, lat in ring]
                parts.append("M" + " L".join(f"{x},{y}" for x, y in pts) + " Z")
                if len(pts) > best_len:
                    best_ring, best_len = pts, len(pts)
        cx = sum(p[0] for p in best_ring) / len(best_ring)
        cy = sum(p[1] for p in best_ring) / len(best_ring)
        props = feature["properties"]
        out.append(DistrictShape(props["number"], props["name"], " ".join(parts), round(cx, 1), round(cy, 1),
                                 tuple(props.get("neighbourhoods", ()))))
    return tuple(out), (max_lat - min_lat) * scale


def district_map(values: dict[int, int] | None = None) -> DistrictMap:
    values = values or {}
    top = max(values.values(), default=0)
    districts = []
    for s in shapes():
        v = int(values.get(s.number, 0))
        level = 0 if v <= 0 or top <= 0 else min(4, 1 + (3 * v) // max(top, 1))
        districts.append(DistrictOnMap(s.number, s.name, s.path, s.label_x, s.label_y, v, level))
    h = math.ceil(_projection()[1]) + 2
    return DistrictMap(viewbox=f"0 0 {WIDTH:.0f} {h:.0f}", width=WIDTH, height=h, districts=districts)
