"""Both languages complete: every message of the current source has an English translation."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_message_is_translated_into_english(tmp_path: Path):
    # Extract the messages afresh from a copy of the sources, so the real catalog is not touched.
    for name in ["manage.py", "plenum", "targets", "templates", "static", "locale"]:
        source = ROOT / name
        copy = shutil.copytree if source.is_dir() else shutil.copy
        copy(source, tmp_path / name)
    env = {**os.environ, "DEBUG": "true"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "-v", "0"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    catalog = tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"
    missing = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(catalog)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-obsolete", str(catalog)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    untranslated = [line for line in missing.splitlines() if line.startswith("msgid ")][1:]
    assert untranslated == [], "messages without an English translation"
    assert "msgid" not in fuzzy, "fuzzy translations (ignored by Django)"
