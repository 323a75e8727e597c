"""The demo command: development only; the README's accounts with their roles."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from targets.demo.seed import DEMO_PASSWORD
from targets.models import Indicator, IndicatorValue, Practice, ProgressNote, Role

pytestmark = pytest.mark.django_db


def test_it_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("seed_demo")
    assert not Role.objects.exists()


def test_it_makes_the_readme_accounts_with_their_roles(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # twice: nothing doubles
    expected = {
        "admin": ("system_admin", None),
        "security": ("security_admin", None),
        "auditor": ("audit_admin", None),
        "province": ("provincial_reviewer", None),
        "chengdu": ("prefecture_reviewer", "成都市"),
        "jinjiang": ("county_reporter", "锦江区"),
        "huili": ("county_reporter", "会理市"),
    }
    for username, (kind, scope) in expected.items():
        user = get_user_model().objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD), username
        assert user.security.password_expiry_exempt
        role = Role.objects.select_related("county", "prefecture").get(user=user)
        assert role.kind == kind
        assert (role.county or role.prefecture).name == scope if scope else True


def test_demo_indicators_are_flagged_as_demo(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    indicators = Indicator.objects.all()
    assert indicators.exists()
    assert all(i.is_demo for i in indicators)
    assert all(i.target_in_force(2027) and i.target_in_force(2035) for i in indicators)


def test_a_demo_round_of_reports_is_labelled(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    notes = ProgressNote.objects.all()
    assert notes.count() > 2000
    assert all(n.is_demo for n in notes)
    assert all(n.narrative.startswith("【演示数据】") for n in notes[:50])
    assert not notes.first().updated_by.is_active
    assert IndicatorValue.objects.filter(state="approved").exists()
    call_command("seed_demo")  # twice: nothing doubles
    assert ProgressNote.objects.count() == notes.count()
    assert Practice.objects.count() == 3


def test_a_few_demo_cases_of_good_practice_are_labelled(settings, client_for, provincial_reviewer):
    settings.DEBUG = True
    call_command("seed_demo")
    cases = list(Practice.objects.select_related("note"))
    assert len(cases) == 3
    assert all(case.is_demo and case.note.state == "approved" for case in cases)
    assert all(case.title.startswith("【演示数据】") for case in cases)
    assert "演示数据" in client_for(provincial_reviewer).get("/practice/").content.decode()
