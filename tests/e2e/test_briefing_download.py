"""The briefing's PDF in Chromium: asked for, it is listed as queued while the page asks again
every two seconds; once the worker has made it, the list offers it for download."""

from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from targets.supervision.periods import reviewed_round


def test_the_pdf_is_asked_for_made_by_the_worker_and_downloaded(app_data, live_server, page, login):
    code = reviewed_round(timezone.localdate()).code
    login("province")
    page.goto(f"{live_server.url}/province/briefing/?period={code}")
    files = page.locator("#briefing-files")
    expect(files).to_contain_text("本期还没有生成PDF")
    page.get_by_role("button", name="生成PDF").click()
    expect(files).to_contain_text("排队中")
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
    # The first PDF of a process loads the CJK fonts: allow for it on a busy machine.
    link = files.get_by_role("link", name=f"briefing-{code}.pdf")
    expect(link).to_be_visible(timeout=30_000)
    expect(files).to_contain_text("SHA-256")
    with page.expect_download(timeout=30_000) as started:
        link.click()
    download = started.value
    assert download.suggested_filename == f"briefing-{code}.pdf"
    with open(download.path(), "rb") as saved:
        assert saved.read(5) == b"%PDF-"
