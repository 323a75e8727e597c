"""The briefing's PDF in Chromium: while the server typesets it, the download button says 正在生成…
and a polite live region says what is happening, until the file is saved."""

from django.utils import timezone
from playwright.sync_api import expect

from targets.supervision.periods import reviewed_round

WATCH = """() => {
    window.seen = [];
    const link = document.querySelector("[data-briefing-pdf]");
    const status = document.getElementById("briefing-pdf-status");
    const note = () => window.seen.push(
        [link.textContent, link.getAttribute("aria-disabled"), status.textContent]);
    new MutationObserver(note).observe(document.body,
        {subtree: true, childList: true, characterData: true, attributes: true});
}"""


def test_the_pdf_download_shows_its_progress_until_the_file_is_saved(
    app_data, live_server, page, login
):
    code = reviewed_round(timezone.localdate()).code
    login("province")
    page.goto(f"{live_server.url}/province/briefing/?period={code}")
    status = page.locator("#briefing-pdf-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_be_empty()
    page.evaluate(WATCH)
    link = page.get_by_role("link", name="下载PDF")
    # The first PDF of a server process loads the CJK fonts: allow for it on a busy machine.
    with page.expect_download(timeout=60_000) as started:
        link.click()
    download = started.value
    assert download.suggested_filename == f"briefing-{code}.pdf"
    with open(download.path(), "rb") as saved:
        assert saved.read(5) == b"%PDF-"
    expect(status).to_have_text("PDF已生成,开始下载。")
    expect(link).to_have_text("下载PDF")
    expect(link).not_to_have_attribute("aria-disabled", "true")
    # While it was being made: the button said so and could not be pressed again, and so did
    # the live region.
    seen = page.evaluate("window.seen")
    assert ["正在生成…", "true", "正在生成PDF,通常需要几秒钟,请稍候。"] in seen
