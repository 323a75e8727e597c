from targets.models.access import (
    ADMIN_KINDS,
    AccountSecurity,
    Department,
    Role,
    SecuritySettings,
)
from targets.models.audit import AuditArchive, AuditRecord
from targets.models.geography import County, CountyType, Prefecture, Region
from targets.models.plan import (
    BottomLine,
    Clause,
    Goal,
    Horizon,
    Indicator,
    IndicatorTarget,
    Integration,
    Measure,
    Plan,
    TaskArea,
)

__all__ = [
    "ADMIN_KINDS",
    "AccountSecurity",
    "AuditArchive",
    "AuditRecord",
    "BottomLine",
    "Clause",
    "County",
    "CountyType",
    "Department",
    "Goal",
    "Horizon",
    "Indicator",
    "IndicatorTarget",
    "Integration",
    "Measure",
    "Plan",
    "Prefecture",
    "Region",
    "Role",
    "SecuritySettings",
    "TaskArea",
]
