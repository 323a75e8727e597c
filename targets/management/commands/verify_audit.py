from django.core.management.base import BaseCommand, CommandError

from targets.models import AuditRecord
from targets.services import audit


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; names the first broken record and exits non-zero."

    def handle(self, *args, **options) -> None:
        broken = audit.verify()
        if broken is not None:
            raise CommandError(
                f"Audit chain broken at record {broken.record_id} ({broken.reason} does not match)."
            )
        self.stdout.write(f"Audit chain intact: {AuditRecord.objects.count()} records.")
