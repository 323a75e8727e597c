"""A round's bulk data file: a zip written entry by entry as the rows are read (flat in memory),
and the same bytes every time it is made from the same data: rows in a fixed order, every entry
dated the round's last day, the README fixed text in Chinese and English (not the asker's
language). Its manifest (``manifest.sha256``, as ``sha256sum -c`` reads it) names each other
file's sha256."""

import csv
import datetime
import hashlib
import zipfile
from collections.abc import Iterable, Sequence
from typing import BinaryIO

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from targets.models import IndicatorValue, Period, ProgressNote, State
from targets.spreadsheets.exports import csv_values

NOTES = "notes.csv"
VALUES = "values.csv"
README = "README.txt"
MANIFEST = "manifest.sha256"
CHUNK = 2000

NOTE_COLUMNS = (
    "county_code",
    "county",
    "prefecture_code",
    "prefecture",
    "period",
    "period_name",
    "measure_code",
    "measure",
    "status_code",
    "status",
    "percent",
    "bottom_line_code",
    "narrative",
    "approved_at",
    "version",
    "demo",
)
VALUE_COLUMNS = (
    "county_code",
    "county",
    "prefecture_code",
    "prefecture",
    "period",
    "period_name",
    "indicator_code",
    "indicator",
    "unit",
    "value",
    "source",
    "approved_at",
    "demo",
)


class _Line:
    """csv's writer gives back the line it would write."""

    def write(self, value: str) -> str:
        return value


def _when(moment: datetime.datetime | None) -> str:
    """A time in Asia/Shanghai, ISO 8601 with its offset, to the second."""
    if moment is None:
        return ""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def approved_notes(period: Period) -> QuerySet[ProgressNote]:
    return ProgressNote.objects.filter(period=period, state=State.APPROVED)


def approved_values(period: Period) -> QuerySet[IndicatorValue]:
    return IndicatorValue.objects.filter(period=period, state=State.APPROVED)


def _note_rows(period: Period) -> Iterable[Sequence]:
    found = (
        approved_notes(period)
        .order_by("county__code", "measure__code")
        .values_list(
            "county__code",
            "county__name",
            "county__prefecture__code",
            "county__prefecture__name",
            "measure__code",
            "measure__text",
            "status__code",
            "status__name",
            "percent",
            "bottom_line__code",
            "narrative",
            "reviewed_at",
            "version",
            "is_demo",
        )
    )
    name = period.label
    for (
        county_code,
        county,
        prefecture_code,
        prefecture,
        measure_code,
        measure,
        status_code,
        status,
        percent,
        bottom_line,
        narrative,
        approved_at,
        version,
        demo,
    ) in found.iterator(chunk_size=CHUNK):
        yield (
            county_code,
            county,
            prefecture_code,
            prefecture,
            period.code,
            name,
            measure_code,
            measure,
            status_code,
            status,
            percent,
            bottom_line or "",
            narrative,
            _when(approved_at),
            version,
            int(demo),
        )


def _value_rows(period: Period) -> Iterable[Sequence]:
    found = (
        approved_values(period)
        .order_by("county__code", "indicator__code")
        .values_list(
            "county__code",
            "county__name",
            "county__prefecture__code",
            "county__prefecture__name",
            "indicator__code",
            "indicator__name",
            "indicator__unit",
            "value",
            "source",
            "reviewed_at",
            "indicator__is_demo",
        )
    )
    name = period.label
    for (
        county_code,
        county,
        prefecture_code,
        prefecture,
        code,
        indicator,
        unit,
        value,
        source,
        approved_at,
        demo,
    ) in found.iterator(chunk_size=CHUNK):
        yield (
            county_code,
            county,
            prefecture_code,
            prefecture,
            period.code,
            name,
            code,
            indicator,
            unit,
            value,
            source,
            _when(approved_at),
            int(demo),
        )


def _entry(name: str, period: Period) -> zipfile.ZipInfo:
    """An entry dated the round's last day, so that the same data makes the same bytes."""
    day = period.ends_on
    info = zipfile.ZipInfo(name, date_time=(day.year, day.month, day.day, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _write_csv(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, header: Sequence, rows: Iterable[Sequence]
) -> tuple[str, int]:
    """A CSV with a byte-order mark (Excel then reads it as UTF-8); its sha256 and its rows."""
    writer = csv.writer(_Line())
    digest = hashlib.sha256()
    count = 0
    with archive.open(info, "w", force_zip64=True) as entry:
        data = ("\ufeff" + writer.writerow(header)).encode()
        digest.update(data)
        entry.write(data)
        for row in rows:
            data = writer.writerow(csv_values(row)).encode()
            digest.update(data)
            entry.write(data)
            count += 1
    return digest.hexdigest(), count


def _write_text(archive: zipfile.ZipFile, info: zipfile.ZipInfo, text: str) -> str:
    data = text.encode()
    archive.writestr(info, data)
    return hashlib.sha256(data).hexdigest()


def holds_demo(period: Period) -> bool:
    """Whether the round's approved data holds demonstration rows."""
    return (
        approved_notes(period).filter(is_demo=True).exists()
        or approved_values(period).filter(indicator__is_demo=True).exists()
    )


def write(period: Period, out: BinaryIO) -> int:
    """The round's zip written into ``out``; the rows of data it holds."""
    with zipfile.ZipFile(out, "w") as archive:
        notes_hash, notes = _write_csv(
            archive, _entry(NOTES, period), NOTE_COLUMNS, _note_rows(period)
        )
        values_hash, values = _write_csv(
            archive, _entry(VALUES, period), VALUE_COLUMNS, _value_rows(period)
        )
        readme = render_to_string(
            "bulk_data/readme.txt",
            {"period": period, "notes": notes, "values": values, "holds_demo": holds_demo(period)},
        )
        readme_hash = _write_text(archive, _entry(README, period), readme)
        manifest = "".join(
            f"{digest}  {name}\n"
            for name, digest in ((NOTES, notes_hash), (VALUES, values_hash), (README, readme_hash))
        )
        _write_text(archive, _entry(MANIFEST, period), manifest)
    return notes + values
