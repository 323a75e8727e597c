"""The problem list (问题清单) and its rectification (整改): a problem found in a county's work on a
measure, raised by the county from its note's 存在问题 or by a reviewer, with an owner, a deadline
and evidence of the rectification; closed (整改销号) only when a reviewer verifies it.

A supervision order (督办单) may later carry problems: it will point here by a nullable foreign
key of its own (or a problem gain one to it), and nothing in the problem's states depends on it."""

import datetime
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

SOON_DAYS = 7  # a deadline this many days away or fewer lights the problem yellow


class ProblemState(models.TextChoices):
    RECTIFYING = "rectifying", _("整改中")
    REPORTED = "reported", _("已整改待核实")
    CLOSED = "closed", _("已销号")
    RETURNED = "returned", _("退回重新整改")


# Where the county still owes the rectification: what the lights and the overdue count chase.
OPEN = (ProblemState.RECTIFYING, ProblemState.RETURNED)


class ProblemQuerySet(models.QuerySet["Problem"]):
    def for_pages(self) -> "ProblemQuerySet":
        """With what a list row shows, read in a fixed number of queries whatever their number."""
        return self.select_related("county__prefecture", "measure", "owner", "period", "raised_by")

    def overdue(self, today: datetime.date) -> "ProblemQuerySet":
        """Rectifications still owed after their deadline."""
        return self.filter(state__in=OPEN, deadline__lt=today)

    def due_soon(self, today: datetime.date) -> "ProblemQuerySet":
        """Rectifications still owed whose deadline is at most SOON_DAYS away."""
        return self.filter(
            state__in=OPEN,
            deadline__gte=today,
            deadline__lte=today + datetime.timedelta(days=SOON_DAYS),
        )


class Problem(models.Model):
    """One problem of a county on one measure. ``version`` counts changes: a change names the
    version it started from, and loses to no one silently."""

    class Source(models.TextChoices):
        COUNTY = "county", _("县级自查")
        REVIEW = "review", _("审核发现")

    county = models.ForeignKey(
        "targets.County", on_delete=models.PROTECT, related_name="+", verbose_name=_("县(市、区)")
    )
    measure = models.ForeignKey(
        "targets.Measure", on_delete=models.PROTECT, related_name="+", verbose_name=_("举措")
    )
    # The round it was found in: the note's, or the one reviewed when a reviewer raised it.
    period = models.ForeignKey(
        "targets.Period",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("填报周期"),
    )
    note = models.ForeignKey(
        "targets.ProgressNote",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="raised_problems",
        verbose_name=_("来源进展"),
    )
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    description = models.TextField(_("问题描述"), max_length=2000)
    # The county department that rectifies it; None: the county's lead office (县牵头办).
    owner = models.ForeignKey(
        "targets.CountyDepartment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("整改责任单位"),
    )
    deadline = models.DateField(_("整改时限"))
    state = models.CharField(
        _("整改状态"), max_length=10, choices=ProblemState.choices, default=ProblemState.RECTIFYING
    )
    rectification = models.TextField(_("整改情况"), blank=True, max_length=2000)
    reported_at = models.DateTimeField(_("报送整改时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("核实人"),
    )
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    verify_comment = models.TextField(_("核实意见"), blank=True, max_length=2000)
    version = models.PositiveIntegerField(_("版本"), default=1)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("提出人"),
    )
    raised_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("最后修改人"),
    )
    updated_at = models.DateTimeField(_("最后修改时间"), auto_now=True)
    is_demo = models.BooleanField(_("演示数据"), default=False, editable=False)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("问题")
        verbose_name_plural = _("问题清单")
        indexes = [
            # The list of a scope, by deadline (the default order), a page at a time.
            models.Index(fields=["county", "deadline", "id"], name="problem_county_deadline"),
            # The overdue count and the lights: rectifications still owed, by deadline.
            models.Index(
                fields=["deadline", "county"],
                condition=models.Q(state__in=["rectifying", "returned"]),
                name="problem_open_deadline",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="closed") | models.Q(verified_by__isnull=False),
                name="problem_closed_is_verified",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county.name} {self.measure.code} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN


class ProblemEvent(models.Model):
    """Each step of a problem, as it happened (append-only): the problem's page reads these."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    number = models.PositiveIntegerField(_("版本"))
    event = models.CharField(_("操作"), max_length=20)
    state = models.CharField(_("整改状态"), max_length=10, choices=ProblemState.choices)
    text = models.TextField(_("说明"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["problem", "number"]
        constraints = [
            models.UniqueConstraint(fields=["problem", "number"], name="problem_event_unique")
        ]

    def __str__(self) -> str:
        return f"{self.problem_id} v{self.number} {self.event}"


def problem_evidence_path(instance: "ProblemEvidence", filename: str) -> str:
    """A generated name with the extension of the checked content, as for notes' evidence."""
    return f"evidence/problems/{uuid.uuid4().hex}.{PurePath(filename).suffix[1:]}"


class ProblemEvidence(models.Model):
    """A file proving the rectification (整改佐证材料); never deleted, like a note's."""

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("文件"), upload_to=problem_evidence_path, max_length=200)
    name = models.CharField(_("文件名"), max_length=150)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("整改佐证材料")
        verbose_name_plural = _("整改佐证材料")

    def __str__(self) -> str:
        return self.name
