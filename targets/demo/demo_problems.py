"""Demo problems (问题清单) of 锦江区 and 会理市, one in each state of rectification, dated from
today so that the lights show red, yellow and green; every one labelled 演示 (``is_demo``, and
in its text). Nothing here is official."""

import datetime
import hashlib

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from targets.models import (
    County,
    Measure,
    Period,
    Problem,
    ProblemEvent,
    ProblemEvidence,
    ProblemState,
    ProgressNote,
)

DEMO_COUNTIES = ("510104", "513402")
EVIDENCE_TEXT = "【演示数据】整改佐证材料,不是真实文件。\n".encode()
# measure, what, state, days to the deadline (negative: overdue), raised by a reviewer
DEMO_PROBLEMS = [
    ("T1.1", "项目用地指标尚未落实", ProblemState.RECTIFYING, -10, False),
    ("T1.3", "配套资金到位率偏低", ProblemState.RECTIFYING, 5, True),
    ("T2.3", "农村生活污水治理进度滞后", ProblemState.REPORTED, 20, True),
    ("T3.2", "闲置宅基地盘活机制不健全", ProblemState.CLOSED, -3, False),
    ("T4.2", "城乡公交线路覆盖不足", ProblemState.RETURNED, 12, True),
]


def seed_problems(period_code: str, author) -> None:
    """The demo problems, raised in the demo round (again: nothing new)."""
    if Problem.objects.filter(is_demo=True).exists():
        return
    reviewer = get_user_model().objects.get(username="province")
    period = Period.objects.get(code=period_code)
    today = timezone.localdate()
    for county in County.objects.filter(code__in=DEMO_COUNTIES).order_by("code"):
        for code, what, state, days, by_review in DEMO_PROBLEMS:
            measure = Measure.objects.get(code=code)
            note = ProgressNote.objects.filter(
                county=county, measure=measure, period=period
            ).first()
            _problem(
                county=county,
                measure=measure,
                period=period,
                note=None if by_review else note,
                what=what,
                state=state,
                deadline=today + datetime.timedelta(days=days),
                raised_by=reviewer if by_review else author,
                reviewer=reviewer,
            )


def _problem(*, county, measure, period, note, what, state, deadline, raised_by, reviewer):
    reported = state in (ProblemState.REPORTED, ProblemState.CLOSED, ProblemState.RETURNED)
    verified = state in (ProblemState.CLOSED, ProblemState.RETURNED)
    problem = Problem.objects.create(
        county=county,
        measure=measure,
        period=period,
        note=note,
        source=Problem.Source.COUNTY if note else Problem.Source.REVIEW,
        description=f"【演示数据】{what}。",
        owner=note.department if note else None,
        deadline=deadline,
        state=state,
        rectification="【演示数据】已制定整改方案并完成整改。" if reported else "",
        reported_at=timezone.now() if reported else None,
        verified_by=reviewer if verified else None,
        verified_at=timezone.now() if verified else None,
        verify_comment="【演示数据】佐证材料不足,请补充。"
        if state == ProblemState.RETURNED
        else "",
        version=1 + reported + verified,
        raised_by=raised_by,
        updated_by=reviewer if verified else raised_by,
        is_demo=True,
    )
    steps = [("raise", ProblemState.RECTIFYING, problem.description, raised_by)]
    if reported:
        ProblemEvidence.objects.create(
            problem=problem,
            file=ContentFile(EVIDENCE_TEXT, name="evidence.txt"),
            name="演示-整改佐证材料.txt",
            content_type="text/plain",
            size=len(EVIDENCE_TEXT),
            sha256=hashlib.sha256(EVIDENCE_TEXT).hexdigest(),
            uploaded_by=raised_by,
        )
        steps.append(("report", ProblemState.REPORTED, problem.rectification, raised_by))
    if verified:
        event = "close" if state == ProblemState.CLOSED else "return"
        steps.append((event, state, problem.verify_comment, reviewer))
    for number, (event, at_state, text, by) in enumerate(steps, start=1):
        ProblemEvent.objects.create(
            problem=problem, number=number, event=event, state=at_state, text=text, by=by
        )
