"""The project's form renderer writes <select> in Python: the markup must be what Django's own
templates give, option for option."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer

from plenum.form_renderer import Renderer

CHOICES = [("", "---------"), ("1", "成都市"), ("2", 'A & <B> "quoted"')]
GROUPED = [("", "全部"), ("川西", [("3", "阿坝州"), ("4", "甘孜州")]), ("5", "攀枝花市")]


class OwnOption(forms.Select):
    option_template_name = "django/forms/widgets/radio_option.html"


WIDGETS = {
    "plain": (forms.Select(choices=CHOICES), "1"),
    "nothing chosen": (forms.Select(choices=CHOICES), None),
    "escaped label": (forms.Select(choices=CHOICES), "2"),
    "groups": (forms.Select(choices=GROUPED), "4"),
    "multiple": (forms.SelectMultiple(choices=GROUPED), ["3", "5"]),
    "attributes": (
        forms.Select(choices=CHOICES, attrs={"disabled": True, "required": False, "data-x": "<"}),
        "1",
    ),
    "null boolean": (forms.NullBooleanSelect(), True),
    "own option template": (OwnOption(choices=CHOICES), "1"),
}


class Watched(Renderer):
    """Notes the templates it loads."""

    def __init__(self):
        self.loaded = []

    def get_template(self, template_name):
        self.loaded.append(template_name)
        return super().get_template(template_name)


@pytest.mark.parametrize("name", WIDGETS)
def test_a_select_is_written_as_djangos_templates_write_it(name):
    widget, value = WIDGETS[name]
    ours = widget.render("field", value, attrs={"id": "id_field"}, renderer=Renderer())
    django = widget.render("field", value, attrs={"id": "id_field"}, renderer=DjangoTemplates())
    assert ours == django
    assert ours.startswith('<select name="field"')
    assert 'id="id_field"' in ours


def test_only_a_select_with_djangos_own_options_skips_the_templates():
    plain, own = Watched(), Watched()
    forms.Select(choices=GROUPED).render("field", "3", renderer=plain)
    OwnOption(choices=CHOICES).render("field", "1", renderer=own)
    assert plain.loaded == []
    assert "django/forms/widgets/select.html" in own.loaded


def test_the_project_renders_its_forms_with_it():
    form = type("Filters", (forms.Form,), {"county": forms.ChoiceField(choices=CHOICES)})
    html = str(form(data={"county": "2"})["county"])
    assert '<option value="2" selected>A &amp; &lt;B&gt; &quot;quoted&quot;</option>' in html
    assert get_default_renderer().__class__ is Renderer
