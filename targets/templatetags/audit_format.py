from django import template
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from targets.audit.trail import EXPORT_PREFIXES
from targets.spreadsheets.numbers import grouped

register = template.Library()


@register.filter
def change_pair(value) -> tuple | None:
    """A ``[before, after]`` change as a pair with ∅ for nothing; None for other values."""
    if isinstance(value, list) and len(value) == 2:
        return tuple("∅" if v is None else v for v in value)
    return None


def _filter_text(value) -> str:
    return "、".join(map(str, value)) if isinstance(value, list) else str(value)


@register.filter
def export_details(record) -> list[tuple[str, str]]:
    """An export's or a download's record as labelled lines (format, rows or size, filters);
    nothing for other records, whose changes show as before → after."""
    if not record.action.startswith(EXPORT_PREFIXES):
        return []
    changes = record.changes or {}
    lines = [(_("格式"), str(changes.get("format", "")))]
    if "rows" in changes:
        lines.append((_("行数"), grouped(changes["rows"])))
    if "size" in changes:
        lines.append((_("大小"), str(filesizeformat(changes["size"]))))
    filters = changes.get("filters") or {}
    chosen = "; ".join(f"{name}={_filter_text(filters[name])}" for name in sorted(filters))
    lines.append((_("筛选条件"), chosen or _("无(全部)")))
    return lines
