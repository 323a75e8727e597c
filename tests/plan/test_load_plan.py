"""The Decision as data: counts, anchoring to clauses, idempotent reloads, malformed files."""

from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from targets.data.files import DataFileError
from targets.models import (
    AuditRecord,
    BottomLine,
    Clause,
    Goal,
    Integration,
    Measure,
    Plan,
    TaskArea,
)
from targets.plan.loader import PLAN_FILE, load_plan

pytestmark = pytest.mark.django_db
QUOTED = [Goal, TaskArea, Measure, Integration, BottomLine]


def test_the_decision_is_loaded_whole():
    assert Plan.objects.count() == 1
    assert Counter(Goal.objects.values_list("horizon", flat=True)) == {2027: 8, 2035: 4}
    assert TaskArea.objects.count() == 5
    assert Integration.objects.count() == 4
    assert Measure.objects.count() == 24
    per_area = Counter(Measure.objects.values_list("task_area__code", flat=True))
    assert per_area == {"T1": 5, "T2": 6, "T3": 5, "T4": 4, "T5": 4}
    assert BottomLine.objects.count() == 7
    # Stated in the bottom-line sentence of clause 8 beside the six 守住 lines.
    assert BottomLine.objects.get(code="B7").text == "坚持农民主体地位,尊重群众意愿和首创精神"
    assert set(Integration.objects.values_list("name", flat=True)) == {
        "要素融合",
        "产业融合",
        "设施融合",
        "治理融合",
    }


def test_every_measure_contributes_to_an_integration():
    assert not Measure.objects.filter(integrations__isnull=True).exists()


@pytest.mark.parametrize("model", QUOTED, ids=lambda m: m.__name__)
def test_every_record_is_quoted_from_a_clause_it_cites(model):
    for record in model.objects.prefetch_related("clauses"):
        clauses = list(record.clauses.all())
        assert clauses, f"{record} cites no clause"
        assert any(record.text in clause.text for clause in clauses), record


def test_the_evident_typesetting_slip_is_corrected():
    measure = Measure.objects.get(text__contains="人才")
    assert measure.text == "创新人才下乡激励机制"
    assert not Clause.objects.filter(text__contains="创新人才乡激励机制").exists()


def test_clauses_split_by_page_breaks_are_joined():
    assert Clause.objects.filter(text__contains="提升县城综合承载能力和服务功能").exists()


def test_loading_twice_changes_nothing():
    records_before = AuditRecord.objects.count()
    counts = load_plan()
    assert all(key.endswith("unchanged") for key in counts), counts
    assert AuditRecord.objects.count() == records_before


def test_a_changed_data_file_updates_the_records(tmp_path: Path):
    changed = tmp_path / "plan.toml"
    text = PLAN_FILE.read_text(encoding="utf-8")
    old_gloss = Measure.objects.get(code="T1.1").text_en
    changed.write_text(text.replace(old_gloss, "Give counties more powers"), encoding="utf-8")
    counts = load_plan(changed)
    assert counts["measure updated"] == 1
    assert Measure.objects.get(code="T1.1").text_en == "Give counties more powers"
    assert AuditRecord.objects.filter(action="data.load_plan").exists()


def _state():
    return (
        sorted(Measure.objects.values_list("code", "text", "text_en", "task_area__code")),
        sorted(Measure.integrations.through.objects.values_list("measure_id", "integration_id")),
        Goal.objects.count(),
    )


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        (
            'text = "深入推进扩权强县"',
            'text = "深入推进扩权强省"',
            "measures #1 (T1.1): field 'text'",
        ),
        ('integrations = ["I4"]', 'integrations = ["I9"]', "field 'integrations': unknown I9"),
        ("horizon = 2027", "horizon = 2030", "goals #1 (G27-1): field 'horizon'"),
        ('task_area = "T1"', 'task_area = "T7"', "field 'task_area': unknown T7"),
        ("[[goals]]", "[[goals]\n", "not valid TOML"),
    ],
    ids=["not-verbatim", "unknown-integration", "bad-horizon", "unknown-task-area", "syntax"],
)
def test_a_malformed_file_is_rejected_naming_entry_and_field_and_changes_nothing(
    tmp_path: Path, old, new, named
):
    text = PLAN_FILE.read_text(encoding="utf-8")
    assert old in text
    # Also change a valid entry before the broken one: it must not be saved either.
    text = text.replace(Measure.objects.get(code="T5.4").text_en, "changed gloss")
    broken = tmp_path / "plan.toml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    before = _state()
    with pytest.raises(DataFileError) as error:
        load_plan(broken)
    assert "plan.toml" in str(error.value)
    assert named in str(error.value)
    assert _state() == before


def test_the_command_reports_a_malformed_file_and_changes_nothing(tmp_path: Path):
    broken = tmp_path / "plan.toml"
    broken.write_text(
        PLAN_FILE.read_text(encoding="utf-8").replace('code = "T2.1"', 'code = "T1.1"'),
        encoding="utf-8",
    )
    before = _state()
    with pytest.raises(CommandError, match=r"field 'code': duplicate T1.1 \(nothing was changed\)"):
        call_command("load_plan", file=broken)
    assert _state() == before
