from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from ..filters import AgreementFilter
from ..models import Agreement, AgreementParty, Commitment, ExchangeRate, StatusChange
from ..progress import convert, group_rates
from .commitments import timeline
from .common import current_progress, render_filtered_list

PARTY_ROLES = Prefetch("party_roles", queryset=AgreementParty.objects.select_related("party"))


def agreement_list(request):
    queryset = Agreement.objects.with_yen_value().prefetch_related(PARTY_ROLES)
    filterset = AgreementFilter(request.GET, queryset=queryset, request=request)
    return render_filtered_list(request, filterset, "tracker/agreement_list.html")


def agreement_detail(request, slug):
    agreement = get_object_or_404(
        Agreement.objects.select_related("part_of").prefetch_related(
            PARTY_ROLES,
            "sectors",
            "sources",
            Prefetch("commitments", queryset=Commitment.objects.order_by("title")),
            Prefetch("status_changes", queryset=timeline(StatusChange.objects.all())),
            Prefetch("parts", queryset=Agreement.objects.order_by("title")),
        ),
        slug=slug,
    )
    target, progress = current_progress()
    rates = group_rates(ExchangeRate.objects.filter(currency=agreement.currency).select_related("source"))
    yen, rate = convert(agreement, rates, timezone.localdate())
    context = {
        "agreement": agreement,
        "target": target,
        "line": progress.line_for(agreement) if progress else None,
        "yen": yen,
        "rate": rate,
    }
    return render(request, "tracker/agreement_detail.html", context)
