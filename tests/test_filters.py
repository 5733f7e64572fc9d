"""The agreement filters find the same agreements whichever form their SQL takes: a country is
read as an IN over its links, or probed (EXISTS) where another filter leads the query."""

import json

import pytest

from tests.factories import make_agreement
from tests.test_public_pages import content
from tracker import freshness
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


SHAPES = [
    [
        {"country": country, "status": status}
        for country in ("uzbekistan", "kazakhstan")
        for status in ("signed", "in_preparation")
    ],
    [
        {"country": country, "sector": sector, "sort": "-value"}
        for country in ("kazakhstan", "uzbekistan")
        for sector in ("test-water", "test-energy")
    ],
    [{"organization": "jbic", "sector": sector} for sector in ("test-energy", "test-water")],
    [{"sector": "test-water", "status": status, "sort": "title"} for status in ("signed", "in_preparation")],
]


@pytest.mark.parametrize("queries", SHAPES)
def test_a_query_compiled_once_for_its_shape_finds_what_the_orm_finds(crossed, queries, monkeypatch):
    """FilterSet.rows compiles the query of a shape (the filters set, not their values) once and
    then runs it with each request's values: every request gets the rows, in the order, that the
    ORM's own query for its values gives."""
    from tracker.filters import FilterSet

    compiled = []
    template = FilterSet.template
    monkeypatch.setattr(
        FilterSet, "template", lambda self, *args: compiled.append(args) or template(self, *args)
    )
    fields = ("pk", "slug", "signed_on", "amount", "yen_value", "is_aggregate")
    found = set()
    for query in queries:
        filterset = AgreementFilter(query, queryset=Agreement.objects.public())
        assert filterset.is_valid()
        rows = list(filterset.rows(fields))
        assert rows == list(filterset.qs.values_list(*fields)), query
        assert {slug for _pk, slug, *_rest in rows} == expected(query), query
        found.add(tuple(rows))
    assert len(compiled) == 1  # one shape
    assert len(found) == len(queries)  # and each value its own rows


def test_a_filter_that_reads_more_than_its_records_id_is_not_compiled_once(crossed):
    """A stand-in record has only its id: a filter that reads another of its fields (here the
    slug) would write this request's value into the query kept for every request. The query is
    then built for each request, as before."""
    from tracker.filters import AgreementFilter as Base
    from tracker.filters import SectorFilter

    class SectorBySlug(SectorFilter):
        def filter(self, qs, value):
            return qs.filter(sectors__slug=value.slug) if value else qs

    class BySlug(Base):
        sector = SectorBySlug(records="sectors")

    for query in (
        {"sector": "test-energy", "status": "signed"},
        {"sector": "test-water", "status": "in_preparation"},
    ):
        filterset = BySlug(query, queryset=Agreement.objects.public())
        assert filterset.is_valid() and filterset.shape() == ("sector", "status")
        assert filterset.template(("slug",), (), None) is None
        assert {slug for (slug,) in filterset.rows(("slug",))} == expected(query) != set()


@pytest.mark.parametrize(
    "query",
    [{"q": "energy"}, {"review": "due"}, {"sort": "title,status"}, {"min_yen": "1 billion"}],
)
def test_searches_checks_and_several_keys_are_built_for_each_request(crossed, query):
    """Their queries depend on more than a parameter each (the words, today's date, any number of
    keys, an amount), so they have no shape and are built for each request."""
    filterset = AgreementFilter(query, queryset=Agreement.objects.public())
    assert filterset.is_valid() and filterset.shape() is None
    fields = ("slug",)
    assert list(filterset.rows(fields)) == list(filterset.qs.values_list(*fields))


def test_a_filter_whose_query_depends_on_its_records_id_is_not_compiled_once(crossed):
    """A filter that chose its SQL from the record's id in Python would have the stand-in's choice
    kept for every request; the shape is compiled with two sets of stand-ins and kept only where
    the two queries differ in the parameters alone."""
    from tracker.filters import AgreementFilter as Base
    from tracker.filters import SectorFilter

    class SectorByParity(SectorFilter):
        def filter(self, qs, value):
            if not value:
                return qs
            return qs.in_sector(value) if value.pk % 2 else qs.in_sector(value).exclude(status="cancelled")

    class ByParity(Base):
        sector = SectorByParity(records="sectors")

    for sector in ("test-energy", "test-water"):
        filterset = ByParity({"sector": sector}, queryset=Agreement.objects.public())
        assert filterset.is_valid() and filterset.template(("slug",), (), None) is None
        assert list(filterset.rows(("slug",))) == list(filterset.qs.values_list("slug"))


def test_a_choice_the_orm_would_prepare_is_built_for_each_request(crossed):
    """Only a choice compared as it is with a text column is a parameter; another lookup (iexact
    escapes the value on SQLite) or a column of another type has no shape."""
    import django_filters

    from tracker.filters import AgreementFilter as Base

    class Loose(Base):
        status = django_filters.ChoiceFilter(choices=Agreement.Status.choices, lookup_expr="iexact")
        year = django_filters.ChoiceFilter(choices=[("2025", "2025")], field_name="signed_on__year")

    for query in ({"status": "in_preparation"}, {"year": "2025"}):
        filterset = Loose(query, queryset=Agreement.objects.public())
        assert filterset.is_valid() and filterset.shape() is None
        assert list(filterset.rows(("slug",))) == list(filterset.qs.values_list("slug"))


def test_a_reversed_base_is_not_the_base_it_reverses(crossed):
    """Two filter sets over the same base, one reversed, keep two compiled queries."""
    base = Agreement.objects.public().order_by("title")
    orders = []
    for queryset in (base, base.reverse(), base):
        filterset = AgreementFilter({"status": "signed"}, queryset=queryset)
        assert filterset.is_valid()
        rows = list(filterset.rows(("slug",)))
        assert rows == list(filterset.qs.values_list("slug")) and len(rows) > 1
        orders.append(rows)
    assert orders[1] == orders[0][::-1] and orders[2] == orders[0]


def test_a_choice_cleaned_once_for_a_version_follows_an_edit(client, crossed):
    """The filters' cleaned choices are remembered for the data version only: a sector's old
    slug is refused, and its new one found, at the first request after the edit."""
    before = client.get("/agreements.json", {"sector": "test-energy", "sort": "title"})
    slugs = [row["slug"] for row in json.loads(content(before))]
    assert len(slugs) == 9
    Sector.objects.filter(slug="test-energy").update(slug="test-power")  # an update: no signal
    freshness.bump()
    assert client.get("/agreements.json", {"sector": "test-energy"}).status_code == 400
    after = client.get("/agreements.json", {"sector": "test-power", "sort": "title"})
    assert [row["slug"] for row in json.loads(content(after))] == slugs
