"""Edits by editors: versions that refuse stale saves, and reviews recorded without a status change."""

from typing import NamedTuple

from django.db import transaction
from django.utils import timezone


class Change(NamedTuple):
    """One field another editor changed: its label and name, the values, who and when."""

    label: str
    old: str
    new: str
    who: str
    when: object
    field: str


class StaleEdit(Exception):
    """The record changed since the editor loaded it; saving would overwrite that change."""

    def __init__(self, subject, changes):
        self.subject = subject
        self.changes = changes
        super().__init__(f"{subject} was changed by someone else meanwhile")


def claim_version(subject, expected_version):
    """Bump `subject`'s version if it is still `expected_version`; raise StaleEdit if not.

    The conditional UPDATE is atomic, so of two editors saving the same copy only one wins,
    even if both passed the friendlier check in the form.
    """
    model = type(subject)
    claimed = model.objects.filter(pk=subject.pk, version=expected_version).update(
        version=expected_version + 1
    )
    if not claimed:
        raise StaleEdit(subject, changes_since(subject, expected_version))
    subject.version = expected_version + 1


def version_record(subject, version):
    """The audit record of `subject` as it was at `version` (the first one saved with it)."""
    return subject.history.filter(version=version).order_by("history_date", "history_id").first()


def changes_since(subject, version):
    """What changed on `subject` after `version`, as Change rows."""
    base = version_record(subject, version)
    latest = subject.history.order_by("-history_date", "-history_id").first()
    if base is None or latest is None or base.pk == latest.pk:
        return []
    delta = latest.diff_against(base, excluded_fields=["version", "updated_at", "last_reviewed_on"])
    who = latest.history_user.get_username() if latest.history_user else "someone"
    labels = {
        field.name: field.verbose_name
        for field in type(subject)._meta.get_fields()
        if hasattr(field, "verbose_name")
    }
    return [
        Change(
            str(labels.get(change.field, change.field)).capitalize(),
            display(change.old),
            display(change.new),
            who,
            latest.history_date,
            change.field,
        )
        for change in delta.changes
    ]


def display(value):
    if isinstance(value, list):  # many-to-many: rows of the through table
        return ", ".join(sorted(str(next(iter(row.values()))) for row in value)) or "—"
    return "—" if value in (None, "") else str(value)


def current_version(subject):
    return type(subject).objects.filter(pk=subject.pk).values_list("version", flat=True).first()


@transaction.atomic
def mark_reviewed(*, model, versions, today=None):
    """Record that editors checked these records today, without a status change.

    `versions` maps each record's id to the version the editor selected; a record changed since
    is refused (StaleEdit) and nothing is marked. Only the review date and version are saved.
    """
    today = today or timezone.localdate()
    records = list(model.objects.filter(pk__in=versions).order_by("pk"))
    for record in records:
        claim_version(record, versions[record.pk])
        record.last_reviewed_on = today
        record.save(update_fields=["last_reviewed_on", "version", "updated_at"])  # audited, one by one
    return records
