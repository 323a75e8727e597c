"""Synthetic divisions for the national-scale demo data (`seed_demo --scale national`): 30
provinces beside Sichuan, each a top-level unit of the dashboards (where Sichuan shows its five
economic regions), of 10 prefectures of 9 counties. Every name says 演示 (demo); the codes begin
70 to 99, which no province of China uses, so that none can be taken for a real division."""

import random

from targets.models import County, CountyType, Prefecture, Region

PROVINCES = range(70, 100)
PREFECTURES_PER_PROVINCE = 10
COUNTIES_PER_PREFECTURE = 9


def make() -> list[County]:
    """The synthetic counties, made on first use; returns them all."""
    types = list(CountyType.objects.order_by("order"))
    randomness = random.Random(70)
    for order, number in enumerate(PROVINCES, start=10):
        region, _created = Region.objects.get_or_create(
            code=f"demo-{number}",
            defaults={
                "name": f"演示省{number}(合成数据)",
                "name_en": f"Synthetic province {number} (demo)",
                "order": order,
            },
        )
        for p in range(1, PREFECTURES_PER_PROVINCE + 1):
            prefecture, _created = Prefecture.objects.get_or_create(
                code=f"{number}{p:02d}00",
                defaults={
                    "name": f"演示省{number}第{p}市",
                    "kind": Prefecture.Kind.CITY,
                    "region": region,
                },
            )
            County.objects.bulk_create(
                [
                    County(
                        code=f"{number}{p:02d}{c:02d}",
                        name=f"演示{number}-{p}-{c}县",
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
