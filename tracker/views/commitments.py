from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from ..filters import CommitmentFilter
from ..models import Agreement, Commitment, StatusChange
from .common import render_filtered_list


def commitment_list(request):
    queryset = Commitment.objects.select_related("priority_area", "proposed_by__country").prefetch_related(
        "countries"
    )
    filterset = CommitmentFilter(request.GET, queryset=queryset, request=request)
    return render_filtered_list(request, filterset, "tracker/commitment_list.html")


def timeline(queryset):
    return (
        queryset.prefetch_related("sources")
        .select_related("recorded_by")
        .order_by("-effective_on", "-recorded_at", "-pk")
    )


def commitment_detail(request, slug):
    commitment = get_object_or_404(
        Commitment.objects.select_related(
            "priority_area", "chapter", "proposed_by__country"
        ).prefetch_related(
            "countries",
            "organizations",
            "sources",
            Prefetch("status_changes", queryset=timeline(StatusChange.objects.all())),
            Prefetch("agreements", queryset=Agreement.objects.order_by("title")),
        ),
        slug=slug,
    )
    return render(request, "tracker/commitment_detail.html", {"commitment": commitment})
