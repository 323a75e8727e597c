from django.core.management.base import BaseCommand
from django.utils import timezone

from targets.dashboards import briefing_files
from targets.supervision.periods import in_cadence


class Command(BaseCommand):
    help = (
        "Queue the province's briefing PDF of the latest round whose deadline has passed, for the "
        "task worker to make and archive; once a round (running it again queues nothing). Meant "
        "for the daily run."
    )

    def handle(self, *args, **options) -> None:
        today = timezone.localdate()
        period = in_cadence().filter(deadline__lt=today).order_by("-deadline").first()
        if period is None:
            self.stdout.write("No round has closed yet.")
            return
        queued = briefing_files.archive_closed_round(period)
        self.stdout.write(
            f"{period.code}: the briefing PDF is queued."
            if queued
            else f"{period.code}: the briefing PDF was queued before."
        )
