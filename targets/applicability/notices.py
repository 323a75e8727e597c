"""A decision on a county's request to declare a measure 不适用, as the county's notifications
list shows it: in words, and leading to the measure's row on the county's report page."""

from django.urls import reverse
from django.utils.translation import gettext as _

from targets.models import Exemption, Notification

Kind = Notification.Kind
KINDS = (Kind.EXEMPTION_APPROVED, Kind.EXEMPTION_REFUSED)
RELATED = ("exemption__measure",)


def _exemption(n: Notification) -> Exemption:
    if n.exemption is None:  # the kinds above are always written with their request
        raise ValueError(n.pk)
    return n.exemption


def describe(n: Notification) -> str:
    """The decision in words, in the active language (the comment is shown beside it)."""
    exemption = _exemption(n)
    sender = n.sender
    values = {
        "sender": (sender.get_full_name() or sender.get_username()) if sender else "",
        "item": f"{exemption.measure.code} {exemption.measure.label}",
    }
    if n.kind == Kind.EXEMPTION_APPROVED:
        return _("%(sender)s 同意了本县“%(item)s”不适用的申请,该举措不再需要填报。") % values
    return _("%(sender)s 未同意本县“%(item)s”不适用的申请,该举措仍需按期填报。") % values


def link(n: Notification) -> str:
    """The measure's row on the county's report page."""
    exemption, county = _exemption(n), n.county
    page = reverse("report_current", args=[county.code if county else exemption.county.code])
    return f"{page}#measure-{exemption.measure.anchor}"
