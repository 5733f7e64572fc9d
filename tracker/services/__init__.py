"""Every write that matters goes through here: status changes with their history records,
stale-edit checks, reviews and the fixture load. Callers (the admin, the CSV import, commands)
map the problems these functions report to their own fields and messages."""

from .assessments import assess_many, assessment_problems, record_assessment
from .editing import (
    StaleEdit,
    changes_since,
    claim_version,
    current_version,
    mark_reviewed,
    version_record,
)
from .loading import FIXTURE_REASON, FixtureProblem, fixture_path, load_fixture
from .status import (
    change_status,
    commitment_link_problems,
    needs_status_record,
    save_record,
    status_change_problems,
    target_link_problems,
)

__all__ = [
    "FIXTURE_REASON",
    "FixtureProblem",
    "StaleEdit",
    "assess_many",
    "assessment_problems",
    "record_assessment",
    "change_status",
    "commitment_link_problems",
    "changes_since",
    "version_record",
    "claim_version",
    "current_version",
    "fixture_path",
    "load_fixture",
    "mark_reviewed",
    "needs_status_record",
    "save_record",
    "status_change_problems",
    "target_link_problems",
]
