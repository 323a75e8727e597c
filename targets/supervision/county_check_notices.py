"""Telling within a county: a county department's note sent for checking reaches the county's
lead office (部门送牵头办审核), and the lead office's internal return reaches the department that
drafted it (牵头办内部退回), with the comment. Written inside the change's transaction, one
notification per person, naming the note and the version the change made."""

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from targets.models import Notification, ProgressNote
from targets.supervision import reminders
from targets.supervision.reminders import named
from targets.units import assigned

Kind = Notification.Kind
KINDS = (Kind.SENT_FOR_CHECK, Kind.CHECK_RETURNED)


def _tell(users: list[User], note: ProgressNote, kind: str, sender: User, message: str) -> None:
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=kind,
            county_id=note.county_id,
            period_id=note.period_id,
            county_department_id=note.department_id,
            note=note,
            record_version=note.version,
            message=message,
            sender=sender,
            sent_on=timezone.localdate(),
        )
        for user in users
    )


def tell_lead_office(*, note: ProgressNote, sender: User) -> None:
    """The county's lead office is told that the note waits for its check."""
    users = reminders.reporters_of([note.county_id]).get(note.county_id, [])
    _tell(users, note, Kind.SENT_FOR_CHECK, sender, "")


def tell_department(*, note: ProgressNote, sender: User, comment: str) -> None:
    """The users of the department that drafted the note are told of the internal return."""
    if note.department_id is None:
        return
    users = assigned.county_department_users([note.department_id]).get(note.department_id, [])
    _tell(users, note, Kind.CHECK_RETURNED, sender, comment)


def describe(n: Notification) -> str:
    """The notification in words, in the active language (the comment is shown beside it)."""
    sender = named(n.sender)
    note = named(n.note)
    values = {
        "sender": sender.get_full_name() or sender.get_username(),
        "county": named(n.county).label,
        "period": named(n.period).label,
        "item": f"{note.measure.code} {note.measure.label}",
    }
    if n.kind == Kind.SENT_FOR_CHECK:
        return _("%(sender)s 将 %(county)s %(period)s 的“%(item)s”送牵头办审核。") % values
    return (
        _("%(sender)s(牵头办)内部退回了 %(county)s %(period)s 的“%(item)s”,请修改后再送审。")
        % values
    )


def link(n: Notification) -> str:
    """The note's form."""
    note = named(n.note)
    return reverse("note", args=[named(n.county).code, named(n.period).code, note.measure.code])
