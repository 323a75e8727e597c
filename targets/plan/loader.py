"""Loads the Decision from ``data/plan.toml``: every entry checked before anything is written,
then applied in one transaction."""

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from django.db import models, transaction

from targets.audit import trail
from targets.data.files import DATA_DIR, DataFileError, Entry, Upserts, entries, read_toml
from targets.models import BottomLine, Clause, Goal, Integration, Measure, Plan, TaskArea

PLAN_FILE = DATA_DIR / "plan.toml"
# Sections of records quoted from the source, each tied to clauses: (section, model).
QUOTED_SECTIONS: list[tuple[str, type[models.Model]]] = [
    ("goals", Goal),
    ("task_areas", TaskArea),
    ("integrations", Integration),
    ("measures", Measure),
    ("bottom_lines", BottomLine),
]


type Values = dict[str, object]  # a record's fields, written to the model as they are


@dataclass
class Quoted:
    """A record quoted from the source: its code, the clauses it cites, its own fields, and for a
    measure the codes of its task area and integrations."""

    code: str
    clauses: list[int]
    values: Values
    task_area: str = ""
    integrations: list[str] = field(default_factory=list)


@dataclass
class PlanContent:
    plan: Values
    clauses: dict[int, Values]
    quoted: dict[str, list[Quoted]]  # by section of QUOTED_SECTIONS


def _check_quote(entry: Entry, text: str, numbers: list[int], clause_texts: dict[int, str]) -> None:
    """A record's text must be quoted exactly from one of the clauses it cites."""
    if not any(text in clause_texts[n] for n in numbers):
        raise entry.fail("text", f"not found verbatim in clause(s) {numbers}")


def read_plan(path: Path = PLAN_FILE) -> PlanContent:
    """The file's content, validated; raises DataFileError naming the first problem."""
    data = read_toml(path)
    head = data.get("plan")
    if not isinstance(head, dict):
        raise DataFileError(path, "[plan]", "-", "missing")
    plan = Entry(path, "[plan]", head)
    adopted_on = head.get("adopted_on")
    if not isinstance(adopted_on, datetime.date):
        raise plan.fail("adopted_on", "must be a date such as 2023-11-20")
    head_values: Values = {
        "code": plan.text("code"),
        "title": plan.text("title"),
        "title_en": plan.text("title_en", required=False),
        "adopted_on": adopted_on,
        "source": plan.text("source"),
        "source_en": plan.text("source_en", required=False),
    }

    clauses: dict[int, Values] = {}
    clause_texts: dict[int, str] = {}
    for entry in entries(path, data, "clauses", key="number"):
        number = entry.integer("number")
        clause_texts[number] = entry.text("text")
        clauses[number] = {
            "text": clause_texts[number],
            "text_en": entry.text("text_en", required=False),
            "trackable": entry.boolean("trackable", True),
        }

    for index, values in enumerate(data.get("corrections", []), start=1):
        entry = Entry(path, f"corrections #{index}", values)
        number = entry.integer("clause", choices=set(clauses))
        corrected, printed = entry.text("corrected"), entry.text("printed")
        if corrected not in clause_texts[number]:
            raise entry.fail("corrected", f"not found in clause {number}")
        if printed in clause_texts[number]:
            raise entry.fail("printed", f"still found in clause {number}")

    quoted: dict[str, list[Quoted]] = {}
    codes: dict[str, set[str]] = {}
    for section, _model in QUOTED_SECTIONS:
        records = []
        for order, entry in enumerate(entries(path, data, section), start=1):
            code, text = entry.text("code"), entry.text("text")
            fields: Values = {
                "order": order,
                "text": text,
                "text_en": entry.text("text_en", required=False),
            }
            record = Quoted(code, entry.int_list("clauses", allowed=set(clauses)), fields)
            _check_quote(entry, text, record.clauses, clause_texts)
            if section == "goals":
                fields["horizon"] = entry.integer("horizon", choices={2027, 2035})
            if section == "integrations":
                for name in ("name", "problem"):
                    fields[name] = entry.text(name)
                    fields[f"{name}_en"] = entry.text(f"{name}_en", required=False)
            if section == "measures":
                record.task_area = entry.text("task_area")
                if record.task_area not in codes["task_areas"]:
                    raise entry.fail("task_area", f"unknown {record.task_area}")
                record.integrations = entry.text_list("integrations", allowed=codes["integrations"])
                fields["integrations_why_en"] = entry.text("integrations_why_en", required=False)
            records.append(record)
        quoted[section] = records
        codes[section] = {r.code for r in records}
    return PlanContent(head_values, clauses, quoted)


def load_plan(path: Path = PLAN_FILE) -> dict[str, int]:
    """Create or update the Decision's records from the file; returns counts of what changed."""
    content = read_plan(path)
    upserts = Upserts()
    with transaction.atomic():
        head = dict(content.plan)
        plan = upserts.upsert(Plan, {"code": head.pop("code")}, head)
        clauses = {
            number: upserts.upsert(Clause, {"plan": plan, "number": number}, values)
            for number, values in content.clauses.items()
        }
        by_code: dict[str, dict[str, models.Model]] = {}
        for section, model in QUOTED_SECTIONS:
            by_code[section] = {}
            for record in content.quoted[section]:
                values = dict(record.values)
                many: dict[str, list[models.Model]] = {
                    "clauses": [clauses[n] for n in record.clauses]
                }
                if section == "measures":
                    values["task_area"] = by_code["task_areas"][record.task_area]
                    many["integrations"] = [by_code["integrations"][c] for c in record.integrations]
                by_code[section][record.code] = upserts.upsert(
                    model, {"plan": plan, "code": record.code}, values, many
                )
        if upserts.changed:
            trail.record(
                "data.load_plan",
                actor_name="system",
                obj=plan,
                changes={"counts": upserts.summary()},
            )
    return upserts.summary()
