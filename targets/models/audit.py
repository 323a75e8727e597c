"""The append-only audit trail (全程留痕). Records are written only by ``targets.audit.trail.record``."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditRecord(models.Model):
    class Outcome(models.TextChoices):
        SUCCESS = "success", _("成功")
        FAILURE = "failure", _("失败")

    at = models.DateTimeField(_("时间"), db_index=True)
    # An account that acted can be deactivated, not deleted: its records keep pointing at it.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    address = models.GenericIPAddressField(_("地址"), null=True, blank=True)
    action = models.CharField(_("操作"), max_length=50, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=100, blank=True)
    object_repr = models.CharField(_("对象"), max_length=300, blank=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.object_repr}"


class AuditArchive(models.Model):
    """A batch of old records exported to a file and then removed; anchors the remaining chain.
    Written only by the archiving path (on PostgreSQL a function the app's role may not call),
    with a MAC under the audit key over all its fields."""

    created_at = models.DateTimeField(_("归档时间"), default=timezone.now, editable=False)
    up_to_id = models.BigIntegerField(_("归档至记录号"))
    last_hash = models.CharField(_("最后一条记录的哈希"), max_length=64)
    record_count = models.PositiveIntegerField(_("记录数"))
    file_name = models.CharField(_("归档文件"), max_length=500)
    file_sha256 = models.CharField(_("归档文件SHA-256"), max_length=64)
    mac = models.CharField(max_length=64, default="")

    class Meta:
        ordering = ["id"]
        verbose_name = _("审计归档")
        verbose_name_plural = _("审计归档")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} ≤{self.up_to_id} ({self.record_count})"
