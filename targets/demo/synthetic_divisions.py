"""Synthetic divisions for the national-scale demo data (`seed_demo --scale national`): 30
provinces beside Sichuan, each a top-level unit of the dashboards (where Sichuan shows its five
economic regions), of 10 prefectures of 9 counties. Every name says 演示 (demo), and every code
begins with 9, which no division of China's codes (GB/T 2260) does: 9, the province (01-30), the
prefecture (0-9), the county (01-09). None can be taken for a real place; the English names
begin with "Demo"."""

import random

from targets.models import County, CountyType, Prefecture, Region

PROVINCES = range(1, 31)
PREFECTURES_PER_PROVINCE = 10
COUNTIES_PER_PREFECTURE = 9


def make() -> list[County]:
    """The synthetic counties, made on first use; returns them all."""
    types = list(CountyType.objects.order_by("order"))
    randomness = random.Random(70)  # noqa: S311  (made-up divisions, repeatable)
    for order, number in enumerate(PROVINCES, start=10):
        region, _created = Region.objects.get_or_create(
            code=f"demo-{number:02d}",
            defaults={
                "name": f"演示省{number:02d}(合成数据)",
                "name_en": f"Demo province {number:02d} (synthetic data)",
                "order": order,
            },
        )
        for p in range(PREFECTURES_PER_PROVINCE):
            prefecture, _created = Prefecture.objects.get_or_create(
                code=f"9{number:02d}{p}00",
                defaults={
                    "name": f"演示省{number:02d}第{p + 1}市",
                    "name_en": f"Demo City {p + 1} of province {number:02d}",
                    "kind": Prefecture.Kind.CITY,
                    "region": region,
                },
            )
            County.objects.bulk_create(
                [
                    County(
                        code=f"9{number:02d}{p}{c:02d}",
                        name=f"演示{number:02d}-{p + 1}-{c}县",
                        name_en=f"Demo County {number:02d}-{p + 1}-{c}",
                        kind=County.Kind.COUNTY,
                        prefecture=prefecture,
                        county_type=randomness.choice(types) if types else None,
                        is_county_domain=True,
                    )
                    for c in range(1, COUNTIES_PER_PREFECTURE + 1)
                ],
                ignore_conflicts=True,
            )
    return list(County.objects.filter(prefecture__region__code__startswith="demo-"))
