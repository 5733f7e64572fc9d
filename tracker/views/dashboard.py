from django.db.models import Count
from django.shortcuts import render

from ..charts import bars, status_mix, target_segments
from ..models import Agreement, Commitment, PriorityArea
from .common import countries_without_a_row, current_progress, last_updated, recent_changes, status_counts

LATEST_CHANGES = 8


def area_status_mix():
    """Commitments per priority area and status (areas first, then those with none); one query each."""
    rows = (
        Commitment.objects.public().order_by().values_list("priority_area", "status").annotate(n=Count("pk"))
    )
    counts = {}
    for area_id, status, number in rows:
        counts.setdefault(area_id, {})[status] = number
    groups = [(area, counts.get(area.pk, {})) for area in PriorityArea.objects.all()]
    if None in counts:
        groups.append((None, counts[None]))
    choices = Commitment.Status.choices
    return [
        (area, status_mix([(value, label, by_status.get(value, 0)) for value, label in choices]))
        for area, by_status in groups
    ]


def home(request):
    target, progress = current_progress()
    context = {
        "target": target,
        "progress": progress,
        "segments": target_segments(progress) if progress else [],
        "country_bars": bars(progress.by_country) if progress else [],
        "countries_without_a_row": countries_without_a_row(progress) if progress else [],
        "sector_bars": bars(progress.by_sector) if progress else [],
        "area_mix": area_status_mix(),
        "commitment_statuses": status_counts(Commitment.objects.public(), Commitment.Status.choices),
        "agreement_statuses": status_counts(Agreement.objects.public(), Agreement.Status.choices),
        "pledge_total": Commitment.objects.public().filter(same_pledge_as=None).count(),
        "changes": recent_changes(LATEST_CHANGES),
        "last_updated": last_updated(),
    }
    context["commitment_total"] = sum(count for _v, _l, count in context["commitment_statuses"])
    context["agreement_total"] = sum(count for _v, _l, count in context["agreement_statuses"])
    return render(request, "tracker/home.html", context)
