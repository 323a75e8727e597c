"""What the task worker makes and how it is seen: the files it writes for users (a briefing's PDF,
a large export, a round's bulk data file) and the heartbeat of each worker process."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from targets.models.progress import Period


class GeneratedFile(models.Model):
    """A file a user (or the daily run) asked for and the worker made: kept as it was made, with
    its sha256. A briefing's PDF is archived for good and read by everyone of the same scope
    (``audience``); an export is the asker's alone, and its file is removed when it expires (the
    row stays, so that the asker's list says so); a round's bulk data file (its approved data, for
    the province's reviewers and a later API) is one per round, made again in place when asked."""

    class Kind(models.TextChoices):
        BRIEFING = "briefing", _("进展通报(PDF)")
        REVIEW_QUEUE = "review_queue", _("待审核记录导出")
        BULK_DATA = "bulk_data", _("批量数据文件")

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        READY = "ready", _("已生成")
        FAILED = "failed", _("生成失败")
        EXPIRED = "expired", _("已过期")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    # None: made by the daily run when the round closed.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("申请人"),
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    period = models.ForeignKey(
        Period,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("填报周期"),
    )
    # Who may read a briefing: "province", or the prefectures' ids ("prefectures:3,7").
    audience = models.CharField(_("范围"), max_length=200, blank=True)
    # What the file holds: an export's filters; the language it is written in.
    params = models.JSONField(_("参数"), default=dict, blank=True)
    language = models.CharField(_("语言"), max_length=10, default="zh-hans")
    fmt = models.CharField(_("格式"), max_length=10)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    file = models.FileField(_("文件"), upload_to="generated/", blank=True, max_length=200)
    size = models.PositiveBigIntegerField(_("大小(字节)"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    rows = models.PositiveIntegerField(_("行数"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("生成的文件")
        verbose_name_plural = _("生成的文件")
        constraints = [
            # The daily run archives each round's briefing once.
            models.UniqueConstraint(
                fields=["kind", "period", "audience"],
                condition=Q(requested_by__isnull=True),
                name="one_archived_briefing_per_round",
            ),
            models.UniqueConstraint(
                fields=["period"],
                condition=Q(kind="bulk_data"),
                name="one_bulk_data_file_per_round",
            ),
        ]
        indexes = [models.Index(fields=["kind", "period", "audience"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def pending(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def expired(self) -> bool:
        """Past its time, whether or not the daily run has removed its file yet."""
        return self.state == self.State.EXPIRED or (
            self.expires_at is not None and self.expires_at <= timezone.now()
        )

    @property
    def downloadable(self) -> bool:
        return self.state == self.State.READY and not self.expired

    @property
    def shown_state(self) -> str:
        """The state as the asker's list says it: a ready file past its time reads 已过期."""
        if self.state == self.State.READY and self.expired:
            return str(self.State.EXPIRED.label)
        return str(self.get_state_display())


# The files that are their asker's alone: told when ready, and downloadable until they expire.
EXPORT_KINDS = (GeneratedFile.Kind.REVIEW_QUEUE,)


class WorkerHeartbeat(models.Model):
    """A task worker process's last sign of life: /healthz reads it, and the tasks of a worker
    that has not beaten for a while are handed to another (targets.jobs.recovery)."""

    worker_id = models.CharField(_("进程标识"), max_length=64, unique=True)
    host = models.CharField(_("主机"), max_length=200)
    pid = models.PositiveIntegerField(_("进程号"))
    started_at = models.DateTimeField(_("启动时间"))
    seen_at = models.DateTimeField(_("最近心跳"), db_index=True)

    class Meta:
        verbose_name = _("任务进程")
        verbose_name_plural = _("任务进程")

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"
