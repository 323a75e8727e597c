from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from targets.data.files import DataFileError
from targets.geography.loader import DIVISIONS_FILE, REGIONS_FILE, load_divisions


class Command(BaseCommand):
    help = "Load Sichuan's 5 regions, 21 prefectures, 183 counties and the 4 county types from "
    help += "targets/data/. Idempotent; county types and flags set by admins are kept."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--regions", type=Path, default=REGIONS_FILE)
        parser.add_argument("--divisions", type=Path, default=DIVISIONS_FILE)

    def handle(self, *args, regions: Path, divisions: Path, **options) -> None:
        try:
            counts = load_divisions(regions, divisions)
        except DataFileError as exc:
            raise CommandError(f"{exc} (nothing was changed)") from exc
        for key, count in counts.items():
            self.stdout.write(f"{key}: {count}")
