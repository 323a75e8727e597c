"""Province-level values of indicators, as the statistics bureau publishes them (统计公报):
entered by admins, and drawn as the province's line in place of an average of the counties."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProvinceValue(models.Model):
    indicator = models.ForeignKey(
        "targets.Indicator",
        on_delete=models.CASCADE,
        related_name="province_values",
        verbose_name=_("指标"),
    )
    period = models.ForeignKey(
        "targets.Period", on_delete=models.PROTECT, related_name="+", verbose_name=_("填报周期")
    )
    value = models.DecimalField(_("数值"), max_digits=16, decimal_places=4)
    source = models.CharField(_("数据来源"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now=True)

    class Meta:
        ordering = ["indicator", "period__starts_on"]
        verbose_name = _("全省数值")
        verbose_name_plural = _("全省数值")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"], name="one_province_value_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}: {self.value}"
