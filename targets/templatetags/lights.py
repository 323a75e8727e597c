"""A warning light as templates/includes/light.html writes it: ``{% light row.light %}``, and
``{% light cell.light quiet=True %}`` where only screen readers are to hear its words.

The partial is rendered once for each distinct light of a page and its HTML reused: a Light is a
value, and a measure's grid shows one per county in its tiles and again in its table, while most
counties share one of a few lights (an include per light was a measured cost: bench/README.md,
"HTML in templates")."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from targets.supervision.lights import COLOUR_MARKS, CountyLight, Light

register = template.Library()

PARTIAL = "includes/light.html"
SHOWN = object()  # this page's rendered lights, in the render context (one page's lifetime)


@register.simple_tag(takes_context=True)
def light(
    context, warning: Light | None, quiet: bool = False, colour: str = "", words: str = ""
) -> SafeString:
    """The light ``warning`` (a county's with its counts of red and yellow measures); or, with
    ``warning`` None, a light that is no Light (a colour's tally) of ``colour`` and ``words``.
    The partial is given plain values, each found at once."""
    counts = ""
    if warning is not None:
        colour, words = warning.colour, warning.label
        if isinstance(warning, CountyLight):
            counts = warning.counts
    why = warning.text if warning is not None and warning.reasons else ""
    # Escaped here, so that equal keys mean equal HTML.
    words, why, counts = (
        conditional_escape(words),
        conditional_escape(why),
        conditional_escape(counts),
    )
    key = (colour, words, counts, why, bool(quiet))
    shown = context.render_context.setdefault(SHOWN, {})
    if key not in shown:
        values = {
            "colour": colour,
            "mark": COLOUR_MARKS[colour],
            "words": words,
            "counts": counts,
            "why": why,
            "quiet": quiet,
        }
        partial = context.template.engine.get_template(PARTIAL)
        shown[key] = partial.render(context.new(values))
    return shown[key]
