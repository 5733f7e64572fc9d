from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from ..filters import AgreementFilter
from ..models import Agreement, AgreementCommitment, AgreementParty, Commitment, StatusChange
from ..models.agreements import AgreementQuerySet
from ..progress import line_for
from .common import current_progress, follows_renamed_slugs, render_filtered_list


def agreement_list(request):
    queryset = Agreement.objects.public().for_table()  # countries: the table's own query
    filterset = AgreementFilter(request.GET, queryset=queryset, request=request)
    return render_filtered_list(
        request, filterset, "tracker/agreement_list.html", fields=AgreementQuerySet.TABLE_FIELDS
    )


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
            Prefetch(
                "commitment_links",
                queryset=AgreementCommitment.objects.filter(commitment__in=Commitment.objects.public())
                .select_related("commitment")
                .prefetch_related("sources")
                .order_by("commitment__title"),
                to_attr="public_commitment_links",
            ),
            Prefetch("status_changes", queryset=StatusChange.objects.timeline()),
            Prefetch("parts", queryset=Agreement.objects.public().order_by("title")),
        ),
        slug=slug,
    )
    target, progress = current_progress()
    context = {
        "agreement": agreement,
        "commitment_links": agreement.public_commitment_links,
        "target": target,
        "line": line_for(agreement) if progress else None,
    }
    return render(request, "tracker/agreement_detail.html", context)
