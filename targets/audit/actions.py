"""The catalogue of audited actions: each action code the app records, named in words.

The trail stores the code (``auth.login``) and hashes it; people read the words (登录). A test
collects the codes the source records and fails when one is missing here. Their words carry the
context "audited action" ("登录" here is the action done, not the button). A code not in the
catalogue (a record older than the action's entry) reads as its code.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Group:
    """Actions of one kind, as the action filter lists them together; the filter can also choose
    the whole group by its key (which, having no dot, is no action's code)."""

    key: str
    label: Promise
    actions: dict[str, Promise]


GROUPS = (
    Group(
        "sign_in",
        pgettext_lazy("audited action", "登录与两步验证"),
        {
            "auth.login": pgettext_lazy("audited action", "登录"),
            "auth.logout": pgettext_lazy("audited action", "退出登录"),
            "auth.login_failed": pgettext_lazy("audited action", "登录失败"),
            "auth.session_expired": pgettext_lazy("audited action", "会话超时退出"),
            "auth.password_changed": pgettext_lazy("audited action", "修改本人密码"),
            "auth.two_factor_enrolment_started": pgettext_lazy(
                "audited action", "开始启用两步验证"
            ),
            "auth.two_factor_enrolment_failed": pgettext_lazy("audited action", "启用两步验证失败"),
            "auth.two_factor_enrolled": pgettext_lazy("audited action", "启用两步验证"),
            "auth.two_factor_passed": pgettext_lazy("audited action", "通过两步验证"),
            "auth.two_factor_failed": pgettext_lazy("audited action", "两步验证失败"),
            "auth.recovery_code_used": pgettext_lazy("audited action", "使用恢复码登录"),
            "auth.recovery_codes_renewed": pgettext_lazy("audited action", "更换恢复码"),
        },
    ),
    Group(
        "accounts",
        pgettext_lazy("audited action", "账号与安全"),
        {
            "account.create": pgettext_lazy("audited action", "创建管理员账号"),
            "admin.password_reset": pgettext_lazy("audited action", "重置他人密码"),
            "admin.two_factor_reset": pgettext_lazy("audited action", "重置他人两步验证"),
            "security.unlock": pgettext_lazy("audited action", "解除登录锁定"),
        },
    ),
    Group(
        "reporting",
        pgettext_lazy("audited action", "填报与审核"),
        {
            "note.save": pgettext_lazy("audited action", "保存进展说明"),
            "note.submit": pgettext_lazy("audited action", "提交进展说明"),
            "note.approve": pgettext_lazy("audited action", "审核通过进展说明"),
            "note.return": pgettext_lazy("audited action", "退回进展说明"),
            "note.reply": pgettext_lazy("audited action", "答复退回意见"),
            "note.send_for_check": pgettext_lazy("audited action", "部门送牵头办审核进展说明"),
            "note.check_return": pgettext_lazy("audited action", "牵头办内部退回进展说明"),
            "note.reassign": pgettext_lazy("audited action", "进展说明随分工转给新的承办部门"),
            "value.save": pgettext_lazy("audited action", "保存指标值"),
            "value.submit": pgettext_lazy("audited action", "提交指标值"),
            "value.approve": pgettext_lazy("audited action", "审核通过指标值"),
            "value.return": pgettext_lazy("audited action", "退回指标值"),
            "value.import": pgettext_lazy("audited action", "导入指标值"),
            "province_note.save": pgettext_lazy("audited action", "保存省级层面推进情况"),
            "province_note.submit": pgettext_lazy("audited action", "提交省级层面推进情况"),
            "province_note.approve": pgettext_lazy("audited action", "审核通过省级层面推进情况"),
            "province_note.return": pgettext_lazy("audited action", "退回省级层面推进情况"),
            "contribution.save": pgettext_lazy("audited action", "保存配合单位报送"),
            "opinion.give": pgettext_lazy("audited action", "提出部门意见"),
            "reminder.send": pgettext_lazy("audited action", "自动发送催报提醒"),
            "reminder.manual": pgettext_lazy("audited action", "手动发送催报提醒"),
        },
    ),
    Group(
        "county_plans",
        pgettext_lazy("audited action", "年度任务清单"),
        {
            "countyplan.task_save": pgettext_lazy("audited action", "保存年度任务清单中的任务"),
            "countyplan.task_delete": pgettext_lazy("audited action", "删除年度任务清单中的任务"),
            "countyplan.import": pgettext_lazy("audited action", "从Excel导入年度任务清单"),
            "countyplan.submit": pgettext_lazy("audited action", "提交年度任务清单"),
            "countyplan.approve": pgettext_lazy("audited action", "审核通过年度任务清单"),
            "countyplan.return": pgettext_lazy("audited action", "退回年度任务清单"),
            "countyplan.change": pgettext_lazy("audited action", "发起年度任务清单变更"),
        },
    ),
    Group(
        "applicability",
        pgettext_lazy("audited action", "举措适用范围"),
        {
            "exemption.ask": pgettext_lazy("audited action", "申请举措不适用"),
            "exemption.approve": pgettext_lazy("audited action", "同意不适用申请"),
            "exemption.refuse": pgettext_lazy("audited action", "不同意不适用申请"),
        },
    ),
    Group(
        "practice",
        pgettext_lazy("audited action", "典型经验"),
        {
            "practice.curate": pgettext_lazy("audited action", "选编典型经验"),
            "practice.edit": pgettext_lazy("audited action", "修改典型经验"),
            "practice.withdraw": pgettext_lazy("audited action", "撤销典型经验"),
        },
    ),
    Group(
        "problems",
        pgettext_lazy("audited action", "问题整改"),
        {
            "problem.raise": pgettext_lazy("audited action", "列入问题清单"),
            "problem.edit": pgettext_lazy("audited action", "修改问题"),
            "problem.report": pgettext_lazy("audited action", "报送整改情况"),
            "problem.close": pgettext_lazy("audited action", "整改销号"),
            "problem.return": pgettext_lazy("audited action", "退回重新整改"),
        },
    ),
    Group(
        "orders",
        pgettext_lazy("audited action", "督办单"),
        {
            "order.issue": pgettext_lazy("audited action", "下达督办单"),
            "order.sign": pgettext_lazy("audited action", "签收督办单"),
            "order.answer": pgettext_lazy("audited action", "报送督办单整改情况"),
            "order.return": pgettext_lazy("audited action", "退回重办督办单"),
            "order.close": pgettext_lazy("audited action", "办结督办单"),
            "order.remind": pgettext_lazy("audited action", "自动发送督办单提醒和逾期告知"),
        },
    ),
    Group(
        "plan_data",
        pgettext_lazy("audited action", "规划与基础数据"),
        {
            "admin.add": pgettext_lazy("audited action", "在管理后台新增"),
            "admin.change": pgettext_lazy("audited action", "在管理后台修改"),
            "admin.delete": pgettext_lazy("audited action", "在管理后台删除"),
            "plan.import": pgettext_lazy("audited action", "从Excel导入规划数据"),
            "units.import": pgettext_lazy("audited action", "从Excel导入单位"),
            "matrix.import": pgettext_lazy("audited action", "从Excel导入责任分工"),
            "county_matrix.assign": pgettext_lazy("audited action", "设置县级分工"),
            "indicator.target_set": pgettext_lazy("audited action", "调整指标目标值"),
            "plan.county_targets": pgettext_lazy("audited action", "从Excel导入分县目标"),
            "data.load_plan": pgettext_lazy("audited action", "载入规划文本"),
            "data.load_divisions": pgettext_lazy("audited action", "载入行政区划"),
        },
    ),
    Group(
        "exports",
        pgettext_lazy("audited action", "导出与下载"),
        {
            "export.audit": pgettext_lazy("audited action", "导出审计记录"),
            "export.review_queue": pgettext_lazy("audited action", "导出审核队列"),
            "export.overview": pgettext_lazy("audited action", "导出全省概览"),
            "export.grid": pgettext_lazy("audited action", "导出举措进展表"),
            "export.task_area_grid": pgettext_lazy("audited action", "导出任务领域进展表"),
            "export.notes": pgettext_lazy("audited action", "导出进展说明"),
            "export.indicator": pgettext_lazy("audited action", "导出指标数据"),
            "export.late": pgettext_lazy("audited action", "导出逾期未报情况"),
            "export.reminder_log": pgettext_lazy("audited action", "导出催报记录"),
            "export.values_template": pgettext_lazy("audited action", "导出指标值填报模板"),
            "export.plan": pgettext_lazy("audited action", "导出规划数据工作簿"),
            "export.county_targets": pgettext_lazy("audited action", "导出分县目标工作簿"),
            "export.units": pgettext_lazy("audited action", "导出单位与责任分工工作簿"),
            "download.briefing": pgettext_lazy("audited action", "下载简报"),
            "briefing.request": pgettext_lazy("audited action", "申请生成简报PDF"),
            "export.briefing_annex": pgettext_lazy("audited action", "导出通报附表"),
            "download.evidence": pgettext_lazy("audited action", "下载佐证材料"),
            "download.order": pgettext_lazy("audited action", "下载督办单PDF"),
            "download.order_evidence": pgettext_lazy("audited action", "下载督办佐证材料"),
            "export.practice": pgettext_lazy("audited action", "导出典型经验"),
            "export.countyplan_template": pgettext_lazy("audited action", "导出年度任务清单模板"),
            "export.countyplan_ledger": pgettext_lazy("audited action", "导出年度任务清单台账"),
            "download.department_evidence": pgettext_lazy("audited action", "下载部门佐证材料"),
            "review_export.request": pgettext_lazy("audited action", "申请后台导出审核队列"),
            "download.export": pgettext_lazy("audited action", "下载后台生成的导出文件"),
            "bulk_data.request": pgettext_lazy("audited action", "申请生成批量数据文件"),
            "download.bulk_data": pgettext_lazy("audited action", "下载批量数据文件"),
            "export.problems": pgettext_lazy("audited action", "导出问题清单"),
            "download.problem_evidence": pgettext_lazy("audited action", "下载整改佐证材料"),
        },
    ),
    Group(
        "system",
        pgettext_lazy("audited action", "系统"),
        {
            "audit.archived": pgettext_lazy("audited action", "归档审计记录"),
            "demo.seed": pgettext_lazy("audited action", "生成演示数据"),
        },
    ),
)

ACTIONS: dict[str, Promise] = {
    code: label for group in GROUPS for code, label in group.actions.items()
}


def action_label(code: str) -> str:
    """The action in words, or its code when the catalogue does not name it."""
    label = ACTIONS.get(code)
    return str(label) if label is not None else code


GROUP_ACTIONS: dict[str, list[str]] = {group.key: list(group.actions) for group in GROUPS}


def action_choices() -> list[tuple[Promise, list[tuple[str, str | Promise]]]]:
    """The catalogue as grouped choices, for a select: each group's actions after an option that
    chooses all of them."""
    return [
        (
            group.label,
            [
                (group.key, format_lazy(pgettext_lazy("audited action", "{}(全部)"), group.label)),
                *group.actions.items(),
            ],
        )
        for group in GROUPS
    ]
