"""Every main page checked with axe-core in the browser, in both languages, at 1366 and at 375 px:
no serious or critical violation of the WCAG 2.1 A and AA rules, and everything inside a landmark
(axe's "region" rule). axe is vendored for the tests (tests/e2e/vendor/axe-core) and run through
Playwright's evaluate, which the page's CSP does not govern."""

from pathlib import Path

import pytest

from tests.e2e.main_pages import (
    DESKTOP_1366,
    LANGUAGES,
    MAIN_PAGES,
    PHONE_375,
    in_language,
    open_as,
)

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page) -> list[str]:
    """The page's serious and critical WCAG violations, and content outside every landmark."""
    page.evaluate(AXE)
    return page.evaluate(
        """async (tags) => {
          const describe = (v) => `${v.id} (${v.impact}): ${v.help} — ` + v.nodes.slice(0, 3)
            .map((n) => n.target.join(" ") + " " + n.any.map((a) => a.message).join(" "))
            .join(", ");
          const wcag = await axe.run(document, {runOnly: {type: "tag", values: tags}});
          const landmarks = await axe.run(document, {runOnly: {type: "rule", values: ["region"]}});
          return wcag.violations.filter((v) => ["serious", "critical"].includes(v.impact))
            .concat(landmarks.violations).map(describe);
        }""",
        WCAG,
    )


@pytest.mark.parametrize("group", list(MAIN_PAGES))
def test_the_main_pages_have_no_serious_accessibility_violation(
    app_data, live_server, page, login, group
):
    paths = open_as(group, login)
    problems = {}
    for language in LANGUAGES:
        in_language(page, live_server, language)
        for viewport in (DESKTOP_1366, PHONE_375):
            page.set_viewport_size(viewport)
            for path in paths:
                page.goto(f"{live_server.url}{path}")
                found = violations(page)
                if found:
                    problems[f"{path} ({language}, {viewport['width']}px)"] = found
    assert problems == {}
