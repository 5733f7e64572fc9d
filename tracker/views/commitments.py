from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, render

from .. import compliance
from ..filters import CommitmentFilter
from ..models import SHARED_ORIGINS, AgreementCommitment, Commitment, CountryAssessment, StatusChange, Target
from .common import follows_renamed_slugs, render_filtered_list


def commitment_list(request):
    queryset = (
        Commitment.objects.public()
        .select_related("priority_area", "proposed_by__country", "same_pledge_as")
        .prefetch_related("countries")
    )
    filterset = CommitmentFilter(request.GET, queryset=queryset, request=request)
    return render_filtered_list(request, filterset, "tracker/commitment_list.html")


@follows_renamed_slugs(Commitment)
def commitment_detail(request, slug):
    commitment = get_object_or_404(
        Commitment.objects.public()
        .select_related("priority_area", "chapter", "proposed_by__country", "same_pledge_as")
        .prefetch_related(
            "countries",
            "organizations",
            "sources",
            "chapter__sources",
            Prefetch("status_changes", queryset=StatusChange.objects.timeline()),
            Prefetch(
                "agreement_links",
                queryset=AgreementCommitment.objects.public()
                .select_related("agreement")
                .prefetch_related("sources")
                .order_by("agreement__title"),
                to_attr="public_agreement_links",
            ),
            Prefetch("echoes", queryset=Commitment.objects.public().order_by("title")),
            Prefetch(
                "assessments",
                queryset=CountryAssessment.objects.select_related("country").prefetch_related("sources"),
            ),
        ),
        slug=slug,
    )
    main = commitment.same_pledge_as or commitment
    same_pledge = (
        Commitment.objects.public()
        .filter(Q(pk=main.pk) | Q(same_pledge_as=main))
        .exclude(pk=commitment.pk)
        .select_related("proposed_by")
        .order_by("origin", "title")
        if commitment.same_pledge_as_id or commitment.echoes.all()
        else []
    )
    assessments = {assessment.country_id: assessment for assessment in commitment.assessments.all()}
    shared = commitment.origin in SHARED_ORIGINS
    context = {
        "commitment": commitment,
        "country_records": [(country, assessments.get(country.pk)) for country in commitment.countries.all()]
        if shared
        else [],
        "compliance": compliance.for_commitment(commitment, assessments.values()) if shared else None,
        "same_pledge": same_pledge,
        "agreement_links": commitment.public_agreement_links,
        "measured_target": Target.objects.filter(commitment=commitment).first(),
    }
    return render(request, "tracker/commitment_detail.html", context)
