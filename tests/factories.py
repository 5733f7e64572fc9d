"""Small builders for test records. Values not given are plain defaults, never real data."""

import datetime
import itertools
from decimal import Decimal

from tracker.models import (
    Agreement,
    AgreementParty,
    Commitment,
    ExchangeRate,
    Party,
    Sector,
    Source,
    Target,
)

_numbers = itertools.count(1)


def _slug(prefix):
    return f"{prefix}-{next(_numbers)}"


def make_source(**fields):
    """A news report unless told otherwise (an opinion piece never carries a status alone)."""
    fields.setdefault("slug", _slug("source"))
    fields.setdefault("title", f"Test source {fields['slug']}")
    fields.setdefault("note", "Supports test facts.")
    return Source.objects.create(**fields)


def make_country(name, iso_code):
    return Party.objects.create(slug=name.lower(), name=name, kind=Party.Kind.COUNTRY, iso_code=iso_code)


def make_organization(name, kind=Party.Kind.COMPANY):
    return Party.objects.create(slug=_slug("org"), name=name, kind=kind)


def make_sector(name):
    return Sector.objects.create(slug=_slug("sector"), name=name)


def make_target(**fields):
    fields.setdefault("slug", _slug("target"))
    fields.setdefault("name", "Test target")
    fields.setdefault("amount", Decimal("3000000000000"))
    fields.setdefault("starts_on", datetime.date(2025, 12, 20))
    fields.setdefault("duration_years", 5)
    return Target.objects.create(**fields)


def make_rate(currency, rate, effective_on, source=None):
    return ExchangeRate.objects.create(
        currency=currency,
        rate_to_jpy=Decimal(rate),
        effective_on=effective_on,
        source=source or make_source(),
    )


def make_agreement(*, amount=None, currency="", exactness="", countries=(), sectors=(), **fields):
    fields.setdefault("slug", _slug("agreement"))
    fields.setdefault("title", f"Agreement {fields['slug']}")
    fields.setdefault("description", "A test agreement.")
    fields.setdefault("instrument", Agreement.Instrument.CONTRACT)
    fields.setdefault("signed_on", datetime.date(2025, 12, 20))
    fields.setdefault("signed_on_accuracy", "exact" if fields["signed_on"] else "unknown")
    fields.setdefault("target_link", Agreement.TargetLink.REPORTED)  # as the summit's deals are
    if amount is not None:
        amount = Decimal(amount)
        currency = currency or "JPY"
        exactness = exactness or "exact"
    agreement = Agreement.objects.create(
        amount=amount, currency=currency, value_exactness=exactness, **fields
    )
    for country in countries:
        AgreementParty.objects.create(agreement=agreement, party=country, role="signatory")
    agreement.sectors.set(sectors)
    return agreement


def make_commitment(**fields):
    fields.setdefault("slug", _slug("commitment"))
    fields.setdefault("title", f"Commitment {fields['slug']}")
    fields.setdefault("description", "A test commitment.")
    fields.setdefault("origin", Commitment.Origin.DECLARATION)
    return Commitment.objects.create(**fields)
