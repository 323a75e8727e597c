"""Whether a measure applies to a county, and why. Three things decide, in this order:

1. the county's own word on the measure, the latest of an override the system admin set (with
   its reason) and a request to declare it 不适用 that the prefecture approved: an override set
   after an approval (applies, say) is the province's later word, and the reverse;
2. else the measure's default reach (MeasureScope): the county kinds and types it applies to, and
   whether it applies only to county domains (县域). A county whose type is not set is not held
   to a list of types: it is not known to be outside them;
3. else the measure applies.

Applicability has no dates: a measure that does not apply to a county is left out of every round
shown, earlier ones included, as not due, not chased and not lit.

Every page reads it for its whole scope at once (``inapplicable``: two queries, four where
defaults are set, whatever the number of counties); one county and one measure is the same
reading on a scope of one."""

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, CharField, F, Model, Q, QuerySet, Value
from django.db.models.expressions import Combinable
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from targets.models import County, Exemption, Measure, MeasureScope, ScopeOverride

DEFAULT, OVERRIDE, REQUEST = "default", "override", "request"
SOURCE_LABELS = {
    DEFAULT: gettext_lazy("默认适用范围"),
    OVERRIDE: gettext_lazy("管理员设定"),
    REQUEST: gettext_lazy("不适用申请已获同意"),
}
NOT_APPLICABLE = gettext_lazy("不适用")


@dataclass(frozen=True)
class Verdict:
    """Whether the measure applies to the county, by which rule (``source``) and why."""

    applies: bool
    source: str = DEFAULT
    reason: str = ""

    @property
    def label(self) -> str:
        return str(NOT_APPLICABLE) if not self.applies else _("适用")

    @property
    def source_label(self) -> str:
        return str(SOURCE_LABELS[self.source])


APPLIES = Verdict(True)


@dataclass(frozen=True)
class _Word:
    """A county's own word on a measure: an override or an approved request, and when."""

    at: datetime.datetime
    verdict: Verdict


class Inapplicable:
    """The county × measure slots of a scope that do not apply, with each one's verdict."""

    def __init__(self, verdicts: dict[tuple[int, int], Verdict]) -> None:
        self._verdicts = verdicts
        self._off = {key: v for key, v in verdicts.items() if not v.applies}
        self._by_county: dict[int, set[int]] = {}
        for county_id, measure_id in self._off:
            self._by_county.setdefault(county_id, set()).add(measure_id)

    def __contains__(self, slot: tuple[int, int]) -> bool:
        return slot in self._off

    def __len__(self) -> int:
        return len(self._off)

    def verdict(self, county_id: int, measure_id: int) -> Verdict:
        return self._verdicts.get((county_id, measure_id), APPLIES)

    def measures_of(self, county_id: int) -> set[int]:
        """The measures that do not apply to the county."""
        return self._by_county.get(county_id, set())

    def count_of(self, county_id: int) -> int:
        return len(self._by_county.get(county_id, ()))

    def count_among(self, county_ids: Iterable[int]) -> int:
        return sum(self.count_of(pk) for pk in county_ids)

    def count_by_measure(self) -> Counter[int]:
        """How many counties each measure does not apply to."""
        return Counter(measure_id for _county_id, measure_id in self._off)

    def excluding[Notes: Model](self, notes: QuerySet[Notes]) -> QuerySet[Notes]:
        """``notes`` (records with a county and a measure) without those on slots that do not
        apply: one condition per measure, however many counties."""
        counties_by_measure: dict[int, list[int]] = {}
        for county_id, measure_id in sorted(self._off):
            counties_by_measure.setdefault(measure_id, []).append(county_id)
        if not counties_by_measure:
            return notes
        condition = Q()
        for measure_id, county_ids in counties_by_measure.items():
            condition |= Q(measure_id=measure_id, county_id__in=county_ids)
        return notes.exclude(condition)


def _default_verdict(
    scope: MeasureScope,
    type_ids: set[int],
    kind: str,
    county_type_id: int | None,
    is_county_domain: bool,
) -> Verdict | None:
    """Where the measure's default reach leaves the county out: the verdict, else None."""
    to_kind = {
        County.Kind.DISTRICT: scope.to_districts,
        County.Kind.COUNTY_CITY: scope.to_county_cities,
        County.Kind.COUNTY: scope.to_counties,
        County.Kind.AUTONOMOUS_COUNTY: scope.to_autonomous_counties,
    }
    if not to_kind.get(County.Kind(kind), True):
        why = _("本举措默认不适用于%(kind)s") % {"kind": County.Kind(kind).label}
    elif type_ids and county_type_id is not None and county_type_id not in type_ids:
        why = _("本举措默认只适用于所列县域类型")
    elif scope.county_domain_only and not is_county_domain:
        why = _("本举措默认只适用于县域")
    else:
        return None
    if scope.explanation:
        why = f"{why}{_(':')}{scope.explanation}"
    return Verdict(False, DEFAULT, why)


def inapplicable(
    counties: QuerySet[County], measures: QuerySet[Measure] | None = None
) -> Inapplicable:
    """The slots of ``counties`` × ``measures`` (all measures by default) that do not apply, with
    the verdicts of every slot a rule speaks of."""
    measures = Measure.objects.all() if measures is None else measures
    verdicts: dict[tuple[int, int], Verdict] = {}
    scopes = list(MeasureScope.objects.filter(measure__in=measures).order_by())
    if scopes:
        types: dict[int, set[int]] = {}
        through = MeasureScope.county_types.through.objects.filter(measurescope__in=scopes)
        for scope_id, type_id in through.values_list("measurescope_id", "countytype_id"):
            types.setdefault(scope_id, set()).add(type_id)
        rows = counties.order_by().values_list("pk", "kind", "county_type_id", "is_county_domain")
        for county_id, kind, county_type_id, domain in rows:
            for scope in scopes:
                verdict = _default_verdict(
                    scope, types.get(scope.pk, set()), kind, county_type_id, domain
                )
                if verdict is not None:
                    verdicts[(county_id, scope.measure_id)] = verdict
    for key, word in _county_words(counties, measures).items():
        verdicts[key] = word.verdict
    return Inapplicable(verdicts)


def _county_words(
    counties: QuerySet[County], measures: QuerySet[Measure]
) -> dict[tuple[int, int], _Word]:
    """Each slot's latest word of the county's own: an override or an approved request."""
    words: dict[tuple[int, int], _Word] = {}
    # Both in one query: a page reads them with every figure it counts. Every column is an
    # annotation, named and ordered alike in both, so that the union's columns line up.
    overrides = _words(
        ScopeOverride.objects.filter(county__in=counties, measure__in=measures),
        applies=F("applies"),
        source=Value(OVERRIDE, output_field=CharField()),
        at=F("updated_at"),
    )
    approved = _words(
        Exemption.objects.filter(
            state=Exemption.State.APPROVED, county__in=counties, measure__in=measures
        ),
        applies=Value(False, output_field=BooleanField()),
        source=Value(REQUEST, output_field=CharField()),
        at=F("decided_at"),
    )
    both = overrides.union(approved, all=True).order_by()
    for county_id, measure_id, applies, reason, at, source in both:
        key = (county_id, measure_id)
        if at is not None and (key not in words or words[key].at < at):
            words[key] = _Word(at, Verdict(applies, source, reason))
    return words


def _words[Words: (ScopeOverride, Exemption)](
    records: QuerySet[Words], *, applies: Combinable, source: Combinable, at: Combinable
) -> QuerySet[Words, tuple[Any, ...]]:
    """A county's words as (county, measure, applies, reason, at, source) rows."""
    return (
        records.order_by()
        .annotate(
            w_county=F("county_id"),
            w_measure=F("measure_id"),
            w_applies=applies,
            w_reason=F("reason"),
            w_at=at,
            w_source=source,
        )
        .values_list("w_county", "w_measure", "w_applies", "w_reason", "w_at", "w_source")
    )


def verdict(county: County, measure: Measure) -> Verdict:
    """Whether ``measure`` applies to ``county``, and why."""
    found = inapplicable(County.objects.filter(pk=county.pk), Measure.objects.filter(pk=measure.pk))
    return found.verdict(county.pk, measure.pk)
