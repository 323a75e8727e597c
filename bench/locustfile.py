"""The load benchmark's users (run by bench/load.sh): county reporters who open their round and
save and submit notes, provincial reviewers who read the dashboards, and provincial departments
who read the cut by department and their measures' grids. Every user also asks for /healthz now
and then: the minimal view that each page's median is compared with."""

import itertools
import os
import random
import re
import statistics
from collections import defaultdict

from locust import FastHttpUser, between, events, task

PERIOD = os.environ.get("LOAD_PERIOD", "2026Q4")
PASSWORD = os.environ.get("LOAD_PASSWORD", "Bench-Load-2027!")
REVIEWER_PASSWORD = os.environ.get("LOAD_REVIEWER_PASSWORD", "Sichuan-2027")
MEASURES = [
    f"T{a}.{m}" for a, n in [(1, 5), (2, 6), (3, 5), (4, 4), (5, 4)] for m in range(1, n + 1)
]
reporters = itertools.count(1)
departments = itertools.count(1)
DEPARTMENT_USERS = int(os.environ.get("LOAD_DEPARTMENTS", "5"))  # made by load_setup.py
signed_in = itertools.count(1)
# Locust keeps times under 100 ms in whole milliseconds, so a minimal view's 4.4 ms median reads
# 4 and every ratio to it is off by a tenth: the medians are also taken here from exact times.
exact_times: dict[str, list[float]] = defaultdict(list)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version"(?: value="(\d*)")?')  # no value for a new note
ON_SCHEDULE = re.compile(r'<option value="(\d+)"[^>]*>按计划推进</option>')


class SignedIn(FastHttpUser):
    """FastHttpUser (geventhttpclient) takes a fraction of the CPU that HttpUser (requests) does:
    the load generator shares the server's two cores."""

    abstract = True
    wait_time = between(1, 3)

    def sign_in(self, username: str, password: str) -> None:
        page = self.client.get("/login/", name="login page").text
        self.client.post(
            "/login/",
            {
                "csrfmiddlewaretoken": CSRF.search(page).group(1),
                "username": username,
                "password": password,
            },
            name="sign in",
        )

    def ready(self) -> None:
        """Called at the end of each user's start. With LOAD_STEADY set, the figures restart once
        every user has signed in: they then leave out the storm of password hashes at the start."""
        if os.environ.get("LOAD_STEADY") and next(signed_in) == int(os.environ["LOAD_USERS"]):
            self.environment.stats.reset_all()
            exact_times.clear()
            print("every user has signed in: the figures start from here")

    @task(1)
    def minimal(self) -> None:
        self.client.get("/healthz", name="minimal view (/healthz)")


class Reporter(SignedIn):
    weight = 3

    def on_start(self) -> None:
        number = next(reporters)
        self.sign_in(f"load{number:03d}", PASSWORD)
        home = self.client.get("/", name="home")  # the to-do list, whose links name the county
        self.county = re.search(r"/counties/(\d{6})/", home.text).group(1)
        self.todo = list(MEASURES)
        self.saves = 0
        self.ready()

    @task(3)
    def report_page(self) -> None:
        self.client.get(f"/counties/{self.county}/report/{PERIOD}/", name="reporter's page")

    @task(4)
    def save_note(self) -> None:
        if not self.todo:
            return
        measure = self.todo[0]
        url = f"/counties/{self.county}/report/{PERIOD}/measures/{measure}/"
        form = self.client.get(url, name="note form").text
        token, version, status = CSRF.search(form), VERSION.search(form), ON_SCHEDULE.search(form)
        if token is None or version is None or status is None:
            return
        submit = self.saves % 3 == 2  # two drafts, then the submission
        with self.client.post(
            url,
            {
                "csrfmiddlewaretoken": token.group(1),
                "status": status.group(1),
                "percent": str(random.randint(10, 90)),
                "narrative": "【压测数据】本季度按计划推进。",
                "bottom_line": "",
                "risk_reason": "",
                "version": version.group(1) or "",
                "action": "submit" if submit else "save",
            },
            name="submit note" if submit else "save note",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302 and "/report/" in response.headers.get("Location", ""):
                response.success()
                self.saves += 1
                if submit:
                    self.todo.pop(0)
            else:
                response.failure(f"status {response.status_code}")


class Reviewer(SignedIn):
    weight = 1

    def on_start(self) -> None:
        self.sign_in("province", REVIEWER_PASSWORD)
        self.ready()

    @task(3)
    def overview(self) -> None:
        self.client.get(f"/province/?period={PERIOD}", name="province overview")

    @task(2)
    def grid(self) -> None:
        measure = random.choice(MEASURES)
        self.client.get(f"/province/measures/{measure}/?period={PERIOD}", name="183-county grid")

    @task(1)
    def review_queue(self) -> None:
        self.client.get("/review/", name="review queue")

    @task(1)
    def late(self) -> None:
        self.client.get(f"/review/late/?period={PERIOD}", name="late view")

    @task(1)
    def briefing(self) -> None:
        self.client.get(f"/province/briefing/?period={PERIOD}", name="briefing page")


class DepartmentUser(SignedIn):
    """A provincial department (loaddept01…, made by load_setup.py): the cut by department, its
    own row in detail, and its measures' grids filtered to it."""

    weight = 1

    def on_start(self) -> None:
        number = (next(departments) - 1) % DEPARTMENT_USERS + 1
        self.sign_in(f"loaddept{number:02d}", PASSWORD)
        cut = self.client.get(f"/province/departments/?period={PERIOD}", name="department cut")
        self.code = re.search(r'href="/province/departments/([^/"]+)/', cut.text).group(1)
        detail = self.client.get(
            f"/province/departments/{self.code}/?period={PERIOD}", name="department's measures"
        )
        self.measures = sorted(set(re.findall(r'href="/province/measures/([^/"]+)/', detail.text)))
        self.ready()

    @task(2)
    def cut(self) -> None:
        self.client.get(f"/province/departments/?period={PERIOD}", name="department cut")

    @task(2)
    def detail(self) -> None:
        self.client.get(
            f"/province/departments/{self.code}/?period={PERIOD}", name="department's measures"
        )

    @task(3)
    def grid(self) -> None:
        measure = random.choice(self.measures)
        self.client.get(
            f"/province/measures/{measure}/?period={PERIOD}&department={self.code}",
            name="department's grid",
        )


@events.request.add_listener
def keep_exact_time(name: str, response_time: float, **kwargs) -> None:
    exact_times[name].append(response_time)


@events.quitting.add_listener
def write_exact_medians(environment, **kwargs) -> None:
    """Each page's exact median, to LOAD_MEDIANS (name, tab, milliseconds), for load_report.py."""
    if path := os.environ.get("LOAD_MEDIANS"):
        with open(path, "w", encoding="utf-8") as out:
            for name, times in sorted(exact_times.items()):
                out.write(f"{name}\t{statistics.median(times):.3f}\n")
