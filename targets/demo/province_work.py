"""Demo province-level notes and contributions (演示数据): a few measures' province-level work in
the demo round, each saying in its text that it is demonstration content, and marked ``is_demo``
so that the pages label it. Measures whose lead or cooperating department is not in the demo
division are left out; a round that has some already is left alone."""

from django.contrib.auth.models import User
from django.utils import timezone

from targets.models import (
    Contribution,
    Department,
    Measure,
    MeasureDepartment,
    Period,
    ProvinceNote,
    ProvinceNoteVersion,
    Responsibility,
    State,
    StatusOption,
)

TEXT = "【演示数据】{department}本期的{what}为系统生成的演示内容,不是真实报送。"
# measure code, and the state of its lead department's note
NOTES = [("T1.3", State.SUBMITTED), ("T2.5", State.APPROVED), ("T1.4", State.DRAFT)]


def seed_province_work(period_code: str, users: dict[str, User], reviewer: User) -> None:
    """The demo notes of ``period_code``; ``users`` are the demo departments' accounts by the
    department's code (a department without one writes under the reviewer's name: the text says
    it is a demo)."""
    period = Period.objects.filter(code=period_code).first()
    if period is None or ProvinceNote.objects.filter(period=period, is_demo=True).exists():
        return
    status = StatusOption.objects.filter(code="on_schedule").first()
    if status is None:
        return
    now = timezone.now()
    for code, state in NOTES:
        measure = Measure.objects.filter(code=code).first()
        if measure is None:
            continue
        duties = list(
            MeasureDepartment.objects.filter(measure=measure, department__is_demo=True)
            .select_related("department")
            .order_by("department__code")
        )
        lead = next((d.department for d in duties if d.responsibility == Responsibility.LEAD), None)
        if lead is None:
            continue
        parts = []
        for duty in duties:
            if duty.responsibility != Responsibility.COOPERATING:
                continue
            helper: Department = duty.department
            text = TEXT.format(department=helper.name, what="配合工作")
            Contribution.objects.create(
                measure=measure,
                period=period,
                department=helper,
                text=text,
                updated_by=users.get(helper.code, reviewer),
                is_demo=True,
            )
            parts.append({"department": helper.name, "text": text, "files": []})
        author = users.get(lead.code, reviewer)
        note = ProvinceNote.objects.create(
            measure=measure,
            period=period,
            department=lead,
            status=status,
            narrative=TEXT.format(department=lead.name, what="省级层面推进情况"),
            state=state,
            updated_by=author,
            submitted_at=now if state != State.DRAFT else None,
            reviewed_by=reviewer if state == State.APPROVED else None,
            reviewed_at=now if state == State.APPROVED else None,
            is_demo=True,
        )
        ProvinceNoteVersion.objects.create(
            note=note,
            number=1,
            state=state,
            status=status,
            narrative=note.narrative,
            contributions=parts,
            event="save" if state == State.DRAFT else "submit",
            by=author,
        )
