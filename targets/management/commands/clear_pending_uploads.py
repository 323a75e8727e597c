import datetime

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from targets.spreadsheets.pending_upload import FOLDER


class Command(BaseCommand):
    help = (
        "Remove uploaded Excel files that were checked but never confirmed or discarded (their "
        "session ended), once they are older than a day. Meant for the daily timer."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--hours", type=int, default=24, help="the age to remove at")

    def handle(self, *args, hours: int, **options) -> None:
        cutoff = timezone.now() - datetime.timedelta(hours=hours)
        removed = 0
        if default_storage.exists(FOLDER):
            for name in default_storage.listdir(FOLDER)[1]:
                path = f"{FOLDER}/{name}"
                if default_storage.get_modified_time(path) < cutoff:
                    default_storage.delete(path)
                    removed += 1
        self.stdout.write(f"Removed {removed} pending uploads older than {hours} hours.")
