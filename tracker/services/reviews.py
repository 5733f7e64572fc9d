"""A second editor before publication: every change readers would see (a status, a value, a tie
to the target, a country's verdict, new records) is proposed here and written only when another
editor approves it; nothing in a proposal is public. With REQUIRE_SECOND_EDITOR off, a proposal
is approved as it is made, and the audit trail shows its one editor.

Every path that changes these (the admin's short forms, the bulk actions, the CSV imports)
proposes through this module, under the rules of tracker.services.status and .assessments. An
approval is refused when it is stale (the proposal was reviewed meanwhile, or the record no
longer holds what the proposal replaces): it never undoes a change made since.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..method import evidence_problem
from ..models import Agreement, Commitment, CountryAssessment, Proposal
from ..text import control_character_problem
from .assessments import assessment_problems, record_assessment
from .editing import StaleEdit, changes_since, claim_version
from .status import change_status, status_change_problems, target_link_problems

# The fields a value proposal changes together: the figure, its reading, and what decides how it
# counts (its signing date, and the package it is itemized from).
VALUE_FIELDS = (
    "amount",
    "currency",
    "value_exactness",
    "value_as_reported",
    "value_reading",
    "signed_on",
    "signed_on_accuracy",
    "is_aggregate",
    "part_of",
    "part_of_basis",
    "part_of_note",
)
TARGET_LINK_FIELDS = ("target_link", "target_link_note")


class StaleProposal(Exception):
    """The proposal was reviewed meanwhile, or the record changed since it was proposed."""


def second_editor_required():
    return settings.REQUIRE_SECOND_EDITOR


def _json(value):
    """A field's value as a proposal stores it (JSON): dates as ISO text, amounts as text, records
    by id."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    return value


def _field_values(record, fields):
    return {name: _json(getattr(record, record._meta.get_field(name).attname)) for name in fields}


def _from_json(model, name, value):
    field = model._meta.get_field(name)
    if value is None or value == "":
        return value if not field.is_relation else None
    return field.to_python(value) if not field.is_relation else value


def _note_problem(note):
    if not (note or "").strip():
        return _("Say what changed and how the sources show it.")
    return control_character_problem(note)


def _create(*, kind, user, note, sources, payload, before, **subject):
    proposal = Proposal.objects.create(
        kind=kind, proposed_by=user, note=note.strip(), payload=payload, before=before, **subject
    )
    proposal.sources.set(sources)
    if not second_editor_required():
        _apply(proposal, reviewer=None)
    return proposal


# --- Proposing -------------------------------------------------------------------------------


@transaction.atomic
def propose_status(*, subject, new_status, effective_on, date_accuracy, note, sources, user):
    """A status step for a commitment or agreement, under the status rules (tracker.services.status)."""
    sources = list(sources or [])
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
    return _create(
        kind=Proposal.Kind.STATUS,
        user=user,
        note=note,
        sources=sources,
        payload={"status": new_status, "effective_on": _json(effective_on), "date_accuracy": date_accuracy},
        before={"status": subject.status},
        **_subject(subject),
    )


@transaction.atomic
def propose_status_of_many(*, model, versions, new_status, effective_on, date_accuracy, note, sources, user):
    """One status, date, note and sources for several records, one proposal each; all or nothing.
    `versions` maps each record's id to the version the editor selected: a record changed since
    is refused (StaleEdit), as the editor did not see its new state."""
    records = list(model.objects.filter(pk__in=versions).order_by("pk"))
    if len(records) != len(versions):
        raise ValidationError(
            _("Some of the selected items no longer exist; go back to the list and select again.")
        )
    proposals = []
    for record in records:
        if record.version != versions[record.pk]:
            raise StaleEdit(record, changes_since(record, versions[record.pk]))
        try:
            proposals.append(
                propose_status(
                    subject=record,
                    new_status=new_status,
                    effective_on=effective_on,
                    date_accuracy=date_accuracy,
                    note=note,
                    sources=sources,
                    user=user,
                )
            )
        except ValidationError as error:
            raise ValidationError(f"{record}: {' '.join(error.messages)}") from error
    return proposals


@transaction.atomic
def propose_value(*, agreement, values, note, sources, user):
    """New values for an agreement's figure (VALUE_FIELDS), checked by the model's own rules."""
    sources = list(sources or [])
    candidate = Agreement.objects.get(pk=agreement.pk)
    before = _field_values(candidate, VALUE_FIELDS)
    for name, value in values.items():
        field = Agreement._meta.get_field(name)
        if field.is_relation and not isinstance(value, Agreement):
            name = field.attname  # an id, as an import reads it
        setattr(candidate, name, value)
    problems = {}
    try:
        candidate.full_clean(validate_unique=False)
    except ValidationError as error:
        problems = {name: " ".join(messages) for name, messages in error.message_dict.items()}
    if problem := _note_problem(note):
        problems["note"] = problem
    if problem := evidence_problem(sources, strong=False):
        problems["sources"] = problem
    payload = _field_values(candidate, VALUE_FIELDS)
    if payload == before and not problems:
        problems["amount"] = _("Nothing changed: these are its values already.")
    if problems:
        raise ValidationError(problems)
    return _create(
        kind=Proposal.Kind.VALUE,
        user=user,
        note=note,
        sources=sources,
        payload=payload,
        before=before,
        agreement=agreement,
    )


@transaction.atomic
def propose_target_link(*, agreement, target_link, target_link_note, sources, user):
    """How a source ties the agreement to the target; anything but "reported" cites the source."""
    sources = list(sources or [])
    problems = target_link_problems(target_link=target_link, sources=sources)
    if target_link not in Agreement.TargetLink.values:
        problems["target_link"] = _("Choose how the sources tie it to the target.")
    if problem := control_character_problem(target_link_note):
        problems["target_link_note"] = problem
    before = {
        **_field_values(agreement, TARGET_LINK_FIELDS),
        "sources": sorted(agreement.target_link_sources.values_list("pk", flat=True)),
    }
    payload = {"target_link": target_link, "target_link_note": (target_link_note or "").strip()}
    if {**payload, "sources": sorted(source.pk for source in sources)} == before and not problems:
        problems["target_link"] = _("Nothing changed: this is its tie to the target already.")
    if problems:
        raise ValidationError(problems)
    return _create(
        kind=Proposal.Kind.TARGET_LINK,
        user=user,
        note=target_link_note or _("Tie to the target changed."),
        sources=sources,
        payload=payload,
        before=before,
        agreement=agreement,
    )


@transaction.atomic
def propose_verdict(*, commitment, country, verdict, assessed_on, rationale, sources, user):
    """A country's verdict on a shared commitment (tracker.services.assessments' rules)."""
    sources = list(sources or [])
    problems = assessment_problems(
        commitment=commitment,
        country=country,
        verdict=verdict,
        assessed_on=assessed_on,
        rationale=rationale,
        sources=sources,
    )
    if problems:
        raise ValidationError(problems)
    current = CountryAssessment.objects.filter(commitment=commitment, country=country).first()
    return _create(
        kind=Proposal.Kind.VERDICT,
        user=user,
        note=rationale,
        sources=sources,
        payload={"verdict": verdict, "assessed_on": _json(assessed_on)},
        before={"verdict": current.verdict, "version": current.version} if current else {},
        commitment=commitment,
        country=country,
    )


@transaction.atomic
def propose_publication(*, records, note, user, sources=()):
    """New records, written unpublished, made public together when approved."""
    records = list(records)
    payload = {
        "commitments": sorted(r.pk for r in records if isinstance(r, Commitment)),
        "agreements": sorted(r.pk for r in records if isinstance(r, Agreement)),
    }
    subject = _subject(records[0]) if len(records) == 1 else {}
    return _create(
        kind=Proposal.Kind.PUBLICATION,
        user=user,
        note=note,
        sources=list(sources),
        payload=payload,
        before={},
        **subject,
    )


def _subject(record):
    return {"commitment": record} if isinstance(record, Commitment) else {"agreement": record}


def unpublished_unless_reviewed():
    """Whether a record an editor adds starts unpublished (it waits for its approval)."""
    return second_editor_required()


# --- Reviewing -------------------------------------------------------------------------------


def _claim(proposal, loaded_version):
    """Take the proposal for review if it is still pending at the version the reviewer saw."""
    claimed = Proposal.objects.filter(pk=proposal.pk, version=loaded_version, state=Proposal.State.PENDING)
    if not claimed.update(version=loaded_version + 1):
        current = Proposal.objects.select_related("reviewed_by").get(pk=proposal.pk)
        if current.state != Proposal.State.PENDING:
            who = current.reviewed_by or current.proposed_by
            raise StaleProposal(
                _("%(who)s has already dealt with this proposal (%(state)s): nothing was changed.")
                % {"who": who or _("someone"), "state": current.get_state_display()}
            )
        raise StaleProposal(_("This proposal changed after you opened it: open it again."))
    proposal.version = loaded_version + 1


@transaction.atomic
def approve(*, proposal, reviewer, loaded_version):
    """Publish a proposal: refused for its own author (while a second editor is required), when
    reviewed meanwhile, or when its record no longer holds what it replaces."""
    if second_editor_required() and reviewer is not None and proposal.proposed_by_id == reviewer.pk:
        raise ValidationError(_("You proposed this change: another editor must approve it."))
    _claim(proposal, loaded_version)
    _apply(proposal, reviewer=reviewer)
    return proposal


@transaction.atomic
def return_to_author(*, proposal, reviewer, comment, loaded_version):
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say why it goes back, so its author can act on it.")})
    if problem := control_character_problem(comment):
        raise ValidationError({"comment": problem})
    _claim(proposal, loaded_version)
    proposal.state = Proposal.State.RETURNED
    proposal.reviewed_by, proposal.reviewed_at = reviewer, timezone.now()
    proposal.review_comment = comment.strip()
    proposal.save()
    return proposal


@transaction.atomic
def withdraw(*, proposal, user, loaded_version):
    if proposal.proposed_by_id != user.pk:
        raise ValidationError(_("Only its author can withdraw a proposal."))
    _claim(proposal, loaded_version)
    proposal.state = Proposal.State.WITHDRAWN
    proposal.save()
    return proposal


def _apply(proposal, *, reviewer):
    """Write what the proposal says, as its author's change approved by `reviewer`."""
    author = proposal.proposed_by
    reason = _("Proposed by %(author)s; approved by %(reviewer)s (proposal %(number)d)") % {
        "author": author or _("someone"),
        "reviewer": reviewer or _("no second editor (not required)"),
        "number": proposal.pk,
    }
    apply = {
        Proposal.Kind.STATUS: _apply_status,
        Proposal.Kind.VALUE: _apply_value,
        Proposal.Kind.TARGET_LINK: _apply_target_link,
        Proposal.Kind.VERDICT: _apply_verdict,
        Proposal.Kind.PUBLICATION: _apply_publication,
    }[proposal.kind]
    apply(proposal, author=author, reviewer=reviewer, reason=reason)
    proposal.state = Proposal.State.APPROVED
    proposal.reviewed_by, proposal.reviewed_at = reviewer, timezone.now()
    proposal.save()


def _locked(model, pk):
    return model.objects.select_for_update().get(pk=pk)


def _stale_unless(condition):
    if not condition:
        raise StaleProposal(
            _(
                "The record changed since this was proposed, so approving it would undo that change: "
                "return it to its author to propose again from the record as it is now."
            )
        )


def _apply_status(proposal, *, author, reviewer, reason):
    model = Commitment if proposal.commitment_id else Agreement
    subject = _locked(model, proposal.commitment_id or proposal.agreement_id)
    _stale_unless(subject.status == proposal.before["status"])
    claim_version(subject, subject.version)  # an editor's form opened before is now stale
    subject._change_reason = reason
    payload = proposal.payload
    effective_on = payload["effective_on"]
    change_status(
        subject=subject,
        new_status=payload["status"],
        effective_on=datetime.date.fromisoformat(effective_on) if effective_on else None,
        date_accuracy=payload["date_accuracy"],
        note=proposal.note,
        sources=list(proposal.sources.all()),
        user=author,
        reviewed_by=reviewer,
    )


def _apply_value(proposal, *, author, reviewer, reason):
    agreement = _locked(Agreement, proposal.agreement_id)
    _stale_unless(_field_values(agreement, VALUE_FIELDS) == proposal.before)
    claim_version(agreement, agreement.version)
    for name, value in proposal.payload.items():
        setattr(agreement, agreement._meta.get_field(name).attname, _from_json(Agreement, name, value))
    agreement._change_reason = reason
    agreement.save()


def _apply_target_link(proposal, *, author, reviewer, reason):
    agreement = _locked(Agreement, proposal.agreement_id)
    current = {
        **_field_values(agreement, TARGET_LINK_FIELDS),
        "sources": sorted(agreement.target_link_sources.values_list("pk", flat=True)),
    }
    _stale_unless(current == proposal.before)
    claim_version(agreement, agreement.version)
    agreement.target_link = proposal.payload["target_link"]
    agreement.target_link_note = proposal.payload["target_link_note"]
    agreement._change_reason = reason
    agreement.save()
    agreement.target_link_sources.set(proposal.sources.all())


def _apply_verdict(proposal, *, author, reviewer, reason):
    current = CountryAssessment.objects.filter(
        commitment_id=proposal.commitment_id, country_id=proposal.country_id
    ).first()
    now = {"verdict": current.verdict, "version": current.version} if current else {}
    _stale_unless(now == proposal.before)
    try:
        assessment = record_assessment(
            commitment=proposal.commitment,
            country=proposal.country,
            verdict=proposal.payload["verdict"],
            assessed_on=datetime.date.fromisoformat(proposal.payload["assessed_on"]),
            rationale=proposal.note,
            sources=list(proposal.sources.all()),
            user=author,
            loaded_version=current.version if current else None,
            reviewed_by=reviewer,
            reason=reason,
        )
    except StaleEdit as stale:
        raise StaleProposal(str(stale)) from stale
    return assessment


def _apply_publication(proposal, *, author, reviewer, reason):
    for model, key in ((Commitment, "commitments"), (Agreement, "agreements")):
        for record in model.objects.select_for_update().filter(pk__in=proposal.payload[key]).order_by("pk"):
            if record.is_published:
                continue
            record.is_published = True
            record._change_reason = reason
            record.save(update_fields=["is_published", "updated_at"])
            # Its first steps go public with it, reviewed with it.
            record.status_changes.filter(reviewed_by=None).update(reviewed_by=reviewer)
