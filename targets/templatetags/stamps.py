"""Who saved a note and when, and who reviewed it: ``{% note_stamp note %}``.

Written here rather than with blocktranslate: the reporting page shows one per measure, and the
two translated sentences with their names and formatted times were a third of each row's cost."""

from django import template
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


def _stamp(sentence: str, user, moment) -> str:
    who = user.get_full_name() or user.username
    when = formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    return sentence % {"who": escape(who), "when": escape(when)}


@register.simple_tag
def note_stamp(note) -> SafeString:
    # The sentences are the catalog's (trusted); only the names and times are escaped.
    stamp = _stamp(gettext("%(who)s 保存于 %(when)s"), note.updated_by, note.updated_at)
    if note.reviewed_by:
        reviewed = gettext("%(who)s 审核于 %(when)s")
        stamp += " · " + _stamp(reviewed, note.reviewed_by, note.reviewed_at)
    return mark_safe(stamp)
