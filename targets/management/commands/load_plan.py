from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from targets.data.files import DataFileError
from targets.plan.loader import PLAN_FILE, load_plan


class Command(BaseCommand):
    help = "Load the Decision (goals, task areas, measures, integrations, bottom lines, clauses) "
    help += "from targets/data/plan.toml. Idempotent: loading twice changes nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--file", type=Path, default=PLAN_FILE, help="another plan file")

    def handle(self, *args, file: Path, **options) -> None:
        try:
            counts = load_plan(file)
        except DataFileError as exc:
            raise CommandError(f"{exc} (nothing was changed)") from exc
        for key, count in counts.items():
            self.stdout.write(f"{key}: {count}")
