from django import template

register = template.Library()


@register.inclusion_tag("includes/round_switch.html", takes_context=True)
def round_switch(context, rounds):
    """The round a reviewer's page shows, in words, with links to the same page (same filters)
    for the latest round past its deadline and for the round still being reported."""
    request = context["request"]

    def link(period) -> str:
        query = request.GET.copy()
        for name in ("page", "export", "table"):
            query.pop(name, None)
        query["period"] = period.code
        return f"{request.path}?{query.urlencode()}"

    return {
        "rounds": rounds,
        "open_url": link(rounds.open) if rounds.open else "",
        "reviewed_url": link(rounds.reviewed) if rounds.reviewed else "",
    }
