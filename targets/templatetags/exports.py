from django import template

register = template.Library()


@register.inclusion_tag("includes/export_links.html", takes_context=True)
def export_links(context, table: str = ""):
    """Links that download the table on screen (same filters) as .xlsx and as CSV."""
    query = context["request"].GET.copy()
    for name in ("page", "export", "table"):
        query.pop(name, None)
    if table:
        query["table"] = table
    base = query.urlencode()
    return {
        "links": [
            (fmt, label, f"?{base}&export={fmt}" if base else f"?export={fmt}")
            for fmt, label in (("xlsx", "Excel"), ("csv", "CSV"))
        ]
    }
