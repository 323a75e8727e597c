from django.core.management.base import BaseCommand

from targets.supervision.reporting_setup import setup_reporting


class Command(BaseCommand):
    help = (
        "Create the reporting periods (quarters 2024Q1-2035Q4) and the default progress statuses."
        " Idempotent: deadlines, locks and labels that admins changed are kept."
    )

    def handle(self, *args, **options) -> None:
        created = setup_reporting()
        self.stdout.write(f"periods created: {created['periods']}")
        self.stdout.write(f"statuses created: {created['statuses']}")
