"""Good practice (典型经验): a case a reviewer curated, from an approved note or written up, for
the curated pages and the briefing; ``publishable`` marks it for public pages to come."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PracticeQuerySet(models.QuerySet["Practice"]):
    def for_pages(self) -> "PracticeQuerySet":
        """With what a case shows, read in a fixed number of queries whatever their number."""
        return self.select_related(
            "county__prefecture",
            "county_type",
            "measure",
            "task_area",
            "period",
            "note",
            "curated_by",
        ).prefetch_related("integrations")

    def in_briefing(self, period_id: int, counties: models.QuerySet) -> "PracticeQuerySet":
        """The round's cases in the briefing's counties, the latest curated first."""
        return self.filter(period_id=period_id, county__in=counties).order_by("-curated_at", "-id")


class Practice(models.Model):
    """A case of good practice in one county, on one measure, in one round. A version number
    counts edits: an edit names the version it started from, and loses to no one silently."""

    title = models.CharField(_("标题"), max_length=100)
    summary = models.TextField(_("经验做法"), max_length=2000)
    county = models.ForeignKey(
        "targets.County", on_delete=models.PROTECT, related_name="+", verbose_name=_("县(市、区)")
    )
    measure = models.ForeignKey(
        "targets.Measure", on_delete=models.PROTECT, related_name="+", verbose_name=_("举措")
    )
    period = models.ForeignKey(
        "targets.Period", on_delete=models.PROTECT, related_name="+", verbose_name=_("填报周期")
    )
    note = models.OneToOneField(
        "targets.ProgressNote",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="practice",
        verbose_name=_("来源进展"),
    )
    task_area = models.ForeignKey(
        "targets.TaskArea", on_delete=models.PROTECT, related_name="+", verbose_name=_("重点任务")
    )
    integrations = models.ManyToManyField(
        "targets.Integration", blank=True, related_name="+", verbose_name=_("融合方向")
    )
    county_type = models.ForeignKey(
        "targets.CountyType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("县域类型"),
    )
    publishable = models.BooleanField(
        _("可公开"), default=False, help_text=_("可在今后的公开页面上展示。")
    )
    is_demo = models.BooleanField(_("演示数据"), default=False, editable=False)
    version = models.PositiveIntegerField(_("版本"), default=1)
    curated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("选编人"),
    )
    curated_at = models.DateTimeField(_("选编时间"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("最后修改人"),
    )
    updated_at = models.DateTimeField(_("最后修改时间"), auto_now=True)

    objects = PracticeQuerySet.as_manager()

    class Meta:
        ordering = ["-curated_at", "-id"]
        verbose_name = _("典型经验")
        verbose_name_plural = _("典型经验")
        indexes = [
            models.Index(fields=["period", "county"], name="practice_period_county"),
            models.Index(fields=["county", "-curated_at"], name="practice_county_latest"),
        ]

    def __str__(self) -> str:
        return self.title
