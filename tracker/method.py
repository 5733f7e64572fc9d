"""The assessment method: what every status and verdict means and the evidence each needs.

One place for the definitions readers see on /method/, editors see beside the status field,
and the write paths enforce (`evidence_problem`), so the three never disagree.
"""

from typing import NamedTuple

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Agreement, Commitment, Verdict

ANY_SOURCE = _("At least one source that is not an opinion piece.")
STRONG = _(
    "A primary or official source, or reports by two independent publishers; an opinion piece never suffices."
)


class Definition(NamedTuple):
    meaning: str
    strong_evidence: bool = False  # needs an official source or two independent reports

    @property
    def evidence(self):
        return STRONG if self.strong_evidence else ANY_SOURCE


COMMITMENT_STATUSES = {
    Commitment.Status.NOT_ASSESSED: Definition(
        _(
            "No editor has yet weighed this commitment against evidence. It does not mean that nothing "
            "has been done: every commitment starts here."
        )
    ),
    Commitment.Status.NOT_STARTED: Definition(_("A source reports that work on it has not begun.")),
    Commitment.Status.IN_PROGRESS: Definition(
        _(
            "A source reports concrete steps toward it (a body set up, money allocated, work begun); "
            "it is not yet fulfilled."
        )
    ),
    Commitment.Status.STALLED: Definition(
        _("Work reported earlier has stopped or been put off, as a source reports.")
    ),
    Commitment.Status.PARTIALLY_ACHIEVED: Definition(
        _("Part of what was promised is done and the rest is not."), strong_evidence=True
    ),
    Commitment.Status.ACHIEVED: Definition(_("What was promised is done, in full."), strong_evidence=True),
    Commitment.Status.NOT_ACHIEVED: Definition(
        _("Its target date has passed and it was not fulfilled; only given once a target date has passed."),
        strong_evidence=True,
    ),
}

AGREEMENT_STATUSES = {
    Agreement.Status.REPORTED: Definition(
        _(
            "A source mentions it (presented, launched, under way) without saying how far it has got. "
            "It is where an agreement starts when no stage is stated."
        )
    ),
    Agreement.Status.SIGNED: Definition(_("A source reports that the document was signed.")),
    Agreement.Status.IN_PREPARATION: Definition(
        _("Work to prepare it (studies, design, negotiation, approvals) is reported; no financing yet.")
    ),
    Agreement.Status.FINANCING_COMMITTED: Definition(
        _("A lender or investor has committed the money (a loan signed, an investment decided).")
    ),
    Agreement.Status.IN_IMPLEMENTATION: Definition(
        _("Construction, delivery or the agreed work has begun, as a source reports.")
    ),
    Agreement.Status.COMPLETED: Definition(
        _("The project is finished or the agreement fulfilled."), strong_evidence=True
    ),
    Agreement.Status.SUSPENDED: Definition(_("It is on hold, as a source reports; it may resume.")),
    Agreement.Status.CANCELLED: Definition(
        _("The parties abandoned it before it was carried out."), strong_evidence=True
    ),
    Agreement.Status.TERMINATED_EARLY: Definition(
        _("It ended before its term, after it had taken effect."), strong_evidence=True
    ),
}

VERDICTS = {
    Verdict.FULL: Definition(
        _("Score +1: the country has done what the commitment asks of it, fully or nearly fully."),
        strong_evidence=True,
    ),
    Verdict.PARTIAL: Definition(
        _("Score 0: the country has taken some of the steps the commitment asks, or work is under way.")
    ),
    Verdict.NONE: Definition(
        _("Score −1: the country has not acted on the commitment, or has acted against it."),
        strong_evidence=True,
    ),
}


def definitions_for(model):
    return COMMITMENT_STATUSES if model is Commitment else AGREEMENT_STATUSES


def evidence_problem(sources, *, strong):
    """Why `sources` cannot carry a status or verdict, or None.

    Every one needs a source that is not an opinion piece; a strong claim (done, failed,
    abandoned) needs an official source or reports by two publishers named and different.
    """
    sources = list(sources or [])
    if not sources:
        return _("Cite at least one source.")
    factual = [source for source in sources if not source.is_opinion]
    if not factual:
        return _(
            "An opinion piece cannot carry this on its own: cite a news report, an official document or "
            "an analysis as well."
        )
    if strong:
        official = any(source.kind == source.Kind.OFFICIAL for source in factual)
        publishers = {source.publisher.strip().casefold() for source in factual if source.publisher.strip()}
        if not official and len(publishers) < 2:
            return _(
                "This needs a primary or official source, or reports by two independent publishers (each "
                "source's publisher given); an opinion piece never counts."
            )
    return None


def review_interval_days():
    return settings.REVIEW_INTERVAL_DAYS
