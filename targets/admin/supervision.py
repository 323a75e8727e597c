"""The admin of the supervision rules and of periods reopened for one county (system admin)."""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from targets.admin.base import AuditedAdmin, SingletonAdmin
from targets.forms.fields import RoundChoiceField
from targets.models import PeriodReopening, SupervisionRules
from targets.supervision import rulebook
from targets.supervision.periods import ensure_periods


@admin.register(SupervisionRules)
class SupervisionRulesAdmin(SingletonAdmin):
    """The one row of rules: cadence, warning lights, reminders. Choosing a cadence creates its
    periods."""

    audited_related = ("red_statuses",)
    filter_horizontal = ["red_statuses"]
    fieldsets = [
        (_("填报周期"), {"fields": ["cadence", "deadline_days"]}),
        (
            _("红黄绿灯"),
            {
                "fields": [
                    "red_statuses",
                    "red_points_behind",
                    "yellow_days_before_deadline",
                    "yellow_days_after_return",
                ]
            },
        ),
        (
            _("县的预警"),
            {
                "fields": [
                    "county_red_measures",
                    "county_yellow_measures",
                    "county_red_on_bottom_line",
                ]
            },
        ),
        (
            _("催办"),
            {
                "fields": [
                    "remind_days_before",
                    "remind_every_days_after",
                    "escalate_after_days",
                    "stop_after_days",
                ]
            },
        ),
        (_("佐证材料"), {"fields": ["evidence_quota_mb"]}),
        (_("部门意见"), {"fields": ["approval_waits_for_opinion"]}),
        (_("督办单"), {"fields": ["order_number_format", "order_sign_days"]}),
    ]

    def the_row(self):
        return rulebook.stored()

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        created = ensure_periods(obj.cadence, obj.deadline_days)
        if created:
            self.message_user(request, _("已生成 %(count)d 个新的填报周期。") % {"count": created})


class ReopeningForm(forms.ModelForm):
    class Meta:
        model = PeriodReopening
        fields = ["period", "county", "until", "reason"]
        field_classes = {"period": RoundChoiceField}

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until < timezone.localdate():
            raise forms.ValidationError(_("开放截止日期不能早于今天。"))
        return until

    def clean_period(self):
        period = self.cleaned_data["period"]
        if not period.locked:
            raise forms.ValidationError(_("该周期没有锁定,无需重新开放。"))
        return period


@admin.register(PeriodReopening)
class PeriodReopeningAdmin(AuditedAdmin):
    """A locked period opened again for one county, until a date, with the reason. Kept as the
    record: not deleted; shortened by changing the date."""

    form = ReopeningForm
    list_display = ["round_name", "county", "until", "reason", "opened_by", "opened_at"]
    list_filter = ["period"]
    list_select_related = ["period", "county", "opened_by"]
    search_fields = ["county__name", "county__code", "reason"]

    @admin.display(description=_("填报周期"), ordering="period__starts_on")
    def round_name(self, obj: PeriodReopening) -> str:
        return obj.period.label

    def get_readonly_fields(self, request, obj=None):
        return ["period", "county"] if obj else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.opened_by = request.user
        super().save_model(request, obj, form, change)
