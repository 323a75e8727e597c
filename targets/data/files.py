"""What the loaders of shipped data share: errors that name file, entry and field, and upserts that
count what they changed, so that loading twice changes nothing."""

import tomllib
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from django.db import models

DATA_DIR = Path(__file__).resolve().parent


class DataFileError(Exception):
    """A data file that cannot be loaded; the message names the file, the entry and the field."""

    def __init__(self, path: Path, entry: str, field: str, problem: str):
        self.path, self.entry, self.field, self.problem = path, entry, field, problem
        super().__init__(f"{path.name}: {entry}: field '{field}': {problem}")


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise DataFileError(path, "(file)", "-", "file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(path, "(file)", "-", f"not valid TOML: {exc}") from None


class Entry:
    """One entry of a data file, with typed getters that fail naming the entry and the field."""

    def __init__(self, path: Path, label: str, values: dict[str, Any]):
        self.path, self.label, self.values = path, label, values

    def fail(self, field: str, problem: str) -> DataFileError:
        return DataFileError(self.path, self.label, field, problem)

    def text(self, field: str, *, required: bool = True) -> str:
        value = self.values.get(field, "" if not required else None)
        if value is None:
            raise self.fail(field, "missing")
        if not isinstance(value, str):
            raise self.fail(field, f"must be text, not {type(value).__name__}")
        if required and not value.strip():
            raise self.fail(field, "must not be empty")
        return value.strip()

    def integer(self, field: str, *, choices: set[int] | None = None) -> int:
        value = self.values.get(field)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(field, "missing" if value is None else "must be a whole number")
        if choices is not None and value not in choices:
            raise self.fail(field, f"must be one of {sorted(choices)}, not {value}")
        return value

    def boolean(self, field: str, default: bool) -> bool:
        value = self.values.get(field, default)
        if not isinstance(value, bool):
            raise self.fail(field, "must be true or false")
        return value

    def text_list(self, field: str, *, allowed: set[str] | None = None) -> list[str]:
        value = self.values.get(field)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise self.fail(field, "must be a non-empty list of text")
        if allowed is not None:
            unknown = [v for v in value if v not in allowed]
            if unknown:
                raise self.fail(field, f"unknown {', '.join(unknown)}")
        return value

    def int_list(self, field: str, *, allowed: set[int]) -> list[int]:
        value = self.values.get(field)
        if not isinstance(value, list) or not value or not all(isinstance(v, int) for v in value):
            raise self.fail(field, "must be a non-empty list of numbers")
        unknown = [str(v) for v in value if v not in allowed]
        if unknown:
            raise self.fail(field, f"unknown {', '.join(unknown)}")
        return value


def entries(path: Path, data: dict[str, Any], section: str, key: str = "code") -> list[Entry]:
    """The entries of a ``[[section]]`` array, each labelled by its key; keys must be unique."""
    raw = data.get(section)
    if not isinstance(raw, list) or not raw:
        raise DataFileError(path, f"[[{section}]]", "-", "missing or empty")
    result, seen = [], set()
    for index, values in enumerate(raw, start=1):
        if not isinstance(values, dict):
            raise DataFileError(path, f"{section} #{index}", "-", "must be a table")
        label = f"{section} #{index}" + (f" ({values[key]})" if key in values else "")
        entry = Entry(path, label, values)
        identity = values.get(key)
        if identity is None:
            raise entry.fail(key, "missing")
        if identity in seen:
            raise entry.fail(key, f"duplicate {identity}")
        seen.add(identity)
        result.append(entry)
    return result


class Upserts:
    """Creates or updates records by natural key, counting what was created and updated."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def upsert[M: models.Model](
        self,
        model: type[M],
        lookup: Mapping[str, object],
        values: Mapping[str, object],
        many: Mapping[str, Sequence[models.Model]] | None = None,
    ) -> M:
        obj = model._default_manager.filter(**lookup).first()
        created = obj is None
        if obj is None:
            obj = model(**lookup, **values)
        changed = created or any(getattr(obj, name) != value for name, value in values.items())
        if changed:
            for name, value in values.items():
                setattr(obj, name, value)
            obj.save()
        for name, related in (many or {}).items():
            manager = getattr(obj, name)
            wanted = {o.pk for o in related}
            if created or set(manager.values_list("pk", flat=True)) != wanted:
                manager.set(related)
                changed = True
        label = model._meta.model_name
        self.counts[
            f"{label} created"
            if created
            else f"{label} updated"
            if changed
            else f"{label} unchanged"
        ] += 1
        return obj

    @property
    def changed(self) -> bool:
        return any(not key.endswith("unchanged") for key in self.counts)

    def summary(self) -> dict[str, int]:
        return dict(sorted(self.counts.items()))
