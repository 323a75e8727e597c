"""A county's tile and table row on a measure's grid: ``{% grid_tile cell %}``,
``{% grid_row cell prefecture today %}``.

Written here rather than in the template: the grid shows both for each of 183 counties, and
resolving their two dozen template variables each was half the time of counting the grid afresh,
which a reviewer waits for once a minute per measure."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from targets.dashboards.figures import GridCell
from targets.models import State
from targets.reporting.report_page import state_label
from targets.templatetags.lights import light
from targets.templatetags.numbers import days_before

register = template.Library()


@register.simple_tag
def grid_tile(cell: GridCell) -> SafeString:
    note = cell.note
    if cell.approved:  # and so has its note
        kind, value = (
            f"status--{note.status.code} tile--status",  # type: ignore[union-attr]
            f"{note.status.label} {note.percent}%",  # type: ignore[union-attr]
        )
    elif note is not None and note.state == State.SUBMITTED:
        kind, value = "tile--pending", gettext("待审核")
    else:
        kind, value = "tile--missing", gettext("未填报")
    return format_html(
        '<li class="tile {}">\n'
        '  <a href="{}" title="{}">\n'
        '    <span class="tile__name"><span class="light light--{}"><span class="light__dot"'
        ' aria-hidden="true"></span><span class="visually-hidden">{}</span></span> {}</span>\n'
        '    <span class="tile__value">{}{}</span>\n'
        "  </a>\n"
        "</li>",
        kind,
        cell.timeline_url,
        cell.county.name,
        cell.light.colour,
        cell.light.label,
        cell.county.name,
        value,
        " ≠" if note is not None and note.disagreement else "",
    )


@register.simple_tag
def grid_row(cell: GridCell, prefecture, now) -> SafeString:
    note = cell.note
    status: str
    if cell.approved:  # and so has its note
        status = format_html(
            '<span class="status status--{}">{}</span>',
            note.status.code,  # type: ignore[union-attr]
            note.status.label,  # type: ignore[union-attr]
        )
        percent = f"{note.percent}%"  # type: ignore[union-attr]
    else:
        status = percent = "—"
    rating = ""
    if note is not None and note.disagreement:
        # A disagreement is the reviewer's own status, so there is one.
        rating_label = note.reviewer_status.label  # type: ignore[union-attr]
        said = gettext("审核人:%(rating)s") % {"rating": rating_label}
        rating = format_html('<span class="badge badge--disagree">{}</span>', said)
    return format_html(
        "<tr>\n"
        '  <th scope="row"><a href="{}">{}</a></th>\n'
        "  <td>{}</td>\n"
        '  <td><span class="state state--{}">{}</span></td>\n'
        "  <td>{}</td>\n"
        "  <td>{}</td>\n"
        '  <td class="num">{}</td>\n'
        '  <td class="num">{}</td>\n'
        "  <td>{}</td>\n"
        "</tr>",
        cell.timeline_url,
        cell.county.name,
        prefecture.name,
        note.state if note else "missing",
        state_label(note),
        light(cell.light),
        status,
        percent,
        days_before(cell.last_saved, now) if cell.last_saved else "—",
        rating,
    )
