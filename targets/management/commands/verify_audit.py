from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from targets.audit import archive, trail
from targets.audit import checkpoint as audit_checkpoint
from targets.models import AuditRecord


class Command(BaseCommand):
    help = (
        "Verify the audit trail: the records' and archive anchors' MACs and links, each archive's "
        "file against its recorded SHA-256, and the database against the latest checkpoint "
        "written outside it. Names what is broken and exits non-zero. With --checkpoint (hourly, "
        "from a timer), then appends a new checkpoint."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--checkpoint",
            action="store_true",
            help="after a successful check, append the chain's head to the checkpoint file",
        )
        parser.add_argument(
            "--checkpoint-dir",
            type=Path,
            help="the checkpoints' folder (default: the AUDIT_CHECKPOINT_DIR setting)",
        )
        parser.add_argument(
            "--require-checkpoint",
            action="store_true",
            help="fail when no checkpoint is found (once the first one is written, as the timer does)",
        )
        parser.add_argument(
            "--archive-dir",
            type=Path,
            action="append",
            default=[],
            help="a folder to look for archive files in (by name) besides where they were written",
        )
        parser.add_argument(
            "--moved-away",
            action="append",
            default=[],
            metavar="FILE",
            help="an archive file taken away on purpose (its name or recorded path): not checked",
        )

    def handle(
        self,
        *args,
        checkpoint,
        checkpoint_dir,
        require_checkpoint,
        archive_dir,
        moved_away,
        **options,
    ):
        broken = trail.verify()
        if broken is not None:
            raise CommandError(str(broken))
        checked, problems = archive.check_files(search=archive_dir, moved_away=moved_away)
        point, missing = audit_checkpoint.check(checkpoint_dir)
        if missing:
            problems.append(missing)
        if point is None and require_checkpoint:
            problems.append(
                "No checkpoint found: the checkpoint file is missing or empty (deleted?), so "
                "whether the newest records were removed cannot be told."
            )
        if problems:
            raise CommandError("Audit trail broken:\n" + "\n".join(problems))
        self.stdout.write(f"Audit chain intact: {AuditRecord.objects.count()} records.")
        if checked or moved_away:
            self.stdout.write(
                f"Archive files checked: {checked}; moved away on purpose: {len(moved_away)}."
            )
        if point is None and not checkpoint:
            self.stderr.write(
                "No checkpoint yet: whether the newest records were removed cannot be told. "
                "Run `verify_audit --checkpoint` regularly (see the README)."
            )
        elif point is not None:
            self.stdout.write(f"Matches the checkpoint of {point['at']}.")
        if checkpoint:
            line = audit_checkpoint.write(checkpoint_dir)
            self.stdout.write(
                f"Checkpoint written: record {line['last_id']}, {line['count']} records."
            )
