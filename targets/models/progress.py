"""Reporting: periods, progress notes on measures with their versions and reviews, evidence files,
and indicator values. A note or value goes draft → submitted → approved, or → returned → submitted."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from targets.models.localized import in_language


class Period(models.Model):
    """A reporting round: a quarter by default (2024Q1 … 2035Q4), or a month (2024-01)."""

    class Cadence(models.TextChoices):
        QUARTER = "quarter", _("季度")
        MONTH = "month", _("月度")

    code = models.CharField(_("代码"), max_length=10, unique=True)
    cadence = models.CharField(_("周期"), max_length=10, choices=Cadence.choices)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    deadline = models.DateField(_("填报截止日期"))
    locked = models.BooleanField(
        _("已锁定"), default=False, help_text=_("锁定后,本期的进展和指标值不能再修改。")
    )

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("填报周期")
        verbose_name_plural = _("填报周期")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__lte=models.F("ends_on")), name="period_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        # The Chinese name whatever the request's language: the audit trail stores this text.
        return self._names()[0]

    @property
    def label(self) -> str:
        """The round as people write it: 2026年第三季度 / Q3 2026, 2026年10月 / October 2026.
        Codes stay in URLs and in files' machine columns."""
        return in_language(*self._names())

    def _names(self) -> tuple[str, str]:
        year, month = self.starts_on.year, self.starts_on.month
        if self.cadence == self.Cadence.MONTH:
            return f"{year}年{month}月", f"{MONTHS_EN[month - 1]} {year}"
        quarter = (month - 1) // 3 + 1
        return f"{year}年第{QUARTERS_ZH[quarter - 1]}季度", f"Q{quarter} {year}"


QUARTERS_ZH = "一二三四"
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


class StatusOption(models.Model):
    """A progress status that notes and reviewers choose from; labels and colours are admins'."""

    code = models.CharField(
        _("代码"), max_length=20, unique=True, validators=[RegexValidator(r"^[a-z_]+$")]
    )
    name = models.CharField(_("名称"), max_length=20)
    name_en = models.CharField(_("英文名称"), max_length=50, blank=True)
    color = models.CharField(
        _("颜色"),
        max_length=7,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("颜色须为 #RRGGBB 形式。"))],
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    is_active = models.BooleanField(_("可选"), default=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("进展状态")
        verbose_name_plural = _("进展状态")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return in_language(self.name, self.name_en)


class State(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审核通过")


# What counts as reported in a round: submitted, or approved since.
REPORTED = (State.SUBMITTED, State.APPROVED)


class Reviewable(models.Model):
    """The workflow and the reviewer's stamp shared by notes and indicator values. ``version``
    counts saves: a save names the version it started from, and loses to no one silently."""

    county = models.ForeignKey(
        "targets.County", on_delete=models.PROTECT, related_name="+", verbose_name=_("县(市、区)")
    )
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="+", verbose_name=_("填报周期")
    )
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("最后保存时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("保存人"),
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    review_comment = models.TextField(_("审核意见"), blank=True)

    class Meta:
        abstract = True

    @property
    def editable(self) -> bool:
        return self.state in (State.DRAFT, State.RETURNED)


class ProgressNote(Reviewable):
    """A county's progress on one measure in one period."""

    # The note's current evidence files, where a query counted them (reporting.report_page).
    evidence_count: int
    # The note's curated case (典型经验), where the timeline read it.
    practice_id: int | None

    measure = models.ForeignKey(
        "targets.Measure", on_delete=models.PROTECT, related_name="notes", verbose_name=_("举措")
    )
    status = models.ForeignKey(
        StatusOption, on_delete=models.PROTECT, related_name="+", verbose_name=_("进展状态")
    )
    percent = models.PositiveSmallIntegerField(
        _("完成进度(%)"), validators=[MaxValueValidator(100)]
    )
    narrative = models.TextField(_("进展情况"), max_length=5000)
    bottom_line = models.ForeignKey(
        "targets.BottomLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("底线风险"),
    )
    risk_reason = models.TextField(_("风险说明"), blank=True, max_length=2000)
    # The standard pair of Chinese reporting (存在问题 / 下步打算): what stands in the way, one
    # problem a line (each can be put on the problem list), and what comes next.
    problems = models.TextField(_("存在问题"), blank=True, default="", max_length=2000)
    next_steps = models.TextField(_("下步打算"), blank=True, default="", max_length=2000)
    reviewer_status = models.ForeignKey(
        StatusOption,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人评定"),
    )
    # The county department that drafts the note (the measure's lead in the county's matrix);
    # None where the county's lead office writes it itself.
    department = models.ForeignKey(
        "targets.CountyDepartment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notes",
        verbose_name=_("承办部门"),
    )
    # Sent by its department to the county's lead office for checking (送牵头办审核): the draft
    # waits there, not for the prefecture, until the lead office submits it or returns it.
    with_lead_office = models.BooleanField(_("待牵头办审核"), default=False)
    is_demo = models.BooleanField(_("演示数据"), default=False, editable=False)

    class Meta:
        ordering = ["period", "county", "measure"]
        verbose_name = _("进展")
        verbose_name_plural = _("进展")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "measure", "period"], name="one_note_per_measure_and_period"
            ),
            models.CheckConstraint(
                condition=models.Q(bottom_line__isnull=True) | ~models.Q(risk_reason=""),
                name="risk_flag_has_a_reason",
            ),
        ]
        indexes = [
            # The review queue reads submitted notes in this order, a page at a time; with the
            # county in the index, a reviewer's scope is checked without reading the table. Only
            # the submitted ones: counting the queue reads every entry, and these are all it needs.
            models.Index(
                fields=["submitted_at", "id", "county"],
                condition=models.Q(state="submitted"),
                name="note_queue_order",
            ),
            # The queue of one round (its period filter), in the same order, and which rounds
            # have anything waiting: one probe per round.
            models.Index(
                fields=["period", "submitted_at", "id", "county"],
                condition=models.Q(state="submitted"),
                name="note_queue_period_order",
            ),
            models.Index(fields=["county", "-submitted_at"], name="note_county_last_submitted"),
            # A measure's grid shows each county's last save of any period: with the time in the
            # index, that is read from the index alone, not from a row in each of 8,000 pages.
            models.Index(
                fields=["measure", "county", "updated_at"], name="note_measure_last_saved"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county.name} {self.measure.code} {self.period.code}"

    @property
    def disagreement(self) -> bool:
        """The reviewer rated the progress differently from the county."""
        return self.reviewer_status_id is not None and self.reviewer_status_id != self.status_id


class NoteVersion(models.Model):
    """Every saved version of a note, as written (append-only): the timeline reads these."""

    note = models.ForeignKey(ProgressNote, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices)
    status = models.ForeignKey(StatusOption, on_delete=models.PROTECT, related_name="+")
    percent = models.PositiveSmallIntegerField(_("完成进度(%)"))
    narrative = models.TextField(_("进展情况"))
    bottom_line = models.ForeignKey(
        "targets.BottomLine", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    risk_reason = models.TextField(_("风险说明"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True, default="")
    next_steps = models.TextField(_("下步打算"), blank=True, default="")
    event = models.CharField(_("操作"), max_length=20)
    comment = models.TextField(_("审核意见"), blank=True)
    # The county department that drafted the note at this version (after a reassignment: the
    # one it moved to).
    department = models.ForeignKey(
        "targets.CountyDepartment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承办部门"),
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["note", "number"]
        constraints = [
            models.UniqueConstraint(fields=["note", "number"], name="note_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.note} v{self.number}"


class ReturnReply(models.Model):
    """The county's answer to a return (对退回意见的答复), kept with the version the return made,
    so that the note form, the timeline and the review queue show it beside the comment. One per
    return, and on record once sent, like the comment it answers."""

    version = models.OneToOneField(
        NoteVersion, on_delete=models.CASCADE, related_name="reply", verbose_name=_("退回")
    )
    text = models.TextField(_("答复"), max_length=2000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("答复人"),
    )
    at = models.DateTimeField(_("答复时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("退回答复")
        verbose_name_plural = _("退回答复")

    def __str__(self) -> str:
        return f"{self.version} reply"


def evidence_path(instance: "Evidence", filename: str) -> str:
    """A generated name with the extension of the checked content; the original name is kept
    only as a display name."""
    return (
        f"evidence/{instance.note.period.code}/{uuid.uuid4().hex}.{PurePath(filename).suffix[1:]}"
    )


class Evidence(models.Model):
    """A file attached to a note (佐证材料). Never deleted once the note was submitted; a later
    version can mark it superseded."""

    note = models.ForeignKey(ProgressNote, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=200)
    name = models.CharField(_("文件名"), max_length=150)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    superseded = models.BooleanField(_("已被替代"), default=False)
    # When a later version replaced it: the review queue shows what a resubmission changed.
    superseded_at = models.DateTimeField(_("替代时间"), null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self) -> str:
        return self.name


class IndicatorValue(Reviewable):
    """A county's value of a county-level indicator in one period, judged against the targets in
    force when it was saved (their versions are kept with it)."""

    indicator = models.ForeignKey(
        "targets.Indicator", on_delete=models.PROTECT, related_name="values", verbose_name=_("指标")
    )
    value = models.DecimalField(_("数值"), max_digits=16, decimal_places=4)
    source = models.CharField(_("数据来源"), max_length=200)
    remark = models.TextField(_("备注"), blank=True, max_length=1000)
    target_2027 = models.ForeignKey(
        "targets.IndicatorTarget",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("对照的2027年目标"),
    )
    target_2035 = models.ForeignKey(
        "targets.IndicatorTarget",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("对照的2035年目标"),
    )

    class Meta:
        ordering = ["period", "county", "indicator"]
        verbose_name = _("指标值")
        verbose_name_plural = _("指标值")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "indicator", "period"], name="one_value_per_indicator_and_period"
            )
        ]
        indexes = [
            models.Index(
                fields=["submitted_at", "id", "county"],
                condition=models.Q(state="submitted"),
                name="value_queue_order",
            ),
            models.Index(
                fields=["period", "submitted_at", "id", "county"],
                condition=models.Q(state="submitted"),
                name="value_queue_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county.name} {self.indicator.code} {self.period.code}: {self.value}"
