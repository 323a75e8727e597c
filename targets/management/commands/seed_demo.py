from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from targets.services.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = (
        "Create demonstration accounts and indicators (development only: refuses with DEBUG off)."
    )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo refuses to run with DEBUG off: demo accounts share a published password."
            )
        usernames = seed_demo()
        self.stdout.write(
            f"Demo accounts (password {DEMO_PASSWORD}, demo only): {', '.join(usernames)}"
        )
