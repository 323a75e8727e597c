"""A record named in the request's language, as a list of choices or a history names it.

``str()`` stays Chinese whatever the language, since the audit trail stores it; this is what the
pages show instead: the same form (a measure after its code, a county before its code), with the
English name where the record has one."""

from django.db import models
from django.utils import formats

from targets.models.geography import County
from targets.models.plan import Indicator, IndicatorTarget, Integration, PlanRecord


def record_name(record: models.Model) -> str:
    if isinstance(record, Integration):
        return record.name_label
    if isinstance(record, PlanRecord | Indicator):
        return f"{record.code} {record.label}"
    if isinstance(record, County):
        return f"{record.label} ({record.code})"
    if isinstance(record, IndicatorTarget):
        value = formats.number_format(record.value.normalize(), force_grouping=True)
        return f"{record.indicator.code} {record.horizon} v{record.version}: {value}"
    label = getattr(record, "label", None)
    return label if isinstance(label, str) else str(record)
