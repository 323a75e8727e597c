"""A round's bulk data file in Chromium: the provincial reviewer asks for it on its page (生成),
which lists it as queued in place and asks again every three seconds; once the worker has made
it, the page shows its size and sha256 and the zip downloads with the data inside."""

import re
import zipfile

from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from targets.bulk_data.files import closed_rounds


def test_a_rounds_file_is_asked_for_made_by_the_worker_and_downloaded(
    app_data, live_server, page, login
):
    period = closed_rounds(timezone.localdate()).first()
    login("province")
    page.goto(f"{live_server.url}/province/data-files/")
    row = page.get_by_role("row").filter(has_text=period.label).first
    expect(row).to_contain_text("未生成")
    row.get_by_role("button", name="生成").click()
    expect(row).to_contain_text("排队中")
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
    link = row.get_by_role("link", name=f"data-{period.code}.zip")
    expect(link).to_be_visible(timeout=15_000)
    expect(row.locator("code.hash")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    with page.expect_download() as started:
        link.click()
    download = started.value
    assert download.suggested_filename == f"data-{period.code}.zip"
    with zipfile.ZipFile(download.path()) as archive:
        assert sorted(archive.namelist()) == [
            "README.txt",
            "manifest.sha256",
            "notes.csv",
            "values.csv",
        ]
