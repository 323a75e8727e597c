from django.core.management.base import BaseCommand
from django.utils import timezone

from targets.jobs import files


class Command(BaseCommand):
    help = (
        "Remove the files of the exports made by the worker that are past EXPORT_KEEP_HOURS; "
        "their rows stay, marked expired, for their askers' lists. Meant for the daily timer."
    )

    def handle(self, *args, **options) -> None:
        removed = files.remove_expired(timezone.now())
        self.stdout.write(f"Removed {removed} expired export files.")
