"""Which measures apply to which counties (分类指导): a default per measure by county kind, county
type and flag, a county's own override with its reason, and a county's request to declare a
measure 不适用, which the prefecture decides. The rule that reads them is targets.applicability."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MeasureScope(models.Model):
    """A measure's default reach. Without one, a measure applies to every county."""

    measure = models.OneToOneField(
        "targets.Measure",
        on_delete=models.CASCADE,
        related_name="scope",
        verbose_name=_("举措"),
    )
    to_districts = models.BooleanField(_("适用于市辖区"), default=True)
    to_county_cities = models.BooleanField(_("适用于县级市"), default=True)
    to_counties = models.BooleanField(_("适用于县"), default=True)
    to_autonomous_counties = models.BooleanField(_("适用于自治县"), default=True)
    county_types = models.ManyToManyField(
        "targets.CountyType",
        blank=True,
        related_name="+",
        verbose_name=_("仅适用于这些县域类型"),
        help_text=_("留空则不限县域类型;未设县域类型的县不受此限制。"),
    )
    county_domain_only = models.BooleanField(
        _("仅适用于县域"), default=False, help_text=_("勾选后,不属于县域的县(市、区)不适用。")
    )
    explanation = models.TextField(
        _("说明"), blank=True, help_text=_("为什么这样划定适用范围,如“市辖区没有县城建设任务”。")
    )

    class Meta:
        verbose_name = _("举措适用范围")
        verbose_name_plural = _("举措适用范围")

    def __str__(self) -> str:
        return str(self.measure)


class ScopeOverride(models.Model):
    """One county's exception to a measure's default, set by the system admin with its reason."""

    county = models.ForeignKey(
        "targets.County", on_delete=models.CASCADE, related_name="+", verbose_name=_("县(市、区)")
    )
    measure = models.ForeignKey(
        "targets.Measure", on_delete=models.CASCADE, related_name="+", verbose_name=_("举措")
    )
    applies = models.BooleanField(_("适用"), help_text=_("不勾选即为不适用。"))
    reason = models.TextField(_("理由"), max_length=1000)
    updated_at = models.DateTimeField(_("设定时间"), auto_now=True)

    class Meta:
        ordering = ["county__code", "measure__order"]
        verbose_name = _("适用范围例外")
        verbose_name_plural = _("适用范围例外")
        constraints = [
            models.UniqueConstraint(fields=["county", "measure"], name="one_override_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.county.name} {self.measure.code}"


class Exemption(models.Model):
    """A county's request that a measure be declared 不适用 to it (不适用申请), and the decision.
    A version number counts changes: a decision names the version it was taken on."""

    class State(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已同意")
        REFUSED = "refused", _("未同意")

    county = models.ForeignKey(
        "targets.County", on_delete=models.PROTECT, related_name="+", verbose_name=_("县(市、区)")
    )
    measure = models.ForeignKey(
        "targets.Measure", on_delete=models.PROTECT, related_name="+", verbose_name=_("举措")
    )
    reason = models.TextField(_("申请理由"), max_length=1000)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("申请人"),
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    comment = models.TextField(_("审核意见"), blank=True, max_length=1000)
    version = models.PositiveIntegerField(_("版本"), default=1)
    is_demo = models.BooleanField(_("演示数据"), default=False, editable=False)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("不适用申请")
        verbose_name_plural = _("不适用申请")
        constraints = [
            # A county asks once at a time: a second request waits for the first decision.
            models.UniqueConstraint(
                fields=["county", "measure"],
                condition=Q(state="pending"),
                name="one_pending_exemption",
            )
        ]
        indexes = [models.Index(fields=["state", "county"], name="exemption_state_county")]

    def __str__(self) -> str:
        return f"{self.county.name} {self.measure.code} {self.get_state_display()}"
