"""Rounds are named as people write them, in the request's language; codes stay in URLs."""

import datetime

from django.utils import translation

from targets.models import Period


def round_of(code, cadence, starts_on):
    return Period(
        code=code, cadence=cadence, starts_on=starts_on, ends_on=starts_on, deadline=starts_on
    )


def test_a_quarter_is_named_in_words_in_both_languages():
    q3 = round_of("2026Q3", Period.Cadence.QUARTER, datetime.date(2026, 7, 1))
    with translation.override("zh-hans"):
        assert q3.label == "2026年第三季度"
    with translation.override("en"):
        assert q3.label == "Q3 2026"


def test_a_month_is_named_in_words_in_both_languages():
    october = round_of("2026-10", Period.Cadence.MONTH, datetime.date(2026, 10, 1))
    with translation.override("zh-hans"):
        assert october.label == "2026年10月"
    with translation.override("en"):
        assert october.label == "October 2026"


def test_the_stored_name_is_chinese_whatever_the_language():
    q1 = round_of("2025Q1", Period.Cadence.QUARTER, datetime.date(2025, 1, 1))
    with translation.override("en"):
        assert str(q1) == "2025年第一季度"
