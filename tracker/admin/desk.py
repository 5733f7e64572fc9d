"""The editors' desk: the admin's home page, where an editor starts. Changes waiting for their
review, their own changes returned to them or still waiting, records due for a check, records
whose status rests on one source, and recent changes by others; each line one click from the
thing to do."""

import datetime

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from ..models import Agreement, Commitment, CountryAssessment, Proposal, StatusChange

SHOWN = 15  # lines per section; each section says how many there are in all


def desk(request):
    user = request.user
    proposals = Proposal.objects.select_related(
        "commitment", "agreement", "country", "proposed_by", "reviewed_by"
    )
    waiting = proposals.for_review_by(user).order_by("proposed_at", "pk")
    mine = proposals.filter(proposed_by=user)
    returned = [
        proposal for proposal in mine.filter(state=Proposal.State.RETURNED)[:50] if not superseded(proposal)
    ]
    return {
        "second_editor_required": settings.REQUIRE_SECOND_EDITOR,
        "waiting": waiting[:SHOWN],
        "waiting_total": waiting.count(),
        "returned": returned[:SHOWN],
        "mine_pending": mine.pending()[:SHOWN],
        "due": due_for_review()[:SHOWN],
        "due_total": sum(
            model.objects.public().filter(due_filter()).count() for model in (Commitment, Agreement)
        ),
        "one_source": resting_on_one_source()[:SHOWN],
        "recent_by_others": recent_by_others(user)[:SHOWN],
        "review_interval": settings.REVIEW_INTERVAL_DAYS,
    }


def superseded(proposal):
    """A returned proposal its author has proposed again since (same kind, same record)."""
    later = Proposal.objects.filter(
        proposed_by=proposal.proposed_by_id,
        kind=proposal.kind,
        commitment=proposal.commitment_id,
        agreement=proposal.agreement_id,
        country=proposal.country_id,
        proposed_at__gt=proposal.proposed_at,
    )
    return later.exists()


def due_filter():
    cutoff = timezone.localdate() - datetime.timedelta(days=settings.REVIEW_INTERVAL_DAYS)
    return Q(last_reviewed_on__isnull=True) | Q(last_reviewed_on__lte=cutoff)


def due_for_review():
    """Published records whose next check is due, never-checked and longest-unchecked first."""
    lines = []
    for model in (Commitment, Agreement):
        records = model.objects.public().filter(due_filter()).order_by("last_reviewed_on", "title")
        lines += [
            (record, model._meta.model_name)
            for record in records.only("pk", "title", "last_reviewed_on")[:SHOWN]
        ]
    return sorted(lines, key=lambda line: (line[0].last_reviewed_on or datetime.date.min, line[0].title))


def resting_on_one_source():
    """Records whose current status rests on a single source: a second one makes it sturdier."""
    lines = []
    for model, field in ((Commitment, "commitment"), (Agreement, "agreement")):
        latest = StatusChange.objects.filter(**{field: OuterRef("pk")}).latest_first().values("pk")[:1]
        count = (
            StatusChange.sources.through.objects.filter(statuschange=OuterRef("latest_step"))
            .order_by()
            .values("statuschange")
            .annotate(n=Count("*"))
            .values("n")
        )
        records = (
            model.objects.public()
            .annotate(latest_step=Subquery(latest))
            .annotate(sources_count=Subquery(count, output_field=IntegerField()))
            .filter(sources_count=1)
            .order_by("title")
            .only("pk", "title", "status")
        )
        lines += [(record, model._meta.model_name) for record in records[:SHOWN]]
    return lines


def recent_by_others(user):
    """The latest audited changes other editors made to commitments, agreements and verdicts."""
    histories = []
    for model in (Commitment, Agreement, CountryAssessment):
        rows = (
            model.history.exclude(history_user=user)
            .exclude(history_user=None)
            .select_related("history_user")
            .order_by("-history_date")[:SHOWN]
        )
        histories.append((model, rows))
    lines = [
        {
            "when": row.history_date,
            "who": row.history_user,
            "what": str(row.instance),
            "kind": model._meta.verbose_name,
            "reason": row.history_change_reason,
            "url": reverse(f"admin:tracker_{model._meta.model_name}_history", args=[row.id]),
        }
        for model, rows in histories
        for row in rows
    ]
    return sorted(lines, key=lambda line: line["when"], reverse=True)
