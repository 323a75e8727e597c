import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from targets.demo.seed import DEMO_PASSWORD, seed_demo, seed_scale


class Command(BaseCommand):
    help = (
        "Create demonstration accounts and indicators (development only: refuses with DEBUG off)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scale",
            choices=["sichuan", "national"],
            help=(
                "also a demo round of notes for every period: sichuan (about 175,000 notes) or "
                "national (30 synthetic provinces as well: about 2.8 million notes)"
            ),
        )

    def handle(self, *args, scale=None, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo refuses to run with DEBUG off: demo accounts share a published password."
            )
        usernames = seed_demo()
        if scale:
            started = time.monotonic()
            made = seed_scale(scale)
            self.stdout.write(f"{made} demo notes made in {time.monotonic() - started:.1f} s")
        self.stdout.write(
            f"Demo accounts (password {DEMO_PASSWORD}, demo only): {', '.join(usernames)}"
        )
