"""Audit records in words on a page: the audit trail and an object's history in the admin."""

from collections.abc import Iterable

from django import template

from targets.audit.wording import Entry, describe
from targets.models import AuditRecord

register = template.Library()


@register.simple_tag
def audit_entries(records: Iterable[AuditRecord]) -> list[Entry]:
    """``{% audit_entries records as entries %}``: the records in words, the names behind their
    ids fetched for all of them at once."""
    return describe(records)
