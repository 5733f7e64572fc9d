from django.shortcuts import render

from ..charts import bars, target_segments
from ..models import Agreement, Commitment
from .common import (
    commitments_by_area,
    countries_without_a_row,
    current_progress,
    last_updated,
    recent_changes,
    status_counts,
)

LATEST_CHANGES = 8


def home(request):
    target, progress = current_progress()
    context = {
        "target": target,
        "progress": progress,
        "segments": target_segments(progress) if progress else [],
        "country_bars": bars(progress.by_country) if progress else [],
        "countries_without_a_row": countries_without_a_row(progress) if progress else [],
        "sector_bars": bars(progress.by_sector) if progress else [],
        "area_mix": commitments_by_area(Commitment.objects.public()),
        "commitment_statuses": status_counts(Commitment.objects.public(), Commitment.Status.choices),
        "agreement_statuses": status_counts(Agreement.objects.public(), Agreement.Status.choices),
        "pledge_total": Commitment.objects.public().filter(same_pledge_as=None).count(),
        "changes": recent_changes(LATEST_CHANGES),
        "last_updated": last_updated(),
    }
    context["commitment_total"] = sum(count for _v, _l, count in context["commitment_statuses"])
    context["agreement_total"] = sum(count for _v, _l, count in context["agreement_statuses"])
    return render(request, "tracker/home.html", context)
