from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone

from .charts import stacked_segments
from .models import Agreement, Commitment, StatusChange, Target
from .progress import compute_progress


def status_counts(model):
    """Every status of the vocabulary with its count, zeros included, in vocabulary order."""
    counts = dict(model.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return [(value, label, counts.get(value, 0)) for value, label in model.Status.choices]


def home(request):
    target = Target.objects.first()
    progress = compute_progress(target=target, on_date=timezone.localdate()) if target else None
    context = {
        "target": target,
        "progress": progress,
        "segments": stacked_segments(progress.by_tier, target.amount) if progress else [],
        "commitment_statuses": status_counts(Commitment),
        "agreement_statuses": status_counts(Agreement),
        "commitment_total": Commitment.objects.count(),
        "agreement_total": Agreement.objects.count(),
        "latest_change": StatusChange.objects.latest_first().only("recorded_at").first(),
    }
    return render(request, "tracker/home.html", context)
