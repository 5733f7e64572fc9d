"""Operations that change several records at once: a status and its history, stale-edit checks."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Commitment, StatusChange


class StaleEdit(Exception):
    """The record changed since the editor loaded it; saving would overwrite that change."""

    def __init__(self, subject, changes):
        self.subject = subject
        self.changes = changes
        super().__init__(f"{subject} was changed by someone else meanwhile")


def status_change_errors(*, subject, new_status, effective_on, note, sources, today=None):
    """Why a status change is not allowed, as {form field: message}; empty when it is.

    The one statement of the rules, used by the admin form (to show the errors beside their
    fields) and by change_status (for every other path, such as the bulk action).
    """
    today = today or timezone.localdate()
    errors = {}
    if not effective_on:
        errors["status_effective_on"] = "Give the date the new status took effect."
    if not note or not note.strip():
        errors["status_note"] = "Explain the change of status in a note."
    if not sources:
        errors["status_sources"] = "Cite at least one source for the new status."
    if effective_on and effective_on > today:
        errors["status_effective_on"] = "The date a status took effect cannot be in the future."
    if isinstance(subject, Commitment) and new_status == Commitment.Status.NOT_ACHIEVED:
        if subject.target_date is None:
            errors["status"] = "“Not achieved” needs a target date, and only once that date has passed."
        elif subject.target_date >= today:
            errors["status"] = (
                f"“Not achieved” is allowed only after the target date ({subject.target_date:%d %B %Y}) "
                "has passed."
            )
    if subject.pk and effective_on:
        latest = (
            subject.status_changes.order_by("-effective_on").values_list("effective_on", flat=True).first()
        )
        if latest and effective_on < latest:
            errors["status_effective_on"] = (
                f"The latest recorded change took effect on {latest:%d %B %Y}; a new status cannot take "
                "effect before it. To correct an earlier record, edit its note or sources."
            )
    return errors


@transaction.atomic
def change_status(*, subject, new_status, effective_on, note, sources, user=None):
    """Set a commitment's or agreement's status and record the step, both or neither.

    `subject` is saved here (with any other pending edits on it), so its audit record and the
    status-history record land in the same transaction.
    """
    errors = status_change_errors(
        subject=subject, new_status=new_status, effective_on=effective_on, note=note, sources=sources
    )
    if errors:
        raise ValidationError(errors)
    old_status = type(subject).objects.filter(pk=subject.pk).values_list("status", flat=True).first() or ""
    subject.status = new_status
    subject.last_reviewed_on = timezone.localdate()
    subject.save()
    change = StatusChange.objects.create(
        commitment=subject if isinstance(subject, Commitment) else None,
        agreement=None if isinstance(subject, Commitment) else subject,
        effective_on=effective_on,
        old_status=old_status,
        new_status=new_status,
        note=note.strip(),
        recorded_by=user,
    )
    change.sources.set(sources)
    return change


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


def changes_since(subject, version):
    """What changed on `subject` after `version`, as (field label, old, new, who, when) rows."""
    records = list(subject.history.filter(version__gte=version).order_by("history_date", "history_id"))
    base = next((record for record in records if record.version == version), None)
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
        (
            str(labels.get(change.field, change.field)).capitalize(),
            display(change.old),
            display(change.new),
            who,
            latest.history_date,
        )
        for change in delta.changes
    ]


def display(value):
    if isinstance(value, list):  # many-to-many: rows of the through table
        return ", ".join(sorted(str(next(iter(row.values()))) for row in value)) or "—"
    return "—" if value in (None, "") else str(value)
