from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from targets.audit.archive import RetentionError, archive_older_than


class Command(BaseCommand):
    help = (
        "Export audit records older than the retention period to a JSON-lines file, then remove "
        "them from the database (meant for a monthly timer). The removal is itself recorded. On "
        "PostgreSQL it runs as the archiving role (DATABASE_URL), which alone may remove records."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", type=Path, required=True, help="a new file to write")
        parser.add_argument("--days", type=int, default=settings.AUDIT_RETENTION_DAYS)

    def handle(self, *args, output: Path, days: int, **options) -> None:
        try:
            archive = archive_older_than(days, output)
        except (RetentionError, OSError, DatabaseError) as exc:
            raise CommandError(f"{exc} (nothing was removed)") from exc
        if archive is None:
            self.stdout.write(f"No audit record is older than {days} days; nothing archived.")
        else:
            self.stdout.write(
                f"Archived {archive.record_count} records to {archive.file_name} "
                f"(sha256 {archive.file_sha256}) and removed them."
            )
