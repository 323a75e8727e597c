"""The admin of which measures apply where (system admin): each measure's default reach, and a
county's exception with its reason. Both audited, as every admin change is."""

from django import forms
from django.contrib import admin
from django.db import models

from targets.admin.base import AuditedAdmin
from targets.models import MeasureScope, ScopeOverride


@admin.register(MeasureScope)
class MeasureScopeAdmin(AuditedAdmin):
    list_display = [
        "measure",
        "to_districts",
        "to_county_cities",
        "to_counties",
        "to_autonomous_counties",
        "county_domain_only",
    ]
    list_select_related = ["measure"]
    formfield_overrides = {
        # Four county types: boxes to tick read better than a multiple select.
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple},
    }


@admin.register(ScopeOverride)
class ScopeOverrideAdmin(AuditedAdmin):
    list_display = ["county", "measure", "applies", "reason", "updated_at"]
    list_filter = ["applies", "measure", "county__prefecture"]
    list_select_related = ["county", "measure"]
    search_fields = ["county__code", "county__name", "reason"]
    autocomplete_fields = ["county"]
