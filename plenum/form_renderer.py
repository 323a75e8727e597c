"""Django's form renderer, finding the project's own widget templates (templates/django/forms/)
before Django's.

The one it has, widgets/select.html, writes each <option> in place rather than through Django's
include per option: the review queue's and the late view's filters list 183 counties and 48
rounds. Its markup is Django's own; tests/web/test_form_renderer.py compares the two.
"""

from pathlib import Path

from django.conf import settings
from django.forms import renderers
from django.forms.renderers import DjangoTemplates
from django.utils.functional import cached_property

DJANGOS = Path(renderers.__file__).parent / "templates"


class Renderer(DjangoTemplates):
    @cached_property
    def engine(self):
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [settings.BASE_DIR / "templates", DJANGOS],
                "NAME": "djangoforms",
                "OPTIONS": {},
            }
        )
