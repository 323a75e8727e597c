"""A warning light as templates/includes/light.html writes it: ``{% light row.light %}``, and
``{% light cell.light quiet=True %}`` where only screen readers are to hear its words.

The partial is rendered once for each distinct light of a page and the HTML reused: a Light is a
value, and a measure's grid shows one per county twice (tile and table row) while most counties
share one of a few lights, where an include per light was a fifth of the grid's time
(bench/README.md, "HTML in templates")."""

from django import template
from django.utils.safestring import SafeString

from targets.supervision.lights import Light

register = template.Library()

PARTIAL = "includes/light.html"
SHOWN = object()  # this page's rendered lights, in the render context (one page's lifetime)


@register.simple_tag(takes_context=True)
def light(
    context, warning: Light | None, quiet: bool = False, colour: str = "", words: str = ""
) -> SafeString:
    """``colour`` and ``words`` stand for a Light that is not one: a colour's tally."""
    shown = context.render_context.setdefault(SHOWN, {})
    key = (warning, bool(quiet), colour, words)
    if key not in shown:
        values = {"warning": warning, "quiet": quiet, "colour": colour, "words": words}
        partial = context.template.engine.get_template(PARTIAL)
        shown[key] = partial.render(context.new(values))
    return shown[key]
