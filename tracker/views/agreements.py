from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from ..filters import AgreementFilter
from ..models import Agreement, AgreementParty, Commitment, StatusChange
from .common import current_progress, follows_renamed_slugs, render_filtered_list


def agreement_list(request):
    queryset = (
        Agreement.objects.public()
        .select_related("yen_rate")
        .prefetch_related(AgreementParty.objects.prefetch())
    )
    filterset = AgreementFilter(request.GET, queryset=queryset, request=request)
    return render_filtered_list(request, filterset, "tracker/agreement_list.html")


@follows_renamed_slugs(Agreement)
def agreement_detail(request, slug):
    agreement = get_object_or_404(
        Agreement.objects.public()
        .select_related("part_of", "yen_rate__source")
        .prefetch_related(
            AgreementParty.objects.prefetch(with_sources=True),
            "sectors",
            "sources",
            "target_link_sources",
            Prefetch("commitments", queryset=Commitment.objects.public().order_by("title")),
            Prefetch("status_changes", queryset=StatusChange.objects.timeline()),
            Prefetch("parts", queryset=Agreement.objects.public().order_by("title")),
        ),
        slug=slug,
    )
    target, progress = current_progress()
    context = {
        "agreement": agreement,
        "target": target,
        "line": progress.line_for(agreement) if progress else None,
    }
    return render(request, "tracker/agreement_detail.html", context)
