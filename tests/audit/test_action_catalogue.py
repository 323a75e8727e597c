"""Every action the app records is named in words in the catalogue, in Chinese and in English.

The codes are collected from the source: the first argument of each ``trail.record(...)`` and
``trail.Export(...)``. A code built at run time (an f-string) must be one of the patterns listed
here with the codes it makes; a new pattern, or an argument this test cannot read, fails it.
"""

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation

from targets.accounts.duties import RESET_ACTIONS
from targets.audit.actions import ACTIONS, GROUP_ACTIONS, action_choices, action_label

SOURCE = Path(__file__).resolve().parents[2] / "targets"
CODE = re.compile(r"^[a-z_]+\.[a-z_]+$")
# The codes made at run time: the f-string's shape, and what it makes.
PATTERNS = {
    "note.{}": {"note.save", "note.submit", "note.send_for_check"},
    "value.{}": {"value.save", "value.submit"},
    "{}.{}": {"note.approve", "note.return", "value.approve", "value.return"},
    "admin.{}": {"admin.add", "admin.change"},
    "order.{}": {"order.sign", "order.answer", "order.return", "order.close"},
    "province_note.{}": {
        "province_note.save",
        "province_note.submit",
        "province_note.approve",
        "province_note.return",
    },
}
# Where the action is passed through rather than written.
PASSED_THROUGH = {("audit/trail.py", "self.action")}


def _shape(node: ast.JoinedStr) -> str:
    return "".join(p.value if isinstance(p, ast.Constant) else "{}" for p in node.values)


def _codes_in(node: ast.expr, where: str) -> set[str]:
    """The action codes an argument can be: its string constants, an f-string's pattern, or
    RESET_ACTIONS[...]."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.JoinedStr):
        shape = _shape(node)
        assert shape in PATTERNS, f"{where}: an action made at run time, {shape!r}: list it here"
        return PATTERNS[shape]
    if isinstance(node, ast.IfExp):
        return _codes_in(node.body, where) | _codes_in(node.orelse, where)
    if isinstance(node, ast.Subscript) and ast.unparse(node.value).endswith("RESET_ACTIONS"):
        return set(RESET_ACTIONS.values())
    raise AssertionError(f"{where}: cannot tell which action {ast.unparse(node)} records")


def recorded_actions() -> set[str]:
    codes: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name not in {"record", "Export"}:
                continue
            where = f"{path.relative_to(SOURCE).as_posix()}"
            if (where, ast.unparse(node.args[0])) in PASSED_THROUGH:
                continue
            codes |= _codes_in(node.args[0], f"{where}:{node.lineno}")
    return codes


def test_the_source_records_actions_this_test_can_read():
    codes = recorded_actions()
    assert {"auth.login", "note.submit", "value.import", "export.audit"} <= codes
    assert all(CODE.match(code) for code in codes), sorted(codes)


def test_every_recorded_action_is_named_in_the_catalogue():
    assert sorted(recorded_actions() - ACTIONS.keys()) == []


def test_the_catalogue_names_nothing_the_app_no_longer_records():
    assert sorted(ACTIONS.keys() - recorded_actions()) == []


@pytest.mark.parametrize("code", sorted(ACTIONS))
def test_each_action_reads_in_chinese_and_in_english(code):
    with translation.override("zh-hans"):
        chinese = action_label(code)
    with translation.override("en"):
        english = action_label(code)
    assert chinese != code
    assert re.search(r"[\u4e00-\u9fff]", chinese), chinese
    assert english != chinese, f"{code} has no English words"
    assert english.isascii(), english


def test_the_words_name_the_action():
    with translation.override("zh-hans"):
        assert action_label("auth.login") == "登录"
    with translation.override("en"):
        assert action_label("auth.login") == "Signed in"
        assert action_label("note.submit") == "Submitted a progress note"


def test_an_unknown_action_reads_as_its_code():
    assert action_label("retired.action") == "retired.action"


def test_the_choices_list_every_action_once_in_groups():
    listed = [code for _group, actions in action_choices() for code, _label in actions]
    assert sorted(code for code in listed if code not in GROUP_ACTIONS) == sorted(ACTIONS)
    assert [actions[0][0] for _group, actions in action_choices()] == list(GROUP_ACTIONS)
    assert len(action_choices()) > 1
