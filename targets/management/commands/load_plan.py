from django.core.management.base import BaseCommand, CommandError

from targets.services.data_files import DataFileError
from targets.services.plan_data import load_plan


class Command(BaseCommand):
    help = "Load the Decision (goals, task areas, measures, integrations, bottom lines, clauses) "
    help += "from targets/data/plan.toml. Idempotent: loading twice changes nothing."

    def handle(self, *args, **options) -> None:
        try:
            counts = load_plan()
        except DataFileError as exc:
            raise CommandError(f"{exc} (nothing was changed)") from exc
        for key, count in counts.items():
            self.stdout.write(f"{key}: {count}")
