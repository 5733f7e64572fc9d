"""Pages for what agreements and commitments are grouped by: countries, organizations,
priority areas and sectors."""

from django.db.models import Count, Exists, OuterRef, Prefetch
from django.shortcuts import get_object_or_404, render

from ..models import Agreement, AgreementParty, Commitment, Leader, Party, PriorityArea, Sector
from .agreements import PARTY_ROLES
from .common import tally
from .dashboard import current_progress


def agreements_with(queryset):
    return list(queryset.prefetch_related(PARTY_ROLES).order_by("title"))


def group_context(agreements, commitments=None):
    """What every group page shows: its agreements with their status mix and counted value."""
    _target, progress = current_progress()
    context = {
        "agreements": agreements,
        "agreement_statuses": tally(agreements, Agreement.Status.choices),
        "counted": progress.amount_for(agreements) if progress else None,
        "progress": progress,
    }
    if commitments is not None:
        commitments = list(commitments.select_related("priority_area").order_by("title"))
        context["commitments"] = commitments
        context["commitment_statuses"] = tally(commitments, Commitment.Status.choices)
    return context


def country_list(request):
    countries = (
        Party.objects.countries()
        .prefetch_related(Prefetch("leaders", queryset=Leader.objects.order_by("name")))
        .annotate(
            agreement_count=Count("agreement_roles__agreement", distinct=True),
            commitment_count=Count("commitments_as_country", distinct=True),
        )
    )
    return render(request, "tracker/country_list.html", {"countries": countries})


def country_detail(request, slug):
    country = get_object_or_404(
        Party.objects.countries().prefetch_related("leaders", "sources", "summits_hosted"), slug=slug
    )
    context = group_context(
        agreements_with(Agreement.objects.with_party(country)),
        commitments=Commitment.objects.filter(countries=country),
    )
    return render(request, "tracker/country_detail.html", {"country": country, **context})


def organization_list(request):
    organizations = (
        Party.objects.organizations()
        .select_related("based_in")
        .annotate(agreement_count=Count("agreement_roles__agreement", distinct=True))
        .order_by("name")
    )
    return render(request, "tracker/organization_list.html", {"organizations": organizations})


def organization_detail(request, slug):
    organization = get_object_or_404(
        Party.objects.organizations().select_related("based_in").prefetch_related("sources"), slug=slug
    )
    roles = (
        AgreementParty.objects.filter(party=organization)
        .select_related("agreement")
        .order_by("agreement__title", "role")
    )
    context = group_context(
        agreements_with(Agreement.objects.with_party(organization)),
        commitments=Commitment.objects.filter(organizations=organization),
    )
    return render(
        request,
        "tracker/organization_detail.html",
        {"organization": organization, "roles": list(roles), **context},
    )


def area_list(request):
    areas = PriorityArea.objects.annotate(commitment_count=Count("commitments"))
    return render(request, "tracker/area_list.html", {"areas": areas})


def area_detail(request, slug):
    area = get_object_or_404(PriorityArea.objects.prefetch_related("sources", "chapters"), slug=slug)
    serving = Commitment.agreements.through.objects.filter(
        agreement=OuterRef("pk"), commitment__priority_area=area
    )
    context = group_context(
        agreements_with(Agreement.objects.filter(Exists(serving))),
        commitments=Commitment.objects.filter(priority_area=area),
    )
    return render(request, "tracker/area_detail.html", {"area": area, **context})


def sector_list(request):
    sectors = Sector.objects.annotate(agreement_count=Count("agreements"))
    return render(request, "tracker/sector_list.html", {"sectors": sectors})


def sector_detail(request, slug):
    sector = get_object_or_404(Sector, slug=slug)
    context = group_context(agreements_with(Agreement.objects.filter(sectors=sector)))
    return render(request, "tracker/sector_detail.html", {"sector": sector, **context})
