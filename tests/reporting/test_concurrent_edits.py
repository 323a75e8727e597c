"""Two people editing the same note: the second save is refused with what the other saved, and no
update is lost, including when both saves reach PostgreSQL at the same moment."""

import threading

import pytest
from django.db import connections

from targets.geography.loader import load_divisions
from targets.models import County, Measure, NoteVersion, Period, ProgressNote, StatusOption
from targets.plan.loader import load_plan
from targets.reporting.workflow import NoteInput, StaleVersion, save_note
from targets.supervision.reporting_setup import setup_reporting
from tests.conftest import make_user

NOTE = "/counties/510104/report/2026Q3/measures/T1.1/"


@pytest.mark.django_db
def test_the_second_save_is_refused_showing_what_the_first_saved(
    client, reporter, period, note_data
):
    colleague = make_user("colleague", "county_reporter", county=reporter.roles.get().county)
    client.force_login(reporter)
    client.post(NOTE, {**note_data, "action": "save"})
    # Both open the form at version 1; the colleague saves first.
    client.force_login(colleague)
    client.post(NOTE, {**note_data, "narrative": "同事的版本", "version": "1", "action": "save"})
    client.force_login(reporter)
    response = client.post(
        NOTE, {**note_data, "narrative": "我的版本", "version": "1", "action": "save"}
    )
    assert response.status_code == 409
    assert "在您打开后已保存了新的版本" in response.text
    assert "同事的版本" in response.text  # what the other saved
    assert "我的版本" in response.text  # what this user typed, still in the form
    assert ProgressNote.objects.get().narrative == "同事的版本"


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres  # real concurrent connections
def test_simultaneous_saves_on_two_connections_lose_nothing():
    load_divisions()
    load_plan()
    setup_reporting()
    first, second = make_user("first"), make_user("second")
    county, measure = County.objects.get(code="510104"), Measure.objects.get(code="T1.1")
    period, status = Period.objects.get(code="2026Q3"), StatusOption.objects.get(code="behind")
    save_note(
        user=first,
        county=county,
        measure=measure,
        period=period,
        data=NoteInput(status, 10, "起点", None, ""),
        started_from=None,
        submit=False,
    )
    start = threading.Barrier(2)
    outcomes = {}

    def edit(user, text):
        try:
            start.wait()
            save_note(
                user=user,
                county=county,
                measure=measure,
                period=period,
                data=NoteInput(status, 20, text, None, ""),
                started_from=1,
                submit=False,
            )
            outcomes[text] = "saved"
        except StaleVersion:
            outcomes[text] = "refused"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=edit, args=(first, "甲")),
        threading.Thread(target=edit, args=(second, "乙")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["refused", "saved"]
    winner = next(text for text, outcome in outcomes.items() if outcome == "saved")
    note = ProgressNote.objects.get()
    assert note.version == 2
    assert note.narrative == winner
    assert list(NoteVersion.objects.order_by("number").values_list("narrative", flat=True)) == [
        "起点",
        winner,
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres  # real concurrent connections
def test_many_simultaneous_saves_of_different_notes_all_succeed():
    """Saves in one round each lock their own note only. When a save also locked the period's
    row (through a join), saves deadlocked against the audit chain's lock under load."""
    load_divisions()
    load_plan()
    setup_reporting()
    period, status = Period.objects.get(code="2026Q3"), StatusOption.objects.get(code="behind")
    measures = list(Measure.objects.order_by("order"))
    counties = list(County.objects.order_by("code")[:6])
    users = [make_user(f"user{n}") for n in range(len(counties))]
    start = threading.Barrier(len(counties))
    failures = []

    def work(user, county):
        try:
            start.wait()
            for measure in measures[:8]:
                note = save_note(
                    user=user,
                    county=county,
                    measure=measure,
                    period=period,
                    data=NoteInput(status, 10, "草稿", None, ""),
                    started_from=None,
                    submit=False,
                )
                save_note(
                    user=user,
                    county=county,
                    measure=measure,
                    period=period,
                    data=NoteInput(status, 20, "提交", None, ""),
                    started_from=note.version,
                    submit=True,
                )
        except Exception as error:
            failures.append(repr(error))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=work, args=pair) for pair in zip(users, counties, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert NoteVersion.objects.count() == len(counties) * 8 * 2
