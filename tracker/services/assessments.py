"""Country assessments: one country's verdict on one shared commitment, written by every path
(admin form, several at once, CSV import, fixture) under the rules in `assessment_problems`."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..method import VERDICTS, evidence_problem
from ..models import SHARED_ORIGINS, CountryAssessment, Verdict
from ..text import control_character_problem
from .editing import claim_version


def assessment_problems(*, commitment, country, verdict, assessed_on, rationale, sources, today=None):
    """Why this assessment is not allowed, as {field: message}; empty when it is."""
    today = today or timezone.localdate()
    problems = {}
    if commitment is not None and commitment.origin not in SHARED_ORIGINS:
        problems["commitment"] = _(
            "Only a shared commitment (Declaration, Initiative, agreed by the leaders, affirmed by the "
            "Central Asian leaders) is assessed country by country; judge this one by its status."
        )
    elif (
        commitment is not None
        and country is not None
        and country.pk not in {named.pk for named in commitment.countries.all()}
    ):
        problems["country"] = _("The sources do not name this country in this commitment.")
    if verdict not in Verdict.values:
        problems["verdict"] = _("Choose a verdict.")
    if assessed_on is None:
        problems["assessed_on"] = _("Give the day the rationale was written.")
    elif assessed_on > today:
        problems["assessed_on"] = _("An assessment cannot be dated in the future.")
    if not (rationale or "").strip():
        problems["rationale"] = _(
            "Explain the verdict for readers: what the country has done, and the evidence."
        )
    elif problem := control_character_problem(rationale):
        problems["rationale"] = problem
    definition = VERDICTS.get(verdict)
    problem = evidence_problem(sources, strong=bool(definition and definition.strong_evidence))
    if problem:
        problems["sources"] = problem
    return problems


@transaction.atomic
def record_assessment(
    *,
    commitment,
    country,
    verdict,
    assessed_on,
    rationale,
    sources,
    user=None,
    loaded_version=None,
    reviewed_by=None,
    reason=None,
):
    """Create or update the assessment of `country` on `commitment`; a stale copy is refused
    (StaleEdit) and an update with no version to check against too, so no save overwrites
    another unseen. Raises ValidationError keyed by field."""
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
    assessment = CountryAssessment.objects.filter(commitment=commitment, country=country).first()
    if assessment is None:
        assessment = CountryAssessment(commitment=commitment, country=country)
    else:
        if loaded_version is None:
            raise ValidationError(
                {"country": _("This country is already assessed on this commitment: edit that assessment.")}
            )
        claim_version(assessment, loaded_version)
    assessment.verdict = verdict
    assessment.assessed_on = assessed_on
    assessment.rationale = rationale.strip()
    assessment.assessed_by = user
    assessment.reviewed_by = reviewed_by
    assessment.last_reviewed_on = timezone.localdate()
    if reason:
        assessment._change_reason = reason
    assessment.save()
    assessment.sources.set(sources)
    return assessment


@transaction.atomic
def assess_many(*, country, commitments, verdict, assessed_on, rationale, sources, user=None):
    """One country's verdict, date, rationale and sources on several commitments, none of which
    it is assessed on yet: all or nothing."""
    records = []
    for commitment in commitments:
        try:
            records.append(
                record_assessment(
                    commitment=commitment,
                    country=country,
                    verdict=verdict,
                    assessed_on=assessed_on,
                    rationale=rationale,
                    sources=sources,
                    user=user,
                )
            )
        except ValidationError as error:
            raise ValidationError(f"{commitment}: {' '.join(error.messages)}") from error
    return records
