"""The units that answer for the work (clause 12: 省负总责、部门协同配合、市县抓落实): provincial
departments (省直部门) and each county's own departments (县级部门), and the responsibility matrix
that names, per measure, a lead unit (牵头单位) and cooperating units (配合单位): once for the
province, and once per county for the county's own departments. A unit's members are the users
holding a role of that unit (targets.models.access.Role)."""

from django.db import models
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _

from targets.models.localized import in_language


class Responsibility(models.TextChoices):
    LEAD = "lead", _("牵头")
    COOPERATING = "cooperating", _("配合")


class Department(models.Model):
    """A provincial department (省直部门) that leads or cooperates on measures."""

    code = models.CharField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    is_demo = models.BooleanField(_("演示数据"), default=False, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("省直部门")
        verbose_name_plural = _("省直部门")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return in_language(self.name, self.name_en)


class CountyDepartment(models.Model):
    """A department of one county (县级部门), to which the county's lead office assigns measures."""

    county = models.ForeignKey(
        "targets.County",
        on_delete=models.PROTECT,
        related_name="departments",
        verbose_name=_("县(市、区)"),
    )
    code = models.CharField(_("代码"), max_length=30)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    is_demo = models.BooleanField(_("演示数据"), default=False, editable=False)

    class Meta:
        ordering = ["county__code", "code"]
        verbose_name = _("县级部门")
        verbose_name_plural = _("县级部门")
        constraints = [
            models.UniqueConstraint(fields=["county", "code"], name="county_department_code"),
            models.UniqueConstraint(fields=["county", "name"], name="county_department_name"),
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.name}"

    @property
    def label(self) -> str:
        return in_language(self.name, self.name_en)


class MeasureDepartment(models.Model):
    """The province's division of a measure: one lead department, any number cooperating."""

    measure = models.ForeignKey(
        "targets.Measure",
        on_delete=models.CASCADE,
        related_name="departments",
        verbose_name=_("举措"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="measure_duties",
        verbose_name=_("省直部门"),
    )
    responsibility = models.CharField(_("职责"), max_length=12, choices=Responsibility.choices)

    class Meta:
        ordering = ["measure", "-responsibility", "department__code"]
        verbose_name = _("省级分工")
        verbose_name_plural = _("省级分工")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "department"], name="measure_department_once"
            ),
            models.UniqueConstraint(
                fields=["measure"], condition=Q(responsibility="lead"), name="measure_one_lead"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure.code} {self.department} ({self.get_responsibility_display()})"


class CountyMeasureDepartment(models.Model):
    """A county's division of a measure among its own departments, set by its lead office: one
    lead department (which drafts the note), any number cooperating."""

    county = models.ForeignKey(
        "targets.County",
        on_delete=models.CASCADE,
        related_name="measure_duties",
        verbose_name=_("县(市、区)"),
    )
    measure = models.ForeignKey(
        "targets.Measure",
        on_delete=models.CASCADE,
        related_name="county_departments",
        verbose_name=_("举措"),
    )
    department = models.ForeignKey(
        CountyDepartment,
        on_delete=models.PROTECT,
        related_name="measure_duties",
        verbose_name=_("县级部门"),
    )
    responsibility = models.CharField(_("职责"), max_length=12, choices=Responsibility.choices)

    class Meta:
        ordering = ["county", "measure", "-responsibility", "department__code"]
        verbose_name = _("县级分工")
        verbose_name_plural = _("县级分工")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "measure", "department"], name="county_measure_department_once"
            ),
            models.UniqueConstraint(
                fields=["county", "measure"],
                condition=Q(responsibility="lead"),
                name="county_measure_one_lead",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.measure.code} {self.department.name}"


class MeasureUnits:
    """A measure's provincial units as its pages and exports show them: the lead department and
    the cooperating ones, read from the measure's ``departments`` as prefetched by
    ``units_prefetch`` (no query of its own when prefetched)."""

    def __init__(self, duties) -> None:
        duties = list(duties)
        self.lead: Department | None = next(
            (d.department for d in duties if d.responsibility == Responsibility.LEAD), None
        )
        self.cooperating: list[Department] = sorted(
            (d.department for d in duties if d.responsibility == Responsibility.COOPERATING),
            key=lambda department: department.code,
        )

    def __bool__(self) -> bool:
        return self.lead is not None or bool(self.cooperating)

    @property
    def is_demo(self) -> bool:
        return any(d.is_demo for d in [*([self.lead] if self.lead else []), *self.cooperating])

    @staticmethod
    def named(department: Department) -> str:
        """A unit's name in an export, marked when it is demonstration data."""
        if department.is_demo:
            return f"{department.label}({_('演示')})"
        return department.label

    @property
    def lead_text(self) -> str:
        return self.named(self.lead) if self.lead else ""

    @property
    def cooperating_text(self) -> str:
        return "、".join(self.named(d) for d in self.cooperating)


def units_prefetch(lookup: str = "departments") -> Prefetch:
    """The prefetch that ``Measure.units`` reads: ``departments`` on measures, or e.g.
    ``measure__departments`` on notes; one query for any number of measures."""
    return Prefetch(lookup, queryset=MeasureDepartment.objects.select_related("department"))


def units_by_measure() -> dict[int, MeasureUnits]:
    """Every measure's units by the measure's id, in one query: for exports whose rows name
    measures among other things."""
    duties: dict[int, list[MeasureDepartment]] = {}
    for duty in MeasureDepartment.objects.select_related("department"):
        duties.setdefault(duty.measure_id, []).append(duty)
    return {measure: MeasureUnits(rows) for measure, rows in duties.items()}
