"""Provincial departments at work (部门协同配合): the lead department's province-level note on a
measure each round (省级层面推进情况) with its versions, the cooperating departments'
contributions to it (配合单位报送), the files attached to either, and the lead department's
opinion on county notes (部门意见)."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from targets.models.progress import State, StatusOption


class ProvinceNote(models.Model):
    """The province-level work on one measure in one round, written by its lead department and
    reviewed by the provincial reviewers: draft → submitted → approved, or → returned. ``version``
    counts saves, as a county note's does."""

    measure = models.ForeignKey(
        "targets.Measure",
        on_delete=models.PROTECT,
        related_name="province_notes",
        verbose_name=_("举措"),
    )
    period = models.ForeignKey(
        "targets.Period", on_delete=models.PROTECT, related_name="+", verbose_name=_("填报周期")
    )
    department = models.ForeignKey(
        "targets.Department",
        on_delete=models.PROTECT,
        related_name="province_notes",
        verbose_name=_("牵头部门"),
    )
    status = models.ForeignKey(
        StatusOption, on_delete=models.PROTECT, related_name="+", verbose_name=_("进展状态")
    )
    narrative = models.TextField(_("省级层面推进情况"), max_length=5000)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("最后保存时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    review_comment = models.TextField(_("审核意见"), blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False, editable=False)

    class Meta:
        ordering = ["period", "measure"]
        verbose_name = _("省级层面推进情况")
        verbose_name_plural = _("省级层面推进情况")
        constraints = [
            models.UniqueConstraint(fields=["measure", "period"], name="province_note_once")
        ]

    def __str__(self) -> str:
        return f"{self.measure.code} {self.period.code} ({self.department.name})"

    @property
    def editable(self) -> bool:
        return self.state in (State.DRAFT, State.RETURNED)


class ProvinceNoteVersion(models.Model):
    """Every saved version of a province-level note, as written, with the contributions it was
    compiled from at that moment (append-only)."""

    note = models.ForeignKey(ProvinceNote, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices)
    status = models.ForeignKey(StatusOption, on_delete=models.PROTECT, related_name="+")
    narrative = models.TextField(_("省级层面推进情况"))
    # [{"department": name, "text": ..., "files": [names]}], as they stood at this version.
    contributions = models.JSONField(_("配合单位报送"), default=list)
    event = models.CharField(_("操作"), max_length=20)
    comment = models.TextField(_("审核意见"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["note", "number"]
        constraints = [
            models.UniqueConstraint(fields=["note", "number"], name="province_note_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.note} v{self.number}"


class Contribution(models.Model):
    """A cooperating department's contribution to the lead's note on a measure in a round;
    editable until the lead submits its note."""

    measure = models.ForeignKey(
        "targets.Measure", on_delete=models.PROTECT, related_name="+", verbose_name=_("举措")
    )
    period = models.ForeignKey(
        "targets.Period", on_delete=models.PROTECT, related_name="+", verbose_name=_("填报周期")
    )
    department = models.ForeignKey(
        "targets.Department",
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("配合部门"),
    )
    text = models.TextField(_("报送内容"), max_length=5000)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("最后保存时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    is_demo = models.BooleanField(_("演示数据"), default=False, editable=False)

    class Meta:
        ordering = ["period", "measure", "department__code"]
        verbose_name = _("配合单位报送")
        verbose_name_plural = _("配合单位报送")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period", "department"], name="contribution_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure.code} {self.period.code} {self.department.name}"


def department_evidence_path(instance: "DepartmentEvidence", filename: str) -> str:
    """A generated name with the extension of the checked content."""
    return f"department-evidence/{uuid.uuid4().hex}.{PurePath(filename).suffix[1:]}"


class DepartmentEvidence(models.Model):
    """A file attached to a province-level note or to a contribution, checked by the rules of a
    county note's evidence; never deleted, a later save can mark it superseded."""

    note = models.ForeignKey(
        ProvinceNote, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    contribution = models.ForeignKey(
        Contribution, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    file = models.FileField(_("文件"), upload_to=department_evidence_path, max_length=200)
    name = models.CharField(_("文件名"), max_length=150)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    superseded = models.BooleanField(_("已被替代"), default=False)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("部门佐证材料")
        verbose_name_plural = _("部门佐证材料")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(note__isnull=True, contribution__isnull=False)
                | models.Q(note__isnull=False, contribution__isnull=True),
                name="department_evidence_has_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.name


class DepartmentOpinion(models.Model):
    """The lead department's opinion on a county's note of a measure it leads (部门意见), kept
    with the version of the note it was given on (append-only: a later opinion adds a row)."""

    note = models.ForeignKey(
        "targets.ProgressNote",
        on_delete=models.CASCADE,
        related_name="department_opinions",
        verbose_name=_("进展"),
    )
    note_version = models.PositiveIntegerField(_("进展版本"))
    department = models.ForeignKey(
        "targets.Department",
        on_delete=models.PROTECT,
        related_name="opinions",
        verbose_name=_("牵头部门"),
    )
    text = models.TextField(_("部门意见"), max_length=2000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    is_demo = models.BooleanField(_("演示数据"), default=False, editable=False)

    class Meta:
        ordering = ["note", "at", "id"]
        verbose_name = _("部门意见")
        verbose_name_plural = _("部门意见")

    def __str__(self) -> str:
        return f"{self.note} {self.department.name}"
