"""Four eyes (审核与填报分离): no one reviews a county they report for, and no one approves or
returns a note or value they wrote or submitted, whatever roles they hold."""

from collections.abc import Sequence

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from targets.models import (
    AuditRecord,
    County,
    IndicatorValue,
    NoteVersion,
    Prefecture,
    ProgressNote,
    Role,
)

Kind = Role.Kind
WRITING_EVENTS = ("save", "submit")


def role_conflict(
    *,
    user: User,
    kind: str,
    county: County | None,
    prefecture: Prefecture | None,
    exclude_pk: int | None = None,
) -> str:
    """Why granting this role would let ``user`` review a county they report for ("" if it
    would not)."""
    others = Role.objects.filter(user=user)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if kind == Kind.COUNTY_REPORTER and county is not None:
        reviews_it = others.filter(kind=Kind.PROVINCIAL_REVIEWER) | others.filter(
            kind=Kind.PREFECTURE_REVIEWER, prefecture_id=county.prefecture_id
        )
        if reviews_it.exists():
            return _("该账号审核%(county)s的填报,不能同时为其填报(审核与填报须分离)。") % {
                "county": county.label
            }
    reported = others.filter(kind=Kind.COUNTY_REPORTER)
    if kind == Kind.PREFECTURE_REVIEWER and prefecture is not None:
        reported = reported.filter(county__prefecture=prefecture)
    if kind in (Kind.PREFECTURE_REVIEWER, Kind.PROVINCIAL_REVIEWER):
        own = reported.select_related("county").first()
        if own is not None and own.county is not None:
            return _("该账号为%(county)s填报,不能审核本县的填报(审核与填报须分离)。") % {
                "county": own.county.label
            }
    return ""


def written_by(
    user: User, items: Sequence[ProgressNote | IndicatorValue]
) -> list[ProgressNote | IndicatorValue]:
    """The notes and values among ``items`` that ``user`` saved or submitted at any version."""
    notes = [item for item in items if isinstance(item, ProgressNote)]
    values = [item for item in items if isinstance(item, IndicatorValue)]
    own_notes = set(
        NoteVersion.objects.filter(note__in=notes, by=user, event__in=WRITING_EVENTS).values_list(
            "note_id", flat=True
        )
    )
    own_values: set[str] = set()
    if values:
        own_values = set(
            AuditRecord.objects.filter(
                object_type=IndicatorValue._meta.label,
                object_id__in=[str(value.pk) for value in values],
                actor=user,
                action__in=[f"value.{event}" for event in WRITING_EVENTS],
            ).values_list("object_id", flat=True)
        )
        # An import names the values it wrote in one record.
        for changes in AuditRecord.objects.filter(action="value.import", actor=user).values_list(
            "changes", flat=True
        ):
            own_values.update(str(pk) for pk in (changes.get("values") or [None, []])[1])
    return [
        item
        for item in items
        if item.updated_by_id == user.pk
        or (isinstance(item, ProgressNote) and item.pk in own_notes)
        or (isinstance(item, IndicatorValue) and str(item.pk) in own_values)
    ]
