"""A county's tile and table row on a measure's grid: ``{% grid_tile cell %}``,
``{% grid_row cell prefecture today %}``.

HTML written in Python on a measured hot path (architecture.md, house rule 14): the grid shows
both for each of 183 counties, and as template partials, two dozen variables resolved for each,
they made the grid page's server time grow by more than its users should wait for (figures:
bench/README.md, "HTML in templates"). The rest of the grid is templates/dashboards/grid.html;
each light comes from the one light partial (templates/includes/light.html, by ``{% light %}``);
every value is escaped by format_html."""

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


@register.simple_tag(takes_context=True)
def grid_tile(context, cell: GridCell) -> SafeString:
    """The county's tile. Its one colour is its light on the measure (with the light's shape and
    character); the approved status, or the step of the round, is in words only."""
    note = cell.note
    if cell.not_applicable is not None:
        return format_html(
            '<li class="tile tile--na">\n'
            '  <a href="{}" title="{}">\n'
            '    <span class="tile__name">{}</span>\n'
            '    <span class="tile__value">{}</span>\n'
            "  </a>\n"
            "</li>",
            cell.timeline_url,
            f"{cell.county.label}{gettext(':')}{cell.not_applicable.reason}",
            cell.county.label,
            cell.not_applicable.label,
        )
    if cell.approved:  # and so has its note
        step, value = "approved", f"{note.status.label} {note.percent}%"  # type: ignore[union-attr]
    elif note is not None and note.state == State.SUBMITTED:
        step, value = "pending", gettext("待审核")
    else:
        step, value = "missing", gettext("未填报")
    return format_html(
        '<li class="tile tile--{} tile--{}">\n'
        '  <a href="{}" title="{}">\n'
        '    <span class="tile__name">{} {}</span>\n'
        '    <span class="tile__value">{}{}</span>\n'
        "  </a>\n"
        "</li>",
        step,
        cell.light.colour,
        cell.timeline_url,
        cell.county.label,
        light(context, cell.light, quiet=True),
        cell.county.label,
        value,
        " ≠" if note is not None and note.disagreement else "",
    )


@register.simple_tag(takes_context=True)
def grid_row(context, cell: GridCell, prefecture, now) -> SafeString:
    note = cell.note
    status: str
    if cell.not_applicable is not None:
        return _not_applicable_row(cell, prefecture)
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
        '  <td class="num">{} / {}</td>\n'
        "</tr>",
        cell.timeline_url,
        cell.county.label,
        prefecture.label,
        note.state if note else "missing",
        state_label(note),
        light(context, cell.light),
        status,
        percent,
        days_before(cell.last_saved, now) if cell.last_saved else "—",
        rating,
        cell.county_light.red,
        cell.county_light.yellow,
    )


def _not_applicable_row(cell: GridCell, prefecture) -> SafeString:
    """A county the measure does not apply to: 不适用 and why, no light, nothing due."""
    verdict = cell.not_applicable
    return format_html(
        "<tr>\n"
        '  <th scope="row"><a href="{}">{}</a></th>\n'
        "  <td>{}</td>\n"
        '  <td><span class="state state--na">{}</span></td>\n'
        '  <td colspan="4">{}</td>\n'
        '  <td class="num">{} / {}</td>\n'
        "</tr>",
        cell.timeline_url,
        cell.county.label,
        prefecture.label,
        verdict.label if verdict else "",
        f"{verdict.source_label}{gettext(':')}{verdict.reason}" if verdict else "",
        cell.county_light.red,
        cell.county_light.yellow,
    )
