"""Pages for what agreements and commitments are grouped by: countries, organizations,
priority areas and sectors."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404, render

from .. import compliance, freshness
from ..models import (
    SHARED_ORIGINS,
    Agreement,
    AgreementParty,
    Commitment,
    CountryAssessment,
    Leader,
    Party,
    PriorityArea,
    Sector,
    StatusChange,
)
from ..models.commitments import BY_A_LEADER
from ..progress import Split, counted_sum
from .common import (
    count_of,
    current_progress,
    every_status,
    follows_renamed_slugs,
    recent_changes,
    status_counts,
)

SHOWN = 50  # records listed on a group page; the rest are one click away in the filtered list
COUNTRY_CHANGES = 5


@dataclass
class Scorecard:
    """One country's record, as /countries/ compares them: what it is party to, by status, and
    the counted yen of the agreements it takes part in."""

    country: Party
    commitment_statuses: list  # [(status, label, count)], every status of the vocabulary
    agreement_statuses: list
    counted: Split | None
    compliance: compliance.Compliance

    @property
    def commitment_total(self):
        return sum(count for _value, _label, count in self.commitment_statuses)

    @property
    def agreement_total(self):
        return sum(count for _value, _label, count in self.agreement_statuses)


def country_scorecards():
    """Every country's scorecard from two grouped counts, however many records there are, kept
    with the data version (at +100,000 agreements the counts read every party role)."""
    by_party = freshness.kept("country status counts", party_status_counts)
    _target, progress = current_progress()
    scores = compliance.by_country()
    return [
        Scorecard(
            country,
            every_status(Commitment.Status.choices, by_party.get((country.pk, "commitments"), {})),
            every_status(Agreement.Status.choices, by_party.get((country.pk, "agreements"), {})),
            country_counted(progress, country) if progress else None,
            scores.get(country.pk, compliance.Compliance(0)),
        )
        for country in Party.objects.countries().prefetch_related(
            Prefetch("leaders", queryset=Leader.objects.order_by("name"))
        )
    ]


def party_status_counts():
    """{(country id, "commitments" or "agreements"): {status: count}}: the countries' roles only,
    not the organizations' (half of all roles at +100,000 agreements)."""
    commitment_counts = (
        Commitment.countries.through.objects.filter(commitment__in=Commitment.objects.public())
        .order_by()
        .values_list("party", "commitment__status")
        .annotate(n=Count("pk"))
    )
    # From the agreements, so `public()` filters their own rows in the join rather than through
    # an IN list of every public agreement (at +100,000, 0.2 s instead of 0.35 s on SQLite).
    agreement_counts = (
        Agreement.objects.public()
        .filter(party_roles__party__kind=Party.Kind.COUNTRY)
        .order_by()
        .values_list("party_roles__party", "status")
        .annotate(n=Count("pk", distinct=True))  # one agreement, several roles: once
    )
    by_party = {}
    for counts, kind in ((commitment_counts, "commitments"), (agreement_counts, "agreements")):
        for party_id, status, number in counts:
            by_party.setdefault((party_id, kind), {})[status] = number
    return by_party


def country_counted(progress, country):
    """The counted yen of the agreements a country takes part in, kept with the target's figures."""
    return progress.involving_country.get(country.pk, Split())


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
        counted = counted_sum(agreements)
    context = {
        "agreements": list(agreements.for_table().order_by("title")[:SHOWN]),
        "agreement_total": sum(count for _value, _label, count in statuses),
        "agreement_statuses": statuses,
        "counted": counted,
        # Whether a source ties any agreement at all to the Initiative: "none of these is confirmed"
        # is said only when none is, since a tied agreement may have no counted value.
        "tied_by_a_source": progress.tied_by_a_source if progress else 0,
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
    return render(request, "tracker/country_list.html", {"scorecards": country_scorecards()})


@dataclass
class CommitmentGroup:
    """The commitments of one kind that name a country: `key` says whose they are (its own
    leader's, joint, Japan's, another leader's), the first SHOWN of them with the country's
    verdict on each where it is assessed."""

    key: str
    total: int
    commitments: list


JAPAN_ORIGINS = [Commitment.Origin.INITIATIVE, Commitment.Origin.JAPAN_ANNOUNCEMENT]
JOINT_ORIGINS = [origin for origin in SHARED_ORIGINS if origin not in JAPAN_ORIGINS]


def country_commitment_groups(country, commitments):
    """What the country's leader proposed or raised, what it committed to jointly, what Japan
    announced (for it), and what other leaders proposed that names it: one count and a query per
    group, however many records there are."""
    own_leader = Q(origin__in=BY_A_LEADER, proposed_by__country=country)
    kinds = [
        ("proposed", own_leader),
        ("joint", Q(origin__in=JOINT_ORIGINS)),
        ("japan", Q(origin__in=JAPAN_ORIGINS)),
        ("others", Q(origin__in=BY_A_LEADER) & ~own_leader),
    ]
    totals = commitments.aggregate(**{key: Count("pk", filter=condition) for key, condition in kinds})
    groups = [
        CommitmentGroup(
            key,
            totals[key],
            list(
                commitments.filter(condition)
                .select_related("priority_area", "proposed_by")
                .order_by("title")[:SHOWN]
            ),
        )
        for key, condition in kinds
    ]
    listed = [commitment.pk for group in groups for commitment in group.commitments]
    verdicts = {
        assessment.commitment_id: assessment
        for assessment in CountryAssessment.objects.filter(country=country, commitment__in=listed)
    }
    for group in groups:
        for commitment in group.commitments:
            commitment.shared = commitment.origin in SHARED_ORIGINS
            commitment.country_assessment = verdicts.get(commitment.pk)
    return groups


@follows_renamed_slugs(Party)
def country_detail(request, slug):
    country = get_object_or_404(
        Party.objects.countries().prefetch_related("leaders", "sources", "summits_hosted"), slug=slug
    )
    context = group_context(
        Agreement.objects.public().with_party(country),
        list_query=f"country={country.slug}",
        counted_in=lambda progress: country_counted(progress, country),
    )
    commitments = Commitment.objects.public().filter(countries=country)
    groups = country_commitment_groups(country, commitments)
    statuses = status_counts(commitments, Commitment.Status.choices)
    context.update(
        commitment_groups=groups,
        commitment_statuses=statuses,
        commitment_total=sum(count for _value, _label, count in statuses),
        compliance=compliance.by_country().get(country.pk, compliance.Compliance(0)),
    )
    # Kept with the data version: finding a country's latest steps among all others reads the
    # links of every agreement it takes part in.
    context["changes"] = freshness.kept(
        "country changes",
        lambda: list(
            recent_changes(COUNTRY_CHANGES, StatusChange.objects.public().latest_involving(country))
        ),
        country.pk,
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


@follows_renamed_slugs(Party)
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


@follows_renamed_slugs(PriorityArea)
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


@follows_renamed_slugs(Sector)
def sector_detail(request, slug):
    sector = get_object_or_404(Sector, slug=slug)
    context = group_context(
        Agreement.objects.public().filter(sectors=sector),
        list_query=f"sector={sector.slug}",
        counted_in=lambda progress: counted_sum(Agreement.objects.public().filter(sectors=sector)),
    )
    return render(request, "tracker/sector_detail.html", {"sector": sector, **context})
