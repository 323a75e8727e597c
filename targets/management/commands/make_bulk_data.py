from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from targets.bulk_data import files


class Command(BaseCommand):
    help = (
        "Queue the bulk data file (a zip of the approved data) of every closed round that has "
        "none yet, for the task worker to make; with --period, that round's file, made again. "
        "Meant for the daily run: running it again queues nothing new."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--period", help="a closed round's code (2026Q3): make its file again")

    def handle(self, *args, period: str | None = None, **options) -> None:
        today = timezone.localdate()
        if period:
            chosen = files.closed_rounds(today).filter(code=period).first()
            if chosen is None:
                raise CommandError(f"{period} is not a round whose deadline has passed.")
            _file, queued = files.request_file(period=chosen, user=None)
            self.stdout.write(
                f"{chosen.code}: queued." if queued else f"{chosen.code}: already on its way."
            )
            return
        missing = files.queue_missing(today)
        codes = ", ".join(p.code for p in missing) or "none"
        self.stdout.write(f"Bulk data files queued: {codes}.")
