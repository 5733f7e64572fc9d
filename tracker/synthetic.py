"""Synthetic records for tests and benchmarks, always marked `is_synthetic`; never real data."""

import datetime
import random
import uuid
from decimal import Decimal

from django.db import transaction

from .counting import recount
from .freshness import bump
from .models import (
    Agreement,
    AgreementParty,
    ClaimBasis,
    Commitment,
    DateAccuracy,
    Party,
    PriorityArea,
    Sector,
    Source,
    StatusChange,
)

CURRENCIES = ["JPY", "USD", "EUR"]


@transaction.atomic
def create_synthetic(*, agreements=0, commitments=0, seed=1):
    """Add records that reference the loaded parties, sectors, areas and sources."""
    rng = random.Random(seed)
    run = uuid.uuid4().hex[:8]
    source = Source.objects.get_or_create(
        slug="synthetic-data",
        defaults={
            "title": "Synthetic data (not a real source)",
            "note": "Generated for tests or benchmarks.",
            "is_synthetic": True,
        },
    )[0]
    countries = list(Party.objects.countries())
    organizations = list(Party.objects.organizations())
    sectors = list(Sector.objects.all())
    areas = list(PriorityArea.objects.all()) + [None]
    start = datetime.date(2025, 12, 20)

    new_agreements = []
    for number in range(agreements):
        has_value = rng.random() < 0.7
        currency = rng.choice(CURRENCIES) if has_value else ""
        new_agreements.append(
            Agreement(
                slug=f"synthetic-{run}-agreement-{number}",
                title=f"Synthetic agreement {number}",
                description="Generated record for tests and benchmarks.",
                instrument=rng.choice(Agreement.Instrument.values),
                status=rng.choice(Agreement.Status.values),
                signed_on=start + datetime.timedelta(days=rng.randrange(0, 1500)),
                signed_on_accuracy=DateAccuracy.EXACT,
                target_link=rng.choice(Agreement.TargetLink.values),
                amount=Decimal(rng.randrange(1, 10_000)) * 1_000_000 if has_value else None,
                currency=currency,
                value_exactness=rng.choice(["exact", "approximate", "lower_bound"]) if has_value else "",
                is_synthetic=True,
            )
        )
    Agreement.objects.bulk_create(new_agreements)  # bulk: save() and its figures are skipped…
    created_query = Agreement.objects.filter(slug__startswith=f"synthetic-{run}-agreement-")
    recount(list(created_query.values_list("pk", flat=True)))  # …so they are stored here
    created = list(created_query)
    roles, links, changes = [], [], []
    for agreement in created:
        for party in rng.sample(countries, k=min(2, len(countries))) + rng.sample(
            organizations, k=min(1, len(organizations))
        ):
            roles.append(
                AgreementParty(agreement=agreement, party=party, role=rng.choice(AgreementParty.Role.values))
            )
        if sectors:
            links.append(Agreement.sectors.through(agreement=agreement, sector=rng.choice(sectors)))
        changes.append(
            StatusChange(
                agreement=agreement,
                effective_on=agreement.signed_on,
                date_accuracy=DateAccuracy.EXACT,
                new_status=agreement.status,
                note="Synthetic.",
            )
        )
    AgreementParty.objects.bulk_create(roles)
    Agreement.sectors.through.objects.bulk_create(links)
    Agreement.sources.through.objects.bulk_create(
        [Agreement.sources.through(agreement=agreement, source=source) for agreement in created]
    )
    StatusChange.objects.bulk_create(changes)

    picked_areas = [rng.choice(areas) for _ in range(commitments)]
    Commitment.objects.bulk_create(
        [
            Commitment(
                slug=f"synthetic-{run}-commitment-{number}",
                title=f"Synthetic commitment {number}",
                description="Generated record for tests and benchmarks.",
                origin=Commitment.Origin.DECLARATION,
                priority_area=area,
                priority_area_basis=ClaimBasis.INFERRED if area else "",
                priority_area_note="Synthetic." if area else "",
                status=rng.choice([value for value in Commitment.Status.values if value != "not_achieved"]),
                is_synthetic=True,
            )
            for number, area in enumerate(picked_areas)
        ]
    )
    new_commitments = list(Commitment.objects.filter(slug__startswith=f"synthetic-{run}-commitment-"))
    Commitment.countries.through.objects.bulk_create(
        [Commitment.countries.through(commitment=c, party=rng.choice(countries)) for c in new_commitments]
    )
    Commitment.sources.through.objects.bulk_create(
        [Commitment.sources.through(commitment=c, source=source) for c in new_commitments]
    )
    bump()  # bulk_create sends no signals
    return len(created), len(new_commitments)
