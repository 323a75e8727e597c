"""The units and the province's responsibility matrix kept in Excel by the system admin: export,
edit, import back after seeing what would change (as the plan workbook does).

- A department row is matched by its code (a county department's by county and code); a new code
  adds a unit. A unit missing from the sheet is left as it is: removing a unit stays in the admin.
  启用 = 否 deactivates it, refused while it still answers for work (targets.units.keeping).
- A matrix row sets one measure's lead unit and cooperating units (by name or code; a unit added
  on the first sheet may be named at once). Blank cells clear the measure's division; a measure
  missing from the sheet keeps its division.
- Every error is reported by sheet, row and column; a file with any error changes nothing, and a
  good one is applied in one transaction, each change audited (a measure's division under the
  measure, as the admin's inline records it)."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import File
from django.db import models, transaction
from django.db.models import Count
from django.http import HttpRequest
from django.utils.translation import gettext as _

from targets.audit import trail
from targets.models import (
    County,
    CountyDepartment,
    Department,
    Measure,
    MeasureDepartment,
    Responsibility,
)
from targets.spreadsheets import units_workbook as sheets
from targets.spreadsheets.exports import Table
from targets.spreadsheets.xlsx_input import ImportRefused, RowError, text
from targets.units import keeping

UNIT_FIELDS = ("code", "name", "name_en", "is_active")


def export() -> list[Table]:
    """Every unit and every measure's division, as the sheets of one workbook."""
    departments = Department.objects.annotate(members=Count("roles")).order_by("code")
    county_departments = (
        CountyDepartment.objects.select_related("county")
        .annotate(members=Count("roles"))
        .order_by("county__code", "code")
    )
    measures = Measure.objects.order_by("order", "code").prefetch_related("departments__department")

    def division(measure: Measure) -> list[object]:
        units = measure.units
        return [
            measure.code,
            measure.text,
            units.lead.name if units.lead else "",
            sheets.SEPARATOR.join(d.name for d in units.cooperating),
        ]

    return sheets.tables(
        ([d.code, d.name, d.name_en, sheets.yes_no(d.is_active), d.members] for d in departments),
        (
            [
                d.county.code,
                d.county.name,
                d.code,
                d.name,
                d.name_en,
                sheets.yes_no(d.is_active),
                d.members,
            ]
            for d in county_departments
        ),
        (division(m) for m in measures),
    )


@dataclass
class UnitChange:
    """A unit added or changed: ``values`` are its fields as the file has them."""

    unit: Department | CountyDepartment
    values: dict[str, object]
    changed: list[str]  # the fields changed; empty for a new unit

    @property
    def is_new(self) -> bool:
        return self.unit.pk is None

    @property
    def labels(self) -> list[str]:
        fields = [type(self.unit)._meta.get_field(name) for name in self.changed]
        return [str(getattr(f, "verbose_name", f.name)) for f in fields]

    def __str__(self) -> str:
        if isinstance(self.unit, CountyDepartment):
            return f"{self.unit.county.name} {self.values['name']}"
        return str(self.values["name"])


@dataclass
class DivisionChange:
    """A measure's new division: the lead's and the cooperating units' codes."""

    measure: Measure
    before: list[tuple[str, str]]  # (department code, responsibility), sorted
    lead: str | None
    cooperating: list[str]
    names: dict[str, str]  # code → name, for the preview

    @property
    def after(self) -> list[tuple[str, str]]:
        pairs = [(code, Responsibility.COOPERATING.value) for code in self.cooperating]
        if self.lead:
            pairs.append((self.lead, Responsibility.LEAD.value))
        return sorted(pairs)

    @property
    def lead_name(self) -> str:
        return self.names[self.lead] if self.lead else ""

    @property
    def cooperating_names(self) -> str:
        return sheets.SEPARATOR.join(self.names[code] for code in self.cooperating)


@dataclass
class CheckedUnits:
    units: list[UnitChange] = field(default_factory=list)
    divisions: list[DivisionChange] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not (self.units or self.divisions)

    @property
    def digest(self) -> str:
        """What applying would do, from what: a confirmation names this, so that nothing is
        applied that the preview did not show (another admin may have changed the units)."""
        parts = [
            f"{type(c.unit).__name__}:{c.unit.pk}:"
            + ";".join(f"{k}={c.values[k]}" for k in sorted(c.values))
            + ":"
            + ";".join(f"{k}={getattr(c.unit, k, '')}" for k in c.changed)
            for c in self.units
        ]
        parts += [f"{d.measure.pk}:{d.before}:{d.after}" for d in self.divisions]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()


class _Errors:
    def __init__(self, result: CheckedUnits, spec: sheets.SheetSpec):
        self.result, self.spec, self.title = result, spec, spec.sheet_title()

    def __call__(self, row: int, key: str, message: str) -> None:
        self.result.errors.append(RowError(self.title, row, self.spec.column(key), message))


def _unit_values(
    cells: dict[str, object],
    error: _Errors,
    row: int,
    model: type[Department] | type[CountyDepartment],
) -> dict[str, object] | None:
    """A unit row's code, names and active flag, or None (with errors) when they are wrong."""
    values: dict[str, object] = {name: text(cells[name]) for name in ("code", "name", "name_en")}
    ok = True
    for name, missing in (("code", _("请填写代码。")), ("name", _("请填写名称。"))):
        if not values[name]:
            error(row, name, missing)
            ok = False
    for name in ("code", "name", "name_en"):
        model_field = model._meta.get_field(name)
        limit = model_field.max_length if isinstance(model_field, models.CharField) else None
        if limit is not None and len(str(values[name])) > limit:
            error(row, name, _("最长%(limit)d个字。") % {"limit": limit})
            ok = False
    active = sheets.read_yes_no(cells["is_active"])
    if active is None:
        error(row, "is_active", _("“启用”应填“是”或“否”。"))
        ok = False
    values["is_active"] = active
    return values if ok else None


def _change(unit: Department | CountyDepartment, values: dict[str, object]) -> UnitChange | None:
    if unit.pk is None:
        for name, value in values.items():
            setattr(unit, name, value)
        return UnitChange(unit, values, [])
    changed = [name for name in UNIT_FIELDS if getattr(unit, name) != values[name]]
    return UnitChange(unit, values, changed) if changed else None


def check(upload: "File[bytes]") -> CheckedUnits:
    """Read every sheet and check every row against the records and against each other."""
    read = sheets.read(upload)
    result = CheckedUnits(errors=list(read.errors))
    departments = _check_departments(result, read.sheets["departments"])
    _check_county_departments(result, read.sheets["county_departments"])
    _check_matrix(result, read.sheets["matrix"], departments)
    return result


def _check_departments(result: CheckedUnits, rows: sheets.SheetRows) -> dict[str, dict[str, Any]]:
    """The departments as the file would leave them: code → {name, is_active, row}."""
    error = _Errors(result, sheets.DEPARTMENTS)
    stored = {d.code: d for d in Department.objects.all()}
    after: dict[str, dict[str, Any]] = {
        d.code: {"name": d.name, "is_active": d.is_active, "row": None, "unit": d}
        for d in stored.values()
    }
    seen: dict[str, int] = {}
    for row, cells in rows.rows:
        values = _unit_values(cells, error, row, Department)
        if values is None:
            continue
        code = str(values["code"])
        if code in seen:
            error(
                row,
                "code",
                _("代码“%(code)s”与第%(row)d行重复。") % {"code": code, "row": seen[code]},
            )
            continue
        seen[code] = row
        unit = stored.get(code) or Department()
        change = _change(unit, values)
        if change is not None:
            result.units.append(change)
        after[code] = {
            "name": values["name"],
            "is_active": values["is_active"],
            "row": row,
            "unit": unit,
            "stops": unit.pk is not None and unit.is_active and not values["is_active"],
        }
    return after


def _check_county_departments(result: CheckedUnits, rows: sheets.SheetRows) -> None:
    error = _Errors(result, sheets.COUNTY_DEPARTMENTS)
    counties = {c.code: c for c in County.objects.all()}
    stored = {(d.county.code, d.code): d for d in CountyDepartment.objects.select_related("county")}
    names = {(d.county.code, d.name): d.code for d in stored.values()}
    seen: dict[tuple[str, str], int] = {}
    for row, cells in rows.rows:
        county = counties.get(text(cells["county"]))
        if county is None:
            error(
                row,
                "county",
                _("没有代码为“%(code)s”的县(市、区)。") % {"code": text(cells["county"])},
            )
        values = _unit_values(cells, error, row, CountyDepartment)
        if values is None or county is None:
            continue
        key = (county.code, str(values["code"]))
        if key in seen:
            error(
                row,
                "code",
                _("代码“%(code)s”与第%(row)d行重复(同一县)。") % {"code": key[1], "row": seen[key]},
            )
            continue
        seen[key] = row
        holder = names.get((county.code, str(values["name"])))
        if holder is not None and holder != key[1]:
            error(
                row,
                "name",
                _("%(county)s已有名为“%(name)s”的部门(代码%(code)s)。")
                % {"county": county.name, "name": values["name"], "code": holder},
            )
            continue
        names[(county.code, str(values["name"]))] = key[1]
        unit = stored.get(key) or CountyDepartment(county=county)
        if unit.pk is not None and unit.is_active and not values["is_active"]:
            refused = keeping.stopping_refused(unit)
            if refused:
                error(row, "is_active", refused)
                continue
        change = _change(unit, values)
        if change is not None:
            result.units.append(change)


def _check_matrix(
    result: CheckedUnits, rows: sheets.SheetRows, departments: dict[str, dict[str, Any]]
) -> None:
    error = _Errors(result, sheets.MATRIX)
    measures = {m.code: m for m in Measure.objects.all()}
    by_name: dict[str, list[str]] = defaultdict(list)
    for code, unit in departments.items():
        by_name[unit["name"]].append(code)
    duties: dict[str, list[tuple[str, str, str]]] = defaultdict(list)  # dept → (measure, kind)
    stored: dict[str, list[tuple[str, str]]] = defaultdict(list)  # measure → (dept, kind)
    for measure_code, department, kind in MeasureDepartment.objects.values_list(
        "measure__code", "department__code", "responsibility"
    ):
        stored[measure_code].append((department, kind))
    seen: dict[str, int] = {}
    divided: set[str] = set()

    def unit_of(row: int, key: str, name: str) -> str | None:
        if name in departments:
            found: str | None = name
        else:
            codes = by_name.get(name, [])
            if len(codes) > 1:
                error(row, key, _("有几个单位都叫“%(name)s”,请改填代码。") % {"name": name})
                return None
            found = codes[0] if codes else None
        if found is None:
            error(row, key, _("没有名为或代码为“%(name)s”的省直部门。") % {"name": name})
        elif not departments[found]["is_active"] and not departments[found].get("stops"):
            # (a unit stopped by this very file is refused on its own row, naming its work)
            error(row, key, _("“%(name)s”已停用,不能承担举措。") % {"name": name})
            return None
        return found

    for row, cells in rows.rows:
        code = text(cells["measure"])
        measure = measures.get(code)
        if measure is None:
            error(row, "measure", _("没有编号为“%(code)s”的举措。") % {"code": code})
            continue
        if code in seen:
            error(
                row,
                "measure",
                _("举措“%(code)s”与第%(row)d行重复。") % {"code": code, "row": seen[code]},
            )
            continue
        seen[code] = row
        leads = sheets.names(cells["lead"])
        cooperating = sheets.names(cells["cooperating"])
        if len(leads) > 1:
            error(row, "lead", _("一项举措只能有一个牵头单位。"))
            continue
        lead = unit_of(row, "lead", leads[0]) if leads else None
        helpers = [unit_of(row, "cooperating", name) for name in cooperating]
        if (leads and lead is None) or None in helpers:
            continue
        partners = [c for c in dict.fromkeys(helpers) if c is not None]
        if lead is not None and lead in partners:
            error(row, "cooperating", _("牵头单位不能同时是配合单位。"))
            continue
        if partners and lead is None:
            error(row, "lead", _("有配合单位的举措须有牵头单位。"))
            continue
        divided.add(code)
        names = {c: str(departments[c]["name"]) for c in [*partners, *([lead] if lead else [])]}
        change = DivisionChange(measure, sorted(stored[code]), lead, sorted(partners), names)
        if change.after != change.before:
            result.divisions.append(change)
        for pair_code, kind in change.after:
            duties[pair_code].append((code, kind, ""))
    for code, kept in stored.items():
        if code not in divided:
            for department, kind in kept:
                duties[department].append((code, kind, ""))
    dept_rows = _Errors(result, sheets.DEPARTMENTS)
    for code, unit in departments.items():
        if unit.get("stops"):
            work = keeping.department_work(
                unit["unit"], [(measure, kind) for measure, kind, _x in duties[code]]
            )
            refused = keeping.refusal(unit["unit"], work)
            if refused:
                dept_rows(unit["row"], "is_active", refused)


def _division(measure: Measure) -> list[str]:
    """A measure's division as its audit record shows it (as the admin's inline records it)."""
    return sorted(
        str(o)
        for o in MeasureDepartment.objects.filter(measure=measure).select_related(
            "measure", "department"
        )
    )


def apply(
    checked: CheckedUnits, *, user: User, request: HttpRequest | None = None
) -> dict[str, int]:
    """Save the units and the divisions, all or nothing, each change audited."""
    if checked.errors:
        raise ValueError("a workbook with errors is never applied")
    with transaction.atomic():
        for change in checked.units:
            unit = change.unit
            before = {} if change.is_new else trail.snapshot(type(unit).objects.get(pk=unit.pk))
            for name, value in change.values.items():
                setattr(unit, name, value)
            unit.save()
            trail.record(
                "units.import",
                request=request,
                actor=user,
                obj=unit,
                changes=trail.diff(before, trail.snapshot(unit)),
            )
        departments = {d.code: d for d in Department.objects.all()}
        for division in checked.divisions:
            measure = division.measure
            previous = _division(measure)
            wanted = dict(division.after)
            rows = list(
                MeasureDepartment.objects.filter(measure=measure).select_related("department")
            )
            for duty in rows:
                if wanted.get(duty.department.code) != duty.responsibility:
                    duty.delete()
            kept = {
                d.department.code for d in rows if wanted.get(d.department.code) == d.responsibility
            }
            MeasureDepartment.objects.bulk_create(
                MeasureDepartment(
                    measure=measure, department=departments[code], responsibility=kind
                )
                for code, kind in wanted.items()
                if code not in kept
            )
            trail.record(
                "matrix.import",
                request=request,
                actor=user,
                obj=measure,
                changes={"departments": [previous, _division(measure)]},
            )
    return {"units": len(checked.units), "divisions": len(checked.divisions)}


def confirm(
    upload: "File[bytes]", digest: str, *, user: User, request: HttpRequest | None = None
) -> dict[str, int]:
    """Check the kept file again and apply it if it would still do what the preview showed: the
    units and the matrix are locked meanwhile, so that no change slips in between."""
    with transaction.atomic():
        list(Department.objects.select_for_update().values_list("pk", flat=True))
        list(MeasureDepartment.objects.select_for_update().values_list("pk", flat=True))
        checked = check(upload)
        if checked.errors or checked.digest != digest:
            raise ImportRefused(_("预览之后单位或分工已有变化,请重新导出、修改后上传。"))
        return apply(checked, user=user, request=request)
