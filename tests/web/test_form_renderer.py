"""The project's form renderer writes <select> with its own template, each option in place: the
markup must be what Django's own templates give, option for option."""

from pathlib import Path

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.test.signals import template_rendered

from plenum.form_renderer import Renderer

OURS = Path(__file__).resolve().parents[2] / "templates" / "django" / "forms" / "widgets"

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


def templates_of(widget, value) -> list[Path]:
    """The template files that rendering the widget goes through, each include counted."""
    files = []

    def note(sender, template, **kwargs):
        files.append(Path(template.origin.name))

    template_rendered.connect(note)
    try:
        widget.render("field", value, renderer=Renderer())
    finally:
        template_rendered.disconnect(note)
    return files


@pytest.mark.parametrize("name", WIDGETS)
def test_a_select_is_written_as_djangos_templates_write_it(name):
    widget, value = WIDGETS[name]
    ours = widget.render("field", value, attrs={"id": "id_field"}, renderer=Renderer())
    django = widget.render("field", value, attrs={"id": "id_field"}, renderer=DjangoTemplates())
    assert ours == django
    assert ours.startswith('<select name="field"')
    assert 'id="id_field"' in ours


def test_a_select_writes_djangos_own_options_in_place_and_includes_any_other():
    plain = templates_of(forms.Select(choices=GROUPED), "3")
    assert plain[0] == OURS / "select.html"
    assert [file.name for file in plain] == ["select.html", "attrs.html"]  # no include per option
    own = templates_of(OwnOption(choices=CHOICES), "1")
    assert own[0] == OURS / "select.html"
    assert [file.name for file in own].count("radio_option.html") == len(CHOICES)


def test_the_project_renders_its_forms_with_it():
    form = type("Filters", (forms.Form,), {"county": forms.ChoiceField(choices=CHOICES)})
    html = str(form(data={"county": "2"})["county"])
    assert '<option value="2" selected>A &amp; &lt;B&gt; &quot;quoted&quot;</option>' in html
    assert get_default_renderer().__class__ is Renderer
