"""Pages for what agreements and commitments are grouped by: countries, organizations,
priority areas and sectors."""

from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import get_object_or_404, render

from ..models import Agreement, AgreementParty, Commitment, Leader, Party, PriorityArea, Sector
from ..progress import Split
from .common import count_of, current_progress, status_counts

SHOWN = 50  # records listed on a group page; the rest are one click away in the filtered list


def group_context(agreements, commitments=None, *, list_query="", counted_in=None):
    """What every group page shows: its agreements' status mix and counted value, the first
    SHOWN agreements and commitments, and links to the full filtered lists.

    `counted_in(progress)` picks the group's counted value from the kept computation where it
    has one (countries, sectors); otherwise it is summed from the group's agreement ids."""
    _target, progress = current_progress()
    statuses = status_counts(agreements, Agreement.Status.choices)
    if progress is None:
        counted = None
    elif counted_in is not None:
        counted = counted_in(progress)
    else:
        counted = progress.amount_for(agreements.values_list("pk", flat=True))
    context = {
        "agreements": list(
            agreements.select_related("yen_rate")
            .prefetch_related(AgreementParty.objects.prefetch())
            .order_by("title")[:SHOWN]
        ),
        "agreement_total": sum(count for _value, _label, count in statuses),
        "agreement_statuses": statuses,
        "counted": counted,
        "list_query": list_query,
        "shown": SHOWN,
    }
    if commitments is not None:
        context["commitments"] = list(
            commitments.select_related("priority_area", "proposed_by").order_by("title")[:SHOWN]
        )
        context["commitment_statuses"] = status_counts(commitments, Commitment.Status.choices)
        context["commitment_total"] = sum(count for _value, _label, count in context["commitment_statuses"])
    return context


def country_list(request):
    countries = (
        Party.objects.countries()
        .prefetch_related(Prefetch("leaders", queryset=Leader.objects.order_by("name")))
        .annotate(
            agreement_count=count_of(
                AgreementParty.objects.public(),
                "party",
                distinct="agreement",
            ),
            commitment_count=count_of(
                Commitment.countries.through.objects.filter(commitment__in=Commitment.objects.public()),
                "party",
            ),
        )
    )
    return render(request, "tracker/country_list.html", {"countries": countries})


def country_detail(request, slug):
    country = get_object_or_404(
        Party.objects.countries().prefetch_related("leaders", "sources", "summits_hosted"), slug=slug
    )
    context = group_context(
        Agreement.objects.public().with_party(country),
        commitments=Commitment.objects.public().filter(countries=country),
        list_query=f"country={country.slug}",
        counted_in=lambda progress: progress.involving_country.get(country.pk, Split()),
    )
    return render(request, "tracker/country_detail.html", {"country": country, **context})


def organization_list(request):
    organizations = (
        Party.objects.organizations()
        .select_related("based_in")
        .annotate(
            agreement_count=count_of(
                AgreementParty.objects.public(),
                "party",
                distinct="agreement",
            )
        )
        .order_by("name")
    )
    return render(request, "tracker/organization_list.html", {"organizations": organizations})


def organization_detail(request, slug):
    organization = get_object_or_404(
        Party.objects.organizations().select_related("based_in").prefetch_related("sources"), slug=slug
    )
    roles = (
        AgreementParty.objects.public()
        .filter(party=organization)
        .select_related("agreement")
        .order_by("agreement__title", "role")
    )
    context = group_context(
        Agreement.objects.public().with_party(organization),
        commitments=Commitment.objects.public().filter(organizations=organization),
        list_query=f"organization={organization.slug}",
    )
    return render(
        request,
        "tracker/organization_detail.html",
        {"organization": organization, "roles": list(roles), **context},
    )


def area_list(request):
    areas = PriorityArea.objects.annotate(
        commitment_count=count_of(Commitment.objects.public(), "priority_area")
    )
    return render(request, "tracker/area_list.html", {"areas": areas})


def area_detail(request, slug):
    area = get_object_or_404(PriorityArea.objects.prefetch_related("sources", "chapters"), slug=slug)
    serving = Commitment.agreements.through.objects.filter(
        agreement=OuterRef("pk"), commitment__priority_area=area
    )
    context = group_context(
        Agreement.objects.public().filter(Exists(serving)),
        commitments=Commitment.objects.public().filter(priority_area=area),
    )
    return render(request, "tracker/area_detail.html", {"area": area, **context})


def sector_list(request):
    sectors = Sector.objects.annotate(
        agreement_count=count_of(
            Agreement.sectors.through.objects.filter(agreement__in=Agreement.objects.public()), "sector"
        )
    )
    return render(request, "tracker/sector_list.html", {"sectors": sectors})


def sector_detail(request, slug):
    sector = get_object_or_404(Sector, slug=slug)
    context = group_context(
        Agreement.objects.public().filter(sectors=sector),
        list_query=f"sector={sector.slug}",
        counted_in=lambda progress: progress.involving_sector.get(sector.pk, Split()),
    )
    return render(request, "tracker/sector_detail.html", {"sector": sector, **context})
