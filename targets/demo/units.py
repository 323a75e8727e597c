"""The demo's units (targets/data/demo_units.toml): Sichuan's actual provincial departments with an
invented division of the 24 measures, and a handful of county departments of 锦江区 and 会理市
with their county's assignment of its measures. Everything made here is ``is_demo`` and shows
labelled 演示.

Seeding twice changes nothing. The demo never takes over what it did not make: a unit of the same
code that is not demo data is used as it is (neither renamed nor marked demo), and a measure that
already has a lead keeps it (the demo adds no second lead, and no duty a unit already has)."""

from pathlib import Path

from django.db import IntegrityError, transaction

from targets.data.files import DATA_DIR, Entry, entries, read_toml
from targets.models import (
    County,
    CountyDepartment,
    CountyMeasureDepartment,
    Department,
    Measure,
    MeasureDepartment,
    Responsibility,
)

DATA = DATA_DIR / "demo_units.toml"


def _duties(entry: Entry, measures: dict[str, Measure]) -> list[tuple[Measure, str]]:
    duties = []
    for key, kind in (("leads", Responsibility.LEAD), ("cooperates", Responsibility.COOPERATING)):
        codes = entry.values.get(key, [])
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise entry.fail(key, "must be a list of measure codes")
        unknown = [code for code in codes if code not in measures]
        if unknown:
            raise entry.fail(key, f"unknown measure {', '.join(unknown)}")
        duties += [(measures[code], kind.value) for code in codes]
    return duties


def _unit(model, lookup: dict, entry: Entry):
    """The demo's unit: made (as demo data) if there is none of that code; else the one there,
    brought up to date only if the demo made it."""
    values = {"name": entry.text("name"), "name_en": entry.text("name_en")}
    unit = model.objects.filter(**lookup).first()
    if unit is None:
        return model.objects.create(**lookup, **values, is_demo=True)
    if unit.is_demo and any(getattr(unit, k) != v for k, v in values.items()):
        for name, value in values.items():
            setattr(unit, name, value)
        unit.save()
    return unit


def _assign(model, unit, duties, scope: dict) -> None:
    """The duties the demo gives ``unit``, each only where it fits what is already there."""
    for measure, kind in duties:
        rows = model.objects.filter(**scope, measure=measure)
        if rows.filter(department=unit).exists():
            continue
        if kind == Responsibility.LEAD and rows.filter(responsibility=kind).exists():
            continue
        try:
            with transaction.atomic():
                model.objects.create(**scope, measure=measure, department=unit, responsibility=kind)
        except IntegrityError:  # a lead set meanwhile: keep it
            continue


def seed_units(path: Path = DATA) -> None:
    data = read_toml(path)
    measures = {m.code: m for m in Measure.objects.all()}
    divide = bool(measures)  # without a plan loaded there are units but nothing to divide
    for entry in entries(path, data, "departments"):
        unit = _unit(Department, {"code": entry.text("code")}, entry)
        if divide:
            _assign(MeasureDepartment, unit, _duties(entry, measures), {})
    counties = {c.code: c for c in County.objects.all()}
    for entry in entries(path, data, "county_departments", key="name"):
        county = counties.get(entry.text("county"))
        if county is None:
            raise entry.fail("county", f"unknown county {entry.text('county')}")
        unit = _unit(CountyDepartment, {"county": county, "code": entry.text("code")}, entry)
        if divide:
            _assign(CountyMeasureDepartment, unit, _duties(entry, measures), {"county": county})
