"""Files attached to a province-level note or a contribution: checked as a county note's
evidence is (targets.reporting.evidence_files), stored under a generated name."""

from collections.abc import Sequence

from targets.models import Contribution, DepartmentEvidence, ProvinceNote
from targets.reporting.evidence_files import CheckedFile


def attach(
    owner: ProvinceNote | Contribution,
    *,
    user,
    files: Sequence[CheckedFile],
    uploads,
    supersede: Sequence[int] = (),
) -> None:
    """Store the checked ``files`` with ``owner`` and mark the files ``supersede`` names as
    replaced (never deleted)."""
    field = "note" if isinstance(owner, ProvinceNote) else "contribution"
    for checked, upload in zip(files, uploads, strict=True):
        upload.name = f"evidence.{checked.extension}"
        DepartmentEvidence.objects.create(
            **{field: owner},
            file=upload,
            name=checked.safe_name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=user,
        )
    if supersede:
        DepartmentEvidence.objects.filter(**{field: owner}, pk__in=supersede).update(
            superseded=True
        )
