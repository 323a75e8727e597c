"""Who may do what, where: roles with a scope (a county, a prefecture, a provincial department,
a county department)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ADMIN_KINDS = ["system_admin", "security_admin", "audit_admin"]


class Role(models.Model):
    class Kind(models.TextChoices):
        # The county's lead office (县牵头办): assigns measures, checks and submits the notes.
        COUNTY_REPORTER = "county_reporter", _("县牵头办")
        # A department of a county (县级部门): drafts the notes of the measures assigned to it.
        COUNTY_DEPARTMENT = "county_department", _("县级部门")
        PREFECTURE_REVIEWER = "prefecture_reviewer", _("市州审核员")
        PROVINCIAL_REVIEWER = "provincial_reviewer", _("省级审核员")
        DEPARTMENT = "department", _("省直部门")
        # The three separated admin duties (三员) of MLPS 2.0; no one holds two of them.
        SYSTEM_ADMIN = "system_admin", _("系统管理员")
        SECURITY_ADMIN = "security_admin", _("安全管理员")
        AUDIT_ADMIN = "audit_admin", _("审计管理员")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="roles",
        verbose_name=_("用户"),
    )
    kind = models.CharField(_("角色"), max_length=30, choices=Kind.choices)
    county = models.ForeignKey(
        "targets.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("县(市、区)"),
    )
    prefecture = models.ForeignKey(
        "targets.Prefecture",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("市州"),
    )
    department = models.ForeignKey(
        "targets.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=_("省直部门"),
    )
    county_department = models.ForeignKey(
        "targets.CountyDepartment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=_("县级部门"),
    )

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        constraints = [
            # Each kind carries exactly the scope it needs, and nothing else.
            models.CheckConstraint(
                name="role_scope_matches_kind",
                condition=(
                    Q(
                        kind="county_reporter",
                        county__isnull=False,
                        prefecture__isnull=True,
                        department__isnull=True,
                        county_department__isnull=True,
                    )
                    | Q(
                        kind="prefecture_reviewer",
                        county__isnull=True,
                        prefecture__isnull=False,
                        department__isnull=True,
                        county_department__isnull=True,
                    )
                    | Q(
                        kind="department",
                        county__isnull=True,
                        prefecture__isnull=True,
                        department__isnull=False,
                        county_department__isnull=True,
                    )
                    | Q(
                        kind="county_department",
                        county__isnull=True,
                        prefecture__isnull=True,
                        department__isnull=True,
                        county_department__isnull=False,
                    )
                    | Q(
                        kind__in=["provincial_reviewer", *ADMIN_KINDS],
                        county__isnull=True,
                        prefecture__isnull=True,
                        department__isnull=True,
                        county_department__isnull=True,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(kind__in=ADMIN_KINDS), name="one_admin_duty_per_user"
            ),
        ]

    def __str__(self) -> str:
        scope = self.county or self.prefecture or self.department or self.county_department
        return f"{self.get_kind_display()} {scope}" if scope else str(self.get_kind_display())


class AccountSecurity(models.Model):
    """Password age and the duty to change it, per account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="security"
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    must_change_password = models.BooleanField(
        _("下次登录须修改密码"),
        default=False,
        help_text=_("管理员创建或重置的账号,首次登录时须修改密码。"),
    )
    password_expiry_exempt = models.BooleanField(
        _("密码不过期"), default=False, help_text=_("仅用于演示账号。")
    )

    class Meta:
        verbose_name = _("账号安全状态")
        verbose_name_plural = _("账号安全状态")

    def __str__(self) -> str:
        return str(self.user)


class PasswordHistory(models.Model):
    """The hash of each password an account was given, so that it cannot choose a recent one
    again (targets.accounts.passwords.PasswordHistoryValidator keeps only the last few)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(max_length=128)
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        indexes = [models.Index(fields=["user", "-set_at"], name="password_history_newest")]

    def __str__(self) -> str:
        return str(self.user)


class SecuritySettings(models.Model):
    """The security policy that the security admin sets in the app (one row). The environment's
    values are the defaults of a new installation."""

    password_max_age_days = models.PositiveSmallIntegerField(
        _("密码有效期(天)"), validators=[MinValueValidator(30), MaxValueValidator(365)]
    )
    session_idle_minutes = models.PositiveSmallIntegerField(
        _("会话空闲超时(分钟)"), validators=[MinValueValidator(5), MaxValueValidator(120)]
    )
    session_max_hours = models.PositiveSmallIntegerField(
        _("会话最长时间(小时)"), validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    login_failure_limit = models.PositiveSmallIntegerField(
        _("登录失败锁定次数"), validators=[MinValueValidator(3), MaxValueValidator(10)]
    )
    lockout_minutes = models.PositiveSmallIntegerField(
        _("锁定时长(分钟)"), validators=[MinValueValidator(5), MaxValueValidator(1440)]
    )
    two_factor_for_all = models.BooleanField(
        _("其他账号也须两步验证"),
        default=False,
        help_text=_(
            "系统管理员、安全管理员、审计管理员始终须两步验证;选中后,其他账号也须在下次登录时启用。"
        ),
    )

    class Meta:
        verbose_name = _("安全策略")
        verbose_name_plural = _("安全策略")

    def __str__(self) -> str:
        return str(_("安全策略"))
