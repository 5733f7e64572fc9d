from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone

from ..charts import bars, stacked_segments, status_mix
from ..models import Commitment, PriorityArea, StatusChange, Target
from ..progress import compute_progress
from .common import agreement_status_counts, commitment_status_counts, last_updated

LATEST_CHANGES = 8


def current_progress():
    target = Target.objects.prefetch_related("sources").first()
    if target is None:
        return None, None
    return target, compute_progress(target=target, on_date=timezone.localdate())


def recent_changes(limit):
    return StatusChange.objects.latest_first().select_related("commitment", "agreement")[:limit]


def area_status_mix():
    """Commitments per priority area and status (areas first, then those with none); one query each."""
    rows = Commitment.objects.order_by().values_list("priority_area", "status").annotate(n=Count("pk"))
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
        "segments": stacked_segments(progress.by_tier, target.amount) if progress else [],
        "country_bars": bars(progress.by_country) if progress else [],
        "sector_bars": bars(progress.by_sector) if progress else [],
        "area_mix": area_status_mix(),
        "commitment_statuses": commitment_status_counts(),
        "agreement_statuses": agreement_status_counts(),
        "changes": recent_changes(LATEST_CHANGES),
        "last_updated": last_updated(),
    }
    context["commitment_total"] = sum(count for _v, _l, count in context["commitment_statuses"])
    context["agreement_total"] = sum(count for _v, _l, count in context["agreement_statuses"])
    return render(request, "tracker/home.html", context)
