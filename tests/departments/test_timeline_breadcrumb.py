"""A provincial department reaches a county's timeline of its measure from the measure's grid:
the breadcrumb leads back to a grid it may open."""

import re

import pytest

from tests import two_factor

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["department_user", "cooperating_department"])
def test_the_timeline_breadcrumb_leads_to_a_grid_the_department_opens(client, persona, request):
    two_factor.sign_in(client, request.getfixturevalue(persona))
    page = client.get("/counties/510104/measures/T1.1/").text
    crumbs = page.split('class="breadcrumbs"', 1)[1].split("</nav>", 1)[0]
    link = re.search(r'href="([^"]+)"', crumbs).group(1).replace("&amp;", "&")
    assert link.startswith("/province/measures/T1.1/")
    assert client.get(link).status_code == 200
