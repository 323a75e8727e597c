"""Server time of the problem list (问题清单) with a year of problems at Sichuan scale: PROBLEMS
problems (3,000 by default) over the 183 counties and 24 measures, deadlines spread over a year
around today, in every state; the list as the provincial reviewer, the prefecture reviewer of
成都市 and a county reporter see it, its first and a later page, and the overdue filter.

Run against a PostgreSQL database with the divisions, the plan, the periods and the demo accounts
(`load_divisions`, `load_plan`, `setup_reporting`, `seed_demo`):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plenum_bench SECRET_KEY=bench \\
        AUDIT_KEY=bench-only-audit-key-0123456789abcdef HTTPS=false ALLOWED_HOSTS=testserver \\
        .venv/bin/python bench/problem_list.py

Each request goes through Django's test client in this process, so the time is the server's.
Prints median and p95 over ROUNDS rounds (after WARM rounds not counted); runs in one
transaction rolled back at the end, so that the database is left as it was."""

import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plenum.settings")

import django

django.setup()

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.utils import timezone

from targets.demo import bulk_insert
from targets.models import County, Measure, Problem, ProblemState

ROUNDS = int(os.environ.get("ROUNDS", "60"))
WARM = int(os.environ.get("WARM", "5"))
PROBLEMS = int(os.environ.get("PROBLEMS", "3000"))
PAGES = [
    ("province", "/problems/"),
    ("province", "/problems/?page=20"),
    ("province", "/problems/?overdue=on"),
    ("chengdu", "/problems/"),
    ("jinjiang", "/problems/"),
]


class Rollback(Exception):
    pass


def fill() -> None:
    randomness = random.Random(2027)  # made-up rows, repeatable
    author = get_user_model().objects.get(username="province")
    counties = list(County.objects.values_list("pk", flat=True))
    measures = list(Measure.objects.values_list("pk", flat=True))
    today, now = timezone.localdate(), timezone.now()
    states = list(ProblemState)
    rows = []
    for number in range(PROBLEMS):
        state = randomness.choice(states)
        rows.append(
            {
                "county_id": randomness.choice(counties),
                "measure_id": randomness.choice(measures),
                "source": "review",
                "description": f"【演示数据】问题 {number}",
                "deadline": today + datetime.timedelta(days=randomness.randint(-200, 165)),
                "state": state,
                "rectification": "",
                "verify_comment": "",
                "raised_by_id": author.pk,
                "raised_at": now,
                "updated_by_id": author.pk,
                "updated_at": now,
                "verified_by_id": author.pk if state == ProblemState.CLOSED else None,
            }
        )
    bulk_insert.insert(Problem, rows)
    bulk_insert.refresh_statistics(Problem)


def main() -> None:
    times: dict[str, list[float]] = {}
    try:
        with transaction.atomic():
            fill()
            clients = {}
            for username in {user for user, _url in PAGES}:
                client = Client()
                client.force_login(get_user_model().objects.get(username=username))
                clients[username] = client
            for round_ in range(WARM + ROUNDS):
                for username, url in PAGES:
                    started = time.perf_counter()
                    response = clients[username].get(url)
                    elapsed = (time.perf_counter() - started) * 1000
                    assert response.status_code == 200, (url, response.status_code)
                    if round_ >= WARM:
                        times.setdefault(f"{username} {url}", []).append(elapsed)
            raise Rollback
    except Rollback:
        pass
    print(f"{PROBLEMS} problems, {ROUNDS} rounds: median / p95 in ms")
    for name, values in times.items():
        p95 = statistics.quantiles(values, n=20)[-1]
        print(f"  {name:40} {statistics.median(values):7.1f} {p95:7.1f}")


if __name__ == "__main__":
    main()
