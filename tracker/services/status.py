"""Status writes: every status a commitment or agreement takes is a dated, sourced history record.

The rules live in `status_change_problems`, and every path that writes a status (the admin
form, the bulk action, the CSV import, new records) goes through `change_status`.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..method import definitions_for, evidence_problem
from ..models import Agreement, ClaimBasis, Commitment, DateAccuracy, StatusChange, Target
from ..text import control_character_problem
from .editing import claim_version

# Problems are keyed by these codes; each caller maps them to its own fields.
STATUS, EFFECTIVE_ON, DATE_ACCURACY, NOTE, SOURCES = (
    "status",
    "effective_on",
    "date_accuracy",
    "note",
    "sources",
)


def target_link_problems(*, target_link, sources):
    """Why an agreement's tie to the target is not allowed, as {code: message}."""
    unsourced = (Agreement.TargetLink.REPORTED, Agreement.TargetLink.NOT_STATED)
    if target_link not in unsourced and not list(sources or []):
        label = Agreement.TargetLink(target_link).label
        return {"target_link_sources": f"“{label}” is a claim: cite the source that makes it."}
    return {}


def commitment_link_problems(*, commitment, basis, note, sources):
    """Why a link from an agreement to `commitment` is not allowed, as {field: message}.

    The link is a claim: stated by a source, which is cited, or our inference, with the reason.
    An agreement's tie to the target lives in its own field, so no agreement links to the
    target's commitment record."""
    problems = {}
    if commitment is not None and Target.objects.filter(commitment=commitment).exists():
        problems["commitment"] = (
            "This is the target's own record: say how an agreement is tied to the target in its "
            "“tie to the target” field, with the sources that say so, instead of linking it here."
        )
    if not (note or "").strip():
        problems["note"] = (
            "Say what the source says that links them or, for our inference, why we infer the link."
        )
    sources = list(sources or [])
    if basis == ClaimBasis.STATED:
        if not sources:
            problems["sources"] = "A link stated by a source cites that source."
        elif all(source.is_opinion for source in sources):
            problems["sources"] = "An opinion piece cannot state a link on its own: cite another source."
    return problems


def needs_status_record(subject, new_status, old_status):
    """Whether saving `subject` with `new_status` writes a history record.

    A new agreement always starts its timeline; a new commitment only once it is assessed (an
    unresearched commitment has no step to record); an existing record when its status changes.
    """
    if subject.pk is None:
        return isinstance(subject, Agreement) or new_status != Commitment.Status.NOT_ASSESSED
    return new_status != old_status


def status_change_problems(
    *, subject, new_status, effective_on, note, sources, date_accuracy=DateAccuracy.EXACT, today=None
):
    """Why a status change is not allowed, as {code: message}; empty when it is."""
    today = today or timezone.localdate()
    sources = list(sources or [])
    problems = {}
    if date_accuracy == DateAccuracy.UNKNOWN:
        if effective_on:
            problems[EFFECTIVE_ON] = "Leave the date blank when its accuracy is “unknown”."
    elif not effective_on:
        problems[EFFECTIVE_ON] = (
            "Give the date the new status took effect, or set its accuracy to “unknown” if no source "
            "gives it."
        )
    elif effective_on > today:
        problems[EFFECTIVE_ON] = "The date a status took effect cannot be in the future."
    if not note or not note.strip():
        problems[NOTE] = "Explain the change of status in a note."
    elif problem := control_character_problem(note):
        problems[NOTE] = problem
    if subject.pk and new_status == current_status(subject):
        label = dict(type(subject).Status.choices).get(new_status, new_status)
        problems[STATUS] = (
            f"It is already “{label}”: a step must change the status. If you checked it against new "
            "evidence without a change, mark it reviewed instead."
        )
    definition = definitions_for(type(subject)).get(new_status)
    problem = evidence_problem(sources, strong=bool(definition and definition.strong_evidence))
    if problem:
        problems[SOURCES] = problem
    elif (
        effective_on
        and EFFECTIVE_ON not in problems
        and (problem := evidence_date_problem(effective_on, sources))
    ):
        problems[EFFECTIVE_ON] = problem
    if isinstance(subject, Commitment) and new_status == Commitment.Status.NOT_ACHIEVED:
        if subject.target_date is None:
            problems[STATUS] = "“Not achieved” needs a target date, and only once that date has passed."
        elif subject.target_date >= today:
            problems[STATUS] = (
                f"“Not achieved” is allowed only after the target date ({subject.target_date:%d %B %Y}) "
                "has passed."
            )
    if subject.pk and effective_on and EFFECTIVE_ON not in problems:
        latest = (
            subject.status_changes.exclude(effective_on=None)
            .order_by("-effective_on")
            .values_list("effective_on", flat=True)
            .first()
        )
        if latest and effective_on < latest:
            problems[EFFECTIVE_ON] = (
                f"The latest recorded change took effect on {latest:%d %B %Y}; a new status cannot take "
                "effect before it. To correct an earlier record, edit its note or sources."
            )
    return problems


def current_status(subject):
    return type(subject).objects.filter(pk=subject.pk).values_list("status", flat=True).first()


def evidence_date_problem(effective_on, sources):
    """A source cannot attest to what happened after it was written: a step dated later than every
    one of its dated sources is refused. A source whose date is unknown could be later, so it
    allows the date (the form says which sources are undated)."""
    sources = list(sources)
    if not sources or any(source.published_on is None for source in sources):
        return None
    latest = max(source.published_on for source in sources)
    if effective_on > latest:
        return (
            f"Its sources were published by {latest:%d %B %Y}: none can report a step on "
            f"{effective_on:%d %B %Y}. Cite a source published on or after that day."
        )
    return None


def undated_sources(sources):
    """The sources whose publication date is unknown, which cannot confirm a step's date."""
    return [source for source in sources if source.published_on is None]


@transaction.atomic
def change_status(
    *,
    subject,
    new_status,
    effective_on,
    note,
    sources,
    date_accuracy=DateAccuracy.EXACT,
    user=None,
    reviewed_by=None,
):
    """Set a commitment's or agreement's status and record the step, both or neither.

    `subject` is saved here (with any other pending edits on it), so its audit record and the
    status-history record land in the same transaction. Raises ValidationError with the
    problems keyed by code.
    """
    problems = status_change_problems(
        subject=subject,
        new_status=new_status,
        effective_on=effective_on,
        date_accuracy=date_accuracy,
        note=note,
        sources=sources,
    )
    if problems:
        raise ValidationError(problems)
    old_status = ""
    if subject.pk:
        old_status = (
            type(subject).objects.filter(pk=subject.pk).values_list("status", flat=True).first() or ""
        )
        if not subject.status_changes.exists():
            old_status = ""  # the first record of a timeline has no "before"
    subject.status = new_status
    subject.last_reviewed_on = timezone.localdate()
    subject.save()
    change = StatusChange.objects.create(
        commitment=subject if isinstance(subject, Commitment) else None,
        agreement=subject if isinstance(subject, Agreement) else None,
        effective_on=effective_on or None,
        date_accuracy=date_accuracy,
        old_status=old_status,
        new_status=new_status,
        note=note.strip(),
        recorded_by=user,
        reviewed_by=reviewed_by,
    )
    change.sources.set(sources)
    return change


@transaction.atomic
def save_record(*, subject, loaded_version, status_step=None, user=None):
    """An editor's save of a commitment or agreement: a stale copy is refused (StaleEdit), and
    a change of status is saved with its history record (`status_step`: the arguments of
    change_status other than subject and user)."""
    if subject.pk:
        claim_version(subject, loaded_version)
    if status_step:
        return change_status(subject=subject, user=user, **status_step)
    subject.save()
    return None
