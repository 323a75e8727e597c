"""The review queue's whole export in Chromium: the reviewer asks for it from the queue (导出全部),
lands on their files where it is listed as queued while the page asks again every three seconds;
once the worker has made it, the list offers it for download, and the notification leads there."""

from django.core.management import call_command
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.test_review_queue import MEASURES, submitted


def test_the_whole_queue_is_exported_by_the_worker_and_downloaded(
    app_data, live_server, page, login
):
    for measure in MEASURES:
        submitted(measure)
    login("province")
    page.goto(f"{live_server.url}/review/")
    with page.expect_navigation():
        page.get_by_role("button", name="导出全部 Excel").click()
    expect(page).to_have_url(f"{live_server.url}/files/")
    expect(page.locator(".messages")).to_contain_text("已加入导出队列")
    files = page.locator("#my-files")
    expect(files).to_contain_text("排队中")
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
    link = files.get_by_role("link", name="review-")
    expect(link).to_be_visible(timeout=15_000)
    expect(files).to_contain_text("已生成")
    with page.expect_download() as started:
        link.click()
    download = started.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as saved:
        sheet = load_workbook(saved).active
    assert sheet.max_row == 1 + len(MEASURES)
    assert "部门意见" in [cell.value for cell in sheet[1]]

    page.goto(f"{live_server.url}/notifications/")
    notice = page.locator(".notice").filter(has_text="待审核记录导出")
    expect(notice).to_have_count(1)
    with page.expect_navigation():
        notice.get_by_role("button", name="去下载").click()
    expect(page).to_have_url(f"{live_server.url}/files/")
