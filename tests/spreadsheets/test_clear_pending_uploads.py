"""The daily removal of Excel uploads that were checked but never confirmed."""

import os
import time
from io import StringIO

from django.core.management import call_command


def test_only_uploads_older_than_a_day_are_removed(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    folder = tmp_path / "imports"
    folder.mkdir()
    old, fresh = folder / "old.xlsx", folder / "fresh.xlsx"
    old.write_bytes(b"x")
    fresh.write_bytes(b"y")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    out = StringIO()
    call_command("clear_pending_uploads", stdout=out)
    assert not old.exists()
    assert fresh.exists()
    assert "Removed 1 pending uploads" in out.getvalue()


def test_nothing_to_do_without_the_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = StringIO()
    call_command("clear_pending_uploads", stdout=out)
    assert "Removed 0" in out.getvalue()
