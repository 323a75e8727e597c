"""The Django admin, open to the three admin duties; every change audited. Importing this package
registers every model admin (Django's autodiscovery imports ``targets.admin``)."""

from targets.admin import (  # noqa: F401
    accounts,
    applicability,
    countyplans,
    department_work,
    geography,
    jobs,
    plan,
    reporting_setup,
    supervision,
    units,
)
