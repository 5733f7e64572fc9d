from django.db.models import Max
from django.shortcuts import render

from .. import compliance, freshness
from ..charts import bars, target_segments
from ..models import Agreement, Commitment, CountryAssessment
from .common import (
    commitments_by_area,
    countries_without_a_row,
    current_progress,
    last_updated,
    recent_changes,
    status_counts,
)

LATEST_CHANGES = 8


def last_review():
    """The latest day an editor checked a commitment, an agreement or a country's verdict."""
    days = [
        model.objects.public().aggregate(day=Max("last_reviewed_on"))["day"]
        for model in (Commitment, Agreement, CountryAssessment)
    ]
    return max((day for day in days if day), default=None)


def counts():
    """The home page's tallies over every record, kept with the data version: at +100,000
    agreements they were half of the page's time."""
    return {
        "area_mix": commitments_by_area(Commitment.objects.public()),
        "commitment_statuses": status_counts(Commitment.objects.public(), Commitment.Status.choices),
        "agreement_statuses": status_counts(Agreement.objects.public(), Agreement.Status.choices),
        "pledge_total": Commitment.objects.public().filter(same_pledge_as=None).count(),
        "last_review": last_review(),
    }


def home(request):
    target, progress = current_progress()
    context = {
        "target": target,
        "progress": progress,
        "segments": target_segments(progress) if progress else [],
        "country_bars": bars(progress.by_country) if progress else [],
        "countries_without_a_row": countries_without_a_row(progress) if progress else [],
        "sector_bars": bars(progress.by_sector) if progress else [],
        "changes": recent_changes(LATEST_CHANGES),
        "last_updated": last_updated(),
        **freshness.kept("home counts", counts),
    }
    context["commitment_total"] = sum(count for _v, _l, count in context["commitment_statuses"])
    unassessed = {value: count for value, _label, count in context["commitment_statuses"]}
    context["commitments_assessed"] = context["commitment_total"] - unassessed[Commitment.Status.NOT_ASSESSED]
    scores = compliance.by_country().values()
    context["pairs_shared"] = sum(score.shared for score in scores)
    context["pairs_assessed"] = sum(score.assessed for score in scores)
    context["agreement_total"] = sum(count for _v, _l, count in context["agreement_statuses"])
    return render(request, "tracker/home.html", context)
