"""Loads the Decision from ``data/plan.toml``: every entry checked before anything is written,
then applied in one transaction."""

import datetime
from pathlib import Path

from django.db import transaction

from targets.audit import trail
from targets.data.files import DATA_DIR, DataFileError, Entry, Upserts, entries, read_toml
from targets.models import BottomLine, Clause, Goal, Integration, Measure, Plan, TaskArea

PLAN_FILE = DATA_DIR / "plan.toml"
# Sections of records quoted from the source, each tied to clauses: (section, model).
QUOTED_SECTIONS = [
    ("goals", Goal),
    ("task_areas", TaskArea),
    ("integrations", Integration),
    ("measures", Measure),
    ("bottom_lines", BottomLine),
]


def _check_quote(entry: Entry, text: str, numbers: list[int], clause_texts: dict[int, str]) -> None:
    """A record's text must be quoted exactly from one of the clauses it cites."""
    if not any(text in clause_texts[n] for n in numbers):
        raise entry.fail("text", f"not found verbatim in clause(s) {numbers}")


def read_plan(path: Path = PLAN_FILE) -> dict:
    """The file's content, validated; raises DataFileError naming the first problem."""
    data = read_toml(path)
    head = data.get("plan")
    if not isinstance(head, dict):
        raise DataFileError(path, "[plan]", "-", "missing")
    plan = Entry(path, "[plan]", head)
    adopted_on = head.get("adopted_on")
    if not isinstance(adopted_on, datetime.date):
        raise plan.fail("adopted_on", "must be a date such as 2023-11-20")
    result: dict = {
        "plan": {
            "code": plan.text("code"),
            "title": plan.text("title"),
            "title_en": plan.text("title_en", required=False),
            "adopted_on": adopted_on,
            "source": plan.text("source"),
            "source_en": plan.text("source_en", required=False),
        }
    }

    clauses = {}
    for entry in entries(path, data, "clauses", key="number"):
        number = entry.integer("number")
        clauses[number] = {
            "text": entry.text("text"),
            "text_en": entry.text("text_en", required=False),
            "trackable": entry.boolean("trackable", True),
        }
    result["clauses"] = clauses
    clause_texts = {n: c["text"] for n, c in clauses.items()}

    for index, values in enumerate(data.get("corrections", []), start=1):
        entry = Entry(path, f"corrections #{index}", values)
        number = entry.integer("clause", choices=set(clauses))
        corrected, printed = entry.text("corrected"), entry.text("printed")
        if corrected not in clause_texts[number]:
            raise entry.fail("corrected", f"not found in clause {number}")
        if printed in clause_texts[number]:
            raise entry.fail("printed", f"still found in clause {number}")

    codes: dict[str, set[str]] = {}
    for section, _model in QUOTED_SECTIONS:
        records = []
        for order, entry in enumerate(entries(path, data, section), start=1):
            record = {
                "code": entry.text("code"),
                "order": order,
                "text": entry.text("text"),
                "text_en": entry.text("text_en", required=False),
                "clauses": entry.int_list("clauses", allowed=set(clauses)),
            }
            _check_quote(entry, record["text"], record["clauses"], clause_texts)
            if section == "goals":
                record["horizon"] = entry.integer("horizon", choices={2027, 2035})
            if section == "integrations":
                for field in ("name", "problem"):
                    record[field] = entry.text(field)
                    record[f"{field}_en"] = entry.text(f"{field}_en", required=False)
            if section == "measures":
                record["task_area"] = entry.text("task_area")
                if record["task_area"] not in codes["task_areas"]:
                    raise entry.fail("task_area", f"unknown {record['task_area']}")
                record["integrations"] = entry.text_list(
                    "integrations", allowed=codes["integrations"]
                )
                record["integrations_why_en"] = entry.text("integrations_why_en", required=False)
            records.append(record)
        result[section] = records
        codes[section] = {r["code"] for r in records}
    return result


def load_plan(path: Path = PLAN_FILE) -> dict[str, int]:
    """Create or update the Decision's records from the file; returns counts of what changed."""
    content = read_plan(path)
    upserts = Upserts()
    with transaction.atomic():
        head = dict(content["plan"])
        plan = upserts.upsert(Plan, {"code": head.pop("code")}, head)
        clauses = {
            number: upserts.upsert(Clause, {"plan": plan, "number": number}, values)
            for number, values in content["clauses"].items()
        }
        by_code: dict[str, dict] = {}
        for section, model in QUOTED_SECTIONS:
            by_code[section] = {}
            for record in content[section]:
                values = dict(record)
                code = values.pop("code")
                many = {"clauses": [clauses[n] for n in values.pop("clauses")]}
                if section == "measures":
                    values["task_area"] = by_code["task_areas"][values["task_area"]]
                    many["integrations"] = [
                        by_code["integrations"][c] for c in values.pop("integrations")
                    ]
                by_code[section][code] = upserts.upsert(
                    model, {"plan": plan, "code": code}, values, many
                )
        if upserts.changed:
            trail.record(
                "data.load_plan",
                actor_name="system",
                obj=plan,
                changes={"counts": upserts.summary()},
            )
    return upserts.summary()
