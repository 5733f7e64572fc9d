"""The agreement filters find the same agreements whichever form their SQL takes: a country is
read as an IN over its links, or probed (EXISTS) where another filter leads the query."""

import json

import pytest

from tests.factories import make_agreement
from tests.test_public_pages import content
from tracker.filters import AgreementFilter
from tracker.models import Agreement, AgreementParty, Party, Sector

pytestmark = pytest.mark.django_db


@pytest.fixture
def crossed(summit_data):
    """Agreements crossing two countries, a bank, two sectors and two statuses, one with a
    country in two roles (listed once)."""
    uzbekistan, kazakhstan = Party.objects.get(slug="uzbekistan"), Party.objects.get(slug="kazakhstan")
    bank = Party.objects.get(slug="jbic")
    energy = Sector.objects.create(slug="test-energy", name="Test energy")
    water = Sector.objects.create(slug="test-water", name="Test water")
    for number in range(12):
        agreement = make_agreement(
            slug=f"crossed-{number}",
            status="signed" if number % 2 else "in_preparation",
            countries=[uzbekistan if number % 3 else kazakhstan],
            sectors=[energy if number % 4 else water],
        )
        if number % 5 == 0:
            AgreementParty.objects.create(agreement=agreement, party=bank, role="financier")
        if number == 7:
            AgreementParty.objects.create(agreement=agreement, party=uzbekistan, role="host_country")


QUERIES = [
    {"country": "uzbekistan"},
    {"country": "uzbekistan", "status": "signed"},
    {"country": "uzbekistan", "sector": "test-energy"},
    {"country": "kazakhstan", "sector": "test-water", "status": "in_preparation"},
    {"country": "uzbekistan", "organization": "jbic"},
    {"organization": "jbic", "sector": "test-energy"},
    {"sector": "test-water"},
]


def expected(query):
    """The slugs that match, worked out in Python from the records."""
    found = set()
    for agreement in Agreement.objects.public().prefetch_related("party_roles__party", "sectors"):
        parties = {role.party.slug for role in agreement.party_roles.all()}
        checks = [
            query.get("country") in (None, *parties),
            query.get("organization") in (None, *parties),
            query.get("sector") in (None, *(sector.slug for sector in agreement.sectors.all())),
            query.get("status") in (None, agreement.status),
        ]
        if all(checks):
            found.add(agreement.slug)
    return found


@pytest.mark.parametrize("query", QUERIES)
def test_every_combination_of_filters_finds_each_match_once(client, crossed, query):
    response = client.get("/agreements.json", query)
    exported = [row["slug"] for row in json.loads(content(response))]
    assert len(exported) == len(set(exported))  # nothing twice
    assert set(exported) == expected(query) != set()
    counted = client.get("/agreements/", query).context["page"].paginator.count
    assert counted == len(exported)


def test_a_country_is_probed_only_where_another_filter_leads_the_query(crossed):
    def sql(query):
        return str(AgreementFilter(query, queryset=Agreement.objects.public()).qs.query)

    assert "EXISTS" not in sql({"country": "uzbekistan"})  # alone: its links read once, by index
    assert "EXISTS" in sql({"country": "uzbekistan", "sector": "test-energy"})
    assert "EXISTS" in sql({"country": "uzbekistan", "status": "signed"})
    assert "EXISTS" not in sql({"organization": "jbic", "sector": "test-energy"})  # organizations: few links


def test_a_country_after_a_sector_stays_a_probe_on_postgresql(crossed):
    """PostgreSQL would turn the probe into a semi-join over all the country's links; after a
    sector (few rows left) it is kept a probe, with OFFSET 0 (AgreementQuerySet.with_party)."""
    from django.db import connection

    def sql(query):
        return str(AgreementFilter(query, queryset=Agreement.objects.public()).qs.query)

    fenced = sql({"country": "uzbekistan", "sector": "test-energy", "status": "signed"})
    assert ("OFFSET 0)" in fenced) == (connection.vendor == "postgresql")
    assert "OFFSET 0" not in sql({"country": "uzbekistan", "status": "signed"})
    assert "OFFSET 0" not in sql({"country": "uzbekistan", "organization": "jbic"})
