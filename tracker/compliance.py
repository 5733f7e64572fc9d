"""Compliance scores in the G7 Research Group's manner: the average of verdicts (+1, 0, −1) over
the assessed pairs only, always with how many were assessed out of how many could be."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from django.db.models import Count, F

from .models import SHARED_ORIGINS, Commitment, CountryAssessment, Verdict
from .models.assessments import SCORES


@dataclass
class Compliance:
    shared: int  # the pairs that could be assessed
    verdicts: dict = field(default_factory=dict)  # {verdict: count}

    @property
    def assessed(self):
        return sum(self.verdicts.values())

    @property
    def score(self):
        """The average verdict to two places, or None when nothing is assessed: never a score from nothing."""
        if not self.assessed:
            return None
        total = sum(SCORES[verdict] * count for verdict, count in self.verdicts.items())
        return (Decimal(total) / self.assessed).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)

    def counts(self):
        """[(verdict, label, count)] in the vocabulary's order, zeros included."""
        return [(value, label, self.verdicts.get(value, 0)) for value, label in Verdict.choices]


def shared_commitments(country=None):
    commitments = Commitment.objects.public().filter(origin__in=SHARED_ORIGINS)
    return commitments.filter(countries=country) if country is not None else commitments


def standing_assessments():
    """Assessments of a commitment that is shared and still names the country."""
    return (
        CountryAssessment.objects.public()
        .filter(commitment__origin__in=SHARED_ORIGINS)
        .filter(commitment__countries=F("country"))
    )


def by_country():
    """{country id: Compliance} for every country, from two grouped counts."""
    shared = dict(
        Commitment.countries.through.objects.filter(commitment__in=shared_commitments())
        .order_by()
        .values_list("party")
        .annotate(n=Count("pk"))
    )
    result = {party: Compliance(number) for party, number in shared.items()}
    for party, verdict, number in (
        standing_assessments().order_by().values_list("country", "verdict").annotate(n=Count("pk"))
    ):
        result.setdefault(party, Compliance(0)).verdicts[verdict] = number
    return result


def for_commitment(commitment, assessments):
    """The commitment's compliance over the countries it names, from its loaded assessments."""
    named = {country.pk for country in commitment.countries.all()}
    verdicts = {}
    for assessment in assessments:
        if assessment.country_id in named:
            verdicts[assessment.verdict] = verdicts.get(assessment.verdict, 0) + 1
    return Compliance(len(named), verdicts)
