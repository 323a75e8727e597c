"""Sichuan's geography from the shipped list: counts, partition into regions, reloads, bad files."""

from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from targets.data.files import DataFileError
from targets.geography.loader import DIVISIONS_FILE, REGIONS_FILE, load_divisions
from targets.models import County, CountyType, Prefecture, Region

pytestmark = pytest.mark.django_db


def test_five_regions_partition_the_21_prefectures():
    assert Region.objects.count() == 5
    assert Prefecture.objects.count() == 21
    sizes = {r.name: r.prefectures.count() for r in Region.objects.all()}
    assert sizes == {
        "成都平原经济区": 8,
        "川南经济区": 4,
        "川东北经济区": 5,
        "攀西经济区": 2,
        "川西北生态示范区": 2,
    }
    assert Prefecture.objects.get(name="凉山彝族自治州").region.name == "攀西经济区"


def test_183_counties_by_kind():
    assert County.objects.count() == 183
    assert Counter(County.objects.values_list("kind", flat=True)) == {
        "市辖区": 55,
        "县级市": 19,
        "县": 105,
        "自治县": 4,
    }
    assert County.objects.get(code="510104").name == "锦江区"
    assert County.objects.get(code="513402").name == "会理市"


def test_the_list_is_current_not_stale():
    assert County.objects.get(code="511403").name == "彭山区"
    assert not County.objects.filter(code="511422").exists()


def test_four_county_types_are_loaded_for_admins_to_assign():
    assert list(CountyType.objects.values_list("name", flat=True)) == [
        "城市主城区",
        "重点开发区县",
        "农产品主产区县",
        "重点生态功能区县",
    ]


def test_reloading_changes_nothing_and_keeps_what_admins_set():
    county = County.objects.get(code="510104")
    county.county_type = CountyType.objects.get(code="urban-core")
    county.is_pilot = True
    county.save()
    counts = load_divisions()
    assert all(key.endswith("unchanged") for key in counts), counts
    county.refresh_from_db()
    assert county.county_type.code == "urban-core"
    assert county.is_pilot


@pytest.mark.parametrize(
    ("code", "english"),
    [
        ("510104", "Jinjiang District"),
        ("510185", "Jianyang City"),
        ("510726", "Beichuan Qiang Autonomous County"),
        ("513422", "Muli Tibetan Autonomous County"),
        # Polyphonic characters, read as the places read them.
        ("510921", "Pengxi County"),
        ("511529", "Pingshan County"),
        ("510181", "Dujiangyan City"),
        ("511381", "Langzhong City"),
        ("511123", "Qianwei County"),
        ("511129", "Muchuan County"),
        ("511527", "Junlian County"),
        ("511822", "Yingjing County"),
        ("513402", "Huili City"),
        ("513426", "Huidong County"),
        ("513437", "Leibo County"),
        ("512022", "Lezhi County"),
        # A one-syllable name keeps its generic in Pinyin (GB/T 17693.1).
        ("511526", "Gongxian County"),
        ("510402", "Dongqu District"),
    ],
)
def test_counties_have_their_english_names(code, english):
    assert County.objects.get(code=code).name_en == english


def test_prefectures_have_their_english_names():
    names = dict(Prefecture.objects.values_list("code", "name_en"))
    assert names["510100"] == "Chengdu City"
    assert names["511100"] == "Leshan City"
    assert names["513200"] == "Ngawa Tibetan and Qiang Autonomous Prefecture"
    assert names["513300"] == "Garzê Tibetan Autonomous Prefecture"
    assert names["513400"] == "Liangshan Yi Autonomous Prefecture"
    assert all(names.values())
    assert County.objects.filter(name_en="").count() == 0


def test_loading_fills_the_english_names_of_existing_rows_and_reloading_keeps_them():
    County.objects.update(name_en="")
    Prefecture.objects.filter(code="510100").update(name_en="")
    counts = load_divisions()
    assert counts["county updated"] == 183
    assert counts["prefecture updated"] == 1
    assert County.objects.get(code="510104").name_en == "Jinjiang District"
    assert Prefecture.objects.get(code="510100").name_en == "Chengdu City"
    again = load_divisions()
    assert all(key.endswith("unchanged") for key in again), again
    assert County.objects.get(code="510104").name_en == "Jinjiang District"


def test_a_county_without_an_english_name_is_rejected(tmp_path):
    broken = _broken_copy(
        tmp_path, DIVISIONS_FILE, "Chengdu City,Jinjiang District", "Chengdu City,"
    )
    with pytest.raises(DataFileError, match="line 2: field 'county_name_en': must not be empty"):
        load_divisions(REGIONS_FILE, broken)
    assert County.objects.get(code="510104").name_en == "Jinjiang District"


def _broken_copy(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text
    target = tmp_path / source.name
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ("510104,锦江区", "51010,锦江区", "line 2: field 'county_code'"),
        ("510104,锦江区,市辖区", "510104,锦江区,特区", "line 2: field 'county_kind'"),
        ("510105,青羊区", "510104,青羊区", "line 3: field 'county_code': duplicate 510104"),
        ("prefecture_code,", "prefecture,", "header"),
    ],
    ids=["short-code", "unknown-kind", "duplicate", "header"],
)
def test_a_malformed_divisions_file_is_rejected_and_changes_nothing(tmp_path, old, new, named):
    # A valid rename earlier in the file must not be saved either.
    text = DIVISIONS_FILE.read_text(encoding="utf-8").replace("青羊区", "青羊区改")
    source = tmp_path / "source.csv"
    source.write_text(text, encoding="utf-8")
    broken = _broken_copy(tmp_path, source, old, new)
    with pytest.raises(DataFileError, match=named):
        load_divisions(REGIONS_FILE, broken)
    assert County.objects.get(code="510105").name == "青羊区"
    assert County.objects.count() == 183


def test_a_prefecture_in_no_region_is_rejected(tmp_path):
    broken = _broken_copy(tmp_path, REGIONS_FILE, '"攀枝花市", ', "")
    with pytest.raises(CommandError, match="in no region: 攀枝花市"):
        call_command("load_divisions", regions=broken)
    assert Prefecture.objects.get(name="攀枝花市").region.code == "panxi"
