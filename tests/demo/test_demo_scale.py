"""The demo data at scale: synthetic provinces that cannot be taken for real ones, and notes
written in bulk (COPY on PostgreSQL) with their first versions, ids taken from the sequence."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from targets.demo import bulk_insert, seed, synthetic_divisions
from targets.geography.loader import load_divisions
from targets.models import County, NoteVersion, Prefecture, ProgressNote, Region, State
from targets.plan.loader import load_plan
from targets.supervision.reporting_setup import setup_reporting
from tests.notes import new_note

pytestmark = pytest.mark.django_db


@pytest.fixture
def synthetic(demo):
    return synthetic_divisions.make()


def test_thirty_synthetic_provinces_of_ninety_counties_labelled_as_demo(synthetic):
    assert len(synthetic) == 30 * 10 * 9
    provinces = Region.objects.filter(code__startswith="demo-")
    assert provinces.count() == 30
    assert all("演示" in p.name for p in provinces)
    assert all("演示" in c.name and c.code.startswith("9") for c in synthetic)
    assert all(p.name_en.startswith("Demo ") for p in provinces)
    assert all(c.name_en.startswith("Demo ") for c in synthetic)
    assert not Prefecture.objects.filter(region__in=provinces).exclude(name_en__startswith="Demo ")
    assert County.objects.filter(code__startswith="51").count() == 183  # Sichuan untouched
    assert synthetic_divisions.make()
    assert County.objects.count() == 183 + 2700
    assert Prefecture.objects.filter(region__in=provinces).count() == 300


def test_bulk_notes_have_their_versions_and_leave_the_sequence_ahead(synthetic, reporter):
    counties = synthetic[:50]
    made = seed._demo_reports(["2026Q3"], counties=counties)
    notes = ProgressNote.objects.filter(county__in=counties)
    assert made == notes.count() > 50 * 24 * 0.7
    assert all(n.is_demo and n.narrative.startswith("【演示数据】") for n in notes)
    versions = NoteVersion.objects.filter(note__county__in=counties)
    assert versions.count() == made
    assert all(v.state == v.note.state and v.number == 1 for v in versions.select_related("note"))
    assert not notes.filter(state=State.APPROVED, reviewed_by=None).exists()
    assert seed._demo_reports(["2026Q3"], counties=counties) == 0  # a period done is left alone
    # The ORM's next note takes an id after the block that COPY wrote.
    later = new_note("510104", "T1.1", State.DRAFT, author=reporter, period="2026Q4")
    later.save()
    assert later.pk > max(notes.values_list("pk", flat=True))
    assert get_user_model().objects.get(username="demo_data").is_active is False


@pytest.mark.postgres  # PostgreSQL's planner statistics
def test_the_planner_is_told_of_the_rows_written_in_bulk(synthetic):
    def planned_rows() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'targets_progressnote'")
            return int(cursor.fetchone()[0])

    made = seed._demo_reports(["2026Q2", "2026Q3"], counties=synthetic[:100])
    assert planned_rows() < made / 2  # as PostgreSQL saw the table before the COPY
    bulk_insert.refresh_statistics(ProgressNote)
    assert planned_rows() == ProgressNote.objects.count()


@pytest.mark.postgres  # PostgreSQL's VACUUM and visibility map
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_tables_are_vacuumed_so_that_counts_read_an_index_alone():
    def pages() -> tuple[int, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relpages, relallvisible FROM pg_class WHERE relname = 'targets_progressnote'"
            )
            return cursor.fetchone()

    load_divisions()  # a transactional test starts from an empty database
    load_plan()
    setup_reporting()
    seed.seed_demo(reports=False)
    assert seed._demo_reports(["2026Q2"], counties=list(County.objects.all()[:40])) > 0
    bulk_insert.refresh_statistics(ProgressNote)
    written, all_visible = pages()
    assert written > 0
    assert all_visible == written
