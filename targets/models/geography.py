"""Sichuan's economic regions, prefectures and counties (GB/T 2260 codes)."""

import uuid

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from targets.models.localized import in_language

six_digit_code = RegexValidator(r"^\d{6}$", _("行政区划代码须为六位数字。"))


class Region(models.Model):
    """One of the five economic regions of 五区共兴."""

    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("经济区")
        verbose_name_plural = _("经济区")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return in_language(self.name, self.name_en)


class Prefecture(models.Model):
    class Kind(models.TextChoices):
        CITY = "地级市", _("地级市")
        AUTONOMOUS_PREFECTURE = "自治州", _("自治州")

    code = models.CharField(_("代码"), max_length=6, unique=True, validators=[six_digit_code])
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="prefectures", verbose_name=_("经济区")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("市州")
        verbose_name_plural = _("市州")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return in_language(self.name, self.name_en)


class CountyType(models.Model):
    """A type of the province's county-economy assessment (分类指导)."""

    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("县域类型")
        verbose_name_plural = _("县域类型")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return in_language(self.name, self.name_en)


class County(models.Model):
    class Kind(models.TextChoices):
        DISTRICT = "市辖区", _("市辖区")
        COUNTY_CITY = "县级市", _("县级市")
        COUNTY = "县", _("县")
        AUTONOMOUS_COUNTY = "自治县", _("自治县")

    code = models.CharField(_("代码"), max_length=6, unique=True, validators=[six_digit_code])
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    prefecture = models.ForeignKey(
        Prefecture, on_delete=models.PROTECT, related_name="counties", verbose_name=_("市州")
    )
    county_type = models.ForeignKey(
        CountyType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="counties",
        verbose_name=_("县域类型"),
    )
    is_county_domain = models.BooleanField(_("县域"), default=False)
    is_underdeveloped = models.BooleanField(_("欠发达县域"), default=False)
    is_pilot = models.BooleanField(_("试点示范县"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("县(市、区)")
        verbose_name_plural = _("县(市、区)")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def label(self) -> str:
        return in_language(self.name, self.name_en)


def boundary_path(instance: "BoundaryMap", filename: str) -> str:
    return f"boundaries/{uuid.uuid4().hex}.geojson"


class BoundaryMap(models.Model):
    """County boundaries that an admin uploaded (a GeoJSON FeatureCollection whose features carry
    the county's six-digit code). No boundary data ships with the app: published maps of China
    need an approved source (审图号), which the uploader is responsible for naming."""

    name = models.CharField(_("名称"), max_length=100)
    source = models.CharField(
        _("来源及审图号"), max_length=200, help_text=_("地图数据的来源和审图号,页面上会显示。")
    )
    file = models.FileField(_("GeoJSON 文件"), upload_to=boundary_path)
    code_property = models.CharField(
        _("区划代码字段"),
        max_length=50,
        default="code",
        help_text=_("每个要素 properties 中存放六位区划代码的字段名,如 code 或 adcode。"),
    )
    counties_matched = models.PositiveSmallIntegerField(_("匹配的县数"), default=0, editable=False)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("县界地图")
        verbose_name_plural = _("县界地图")

    def __str__(self) -> str:
        return self.name
