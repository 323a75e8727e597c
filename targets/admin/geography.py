"""The admin of regions, prefectures, county types, counties and the boundary map (system admin)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from targets.admin.base import AuditedAdmin
from targets.geography.boundaries import check_geojson
from targets.models import (
    BoundaryMap,
    County,
    CountyType,
    Prefecture,
    Region,
)


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["name", "name_en", "order"]


@admin.register(Prefecture)
class PrefectureAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "region"]
    list_filter = ["region", "kind"]
    search_fields = ["code", "name"]


@admin.register(CountyType)
class CountyTypeAdmin(AuditedAdmin):
    list_display = ["name", "name_en", "order"]


@admin.register(County)
class CountyAdmin(AuditedAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "prefecture",
        "county_type",
        "is_county_domain",
        "is_underdeveloped",
        "is_pilot",
    ]
    list_filter = [
        "prefecture__region",
        "prefecture",
        "kind",
        "county_type",
        "is_county_domain",
        "is_underdeveloped",
        "is_pilot",
    ]
    list_editable = ["county_type", "is_county_domain", "is_underdeveloped", "is_pilot"]
    list_select_related = ["prefecture", "county_type"]
    search_fields = ["code", "name"]


class BoundaryMapForm(forms.ModelForm):
    class Meta:
        model = BoundaryMap
        fields = ["name", "source", "file", "code_property"]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload and hasattr(upload, "content_type") and cleaned.get("code_property"):
            codes = set(County.objects.values_list("code", flat=True))
            try:
                self.instance.counties_matched = check_geojson(
                    upload, cleaned["code_property"], codes
                )
            except ValidationError as error:
                self.add_error("file", error)
        return cleaned


@admin.register(BoundaryMap)
class BoundaryMapAdmin(AuditedAdmin):
    """An uploaded map of county boundaries offers a choropleth beside the tile map."""

    form = BoundaryMapForm
    list_display = ["name", "source", "counties_matched", "uploaded_at"]
    readonly_fields = ["counties_matched", "uploaded_at"]
