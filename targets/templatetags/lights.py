"""A warning light as the pages show it: ``{% light row.light %}``.

Written here rather than in an included template: a grid shows one per county, and each include
costs a template context of its own."""

from django import template
from django.utils.html import format_html

from targets.supervision.lights import Light

register = template.Library()


@register.simple_tag
def light(light: Light) -> str:
    why = format_html('<span class="light__why">{}</span>', light.text) if light.reasons else ""
    return format_html(
        '<span class="light light--{}"><span class="light__dot" aria-hidden="true"></span>{}{}</span>',
        light.colour,
        light.label,
        why,
    )
