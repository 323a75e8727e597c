from targets.models.access import Department, Role
from targets.models.audit import AuditRecord
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
    "TaskArea",
]
