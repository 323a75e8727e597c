"""Supervision orders (督办单): a reviewer's formal order to a county or a provincial department
about a measure (or, through a free-text reference, a task or a problem), numbered, signed for,
answered with rectification and evidence, and verified by the issuing level. Each step is kept
as a row of its history."""

import datetime
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OrderQuerySet(models.QuerySet["SupervisionOrder"]):
    def open(self) -> "OrderQuerySet":
        """Not yet closed (挂牌督办: the order stays posted until the issuer closes it)."""
        return self.exclude(state=SupervisionOrder.State.CLOSED)

    def overdue(self, today: datetime.date) -> "OrderQuerySet":
        """With the recipient and late: not signed for within the window, or not answered by the
        deadline. An answer waiting for verification is the issuer's to act on, not late."""
        State = SupervisionOrder.State
        return self.filter(
            Q(state=State.ISSUED, sign_by__lt=today)
            | Q(state__in=WITH_RECIPIENT, deadline__lt=today)
        )

    def for_pages(self) -> "OrderQuerySet":
        """With what a list shows, in a fixed number of queries whatever their number."""
        return self.select_related(
            "county__prefecture", "department", "measure", "issuing_prefecture", "issued_by"
        )


class SupervisionOrder(models.Model):
    class Level(models.TextChoices):
        PREFECTURE = "prefecture", _("市级")
        PROVINCE = "province", _("省级")

    class State(models.TextChoices):
        ISSUED = "issued", _("待签收")
        SIGNED = "signed", _("办理中")
        ANSWERED = "answered", _("待核验")
        RETURNED = "returned", _("退回重办")
        CLOSED = "closed", _("已办结")

    number = models.CharField(_("督办单编号"), max_length=60, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("序号"))
    level = models.CharField(_("督办级别"), max_length=12, choices=Level.choices)
    # The prefecture whose reviewers issued (and verify) an order of 市级; None for 省级.
    issuing_prefecture = models.ForeignKey(
        "targets.Prefecture",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("督办单位(市州)"),
    )
    county = models.ForeignKey(
        "targets.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承办县(市、区)"),
    )
    department = models.ForeignKey(
        "targets.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承办省直部门"),
    )
    measure = models.ForeignKey(
        "targets.Measure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("涉及举措"),
    )
    # The seam for the county task lists and problem lists: until they exist as records, an
    # order names the task or problem in words.
    reference = models.CharField(_("涉及任务或问题"), max_length=200, blank=True)
    matter = models.TextField(_("督办事项"), max_length=2000)
    requirement = models.TextField(_("办理要求"), max_length=2000)
    deadline = models.DateField(_("办结时限"))
    sign_by = models.DateField(_("签收期限"))
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.ISSUED)
    version = models.PositiveIntegerField(_("版本"), default=1)
    is_demo = models.BooleanField(_("演示数据"), default=False, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("督办人"),
    )
    issued_at = models.DateTimeField(_("下达时间"), auto_now_add=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")
        constraints = [
            models.CheckConstraint(
                condition=Q(county__isnull=False, department__isnull=True)
                | Q(county__isnull=True, department__isnull=False),
                name="order_has_one_recipient",
            ),
            models.CheckConstraint(
                condition=Q(level="prefecture", issuing_prefecture__isnull=False)
                | Q(level="province", issuing_prefecture__isnull=True),
                name="order_level_matches_issuer",
            ),
            models.UniqueConstraint(fields=["year", "sequence"], name="order_number_sequence"),
        ]
        indexes = [
            models.Index(fields=["state", "deadline"], name="order_state_deadline"),
            models.Index(fields=["county", "state"], name="order_county_state"),
            models.Index(fields=["department", "state"], name="order_department_state"),
            models.Index(fields=["-issued_at", "-id"], name="order_latest"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def recipient_label(self) -> str:
        unit = self.county or self.department
        return unit.label if unit is not None else ""


class OrderStep(models.Model):
    """One step of an order's history: issued, signed for, answered (with the rectification and
    its evidence), returned (with the reason) or closed. Never changed once written."""

    class Kind(models.TextChoices):
        ISSUE = "issue", _("下达")
        SIGN = "sign", _("签收")
        ANSWER = "answer", _("报送整改情况")
        RETURN = "return", _("退回重办")
        CLOSE = "close", _("办结")

    order = models.ForeignKey(
        SupervisionOrder, on_delete=models.PROTECT, related_name="steps", verbose_name=_("督办单")
    )
    kind = models.CharField(_("环节"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("内容"), blank=True, max_length=5000)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("经办人"),
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("督办环节")
        verbose_name_plural = _("督办环节")

    def __str__(self) -> str:
        return f"{self.order.number} {self.get_kind_display()}"


# The states in which the order waits for its recipient (to sign for it, or to answer it).
WITH_RECIPIENT = (
    SupervisionOrder.State.ISSUED,
    SupervisionOrder.State.SIGNED,
    SupervisionOrder.State.RETURNED,
)


def order_evidence_path(instance: "OrderEvidence", filename: str) -> str:
    """A generated name with the extension of the checked content."""
    return f"order-evidence/{uuid.uuid4().hex}.{PurePath(filename).suffix[1:]}"


class OrderEvidence(models.Model):
    """A file of an answer, checked by the rules of a note's evidence; never deleted."""

    step = models.ForeignKey(OrderStep, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("文件"), upload_to=order_evidence_path, max_length=200)
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
        verbose_name = _("督办佐证材料")
        verbose_name_plural = _("督办佐证材料")

    def __str__(self) -> str:
        return self.name
