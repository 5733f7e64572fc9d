import datetime
import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.db import IntegrityError

from tracker.models import (
    Agreement,
    Commitment,
    ExchangeRate,
    Leader,
    Party,
    ReportedFigure,
    Source,
    StatusChange,
    Summit,
    Target,
)

EXPECTED_COUNTS = {
    "source": 5,
    "party": 15,
    "leader": 6,
    "summit": 2,
    "priorityarea": 3,
    "chapter": 9,
    "sector": 22,
    "commitment": 49,
    "agreement": 11,
    "agreementparty": 23,
    "statuschange": 11,
    "target": 1,
    "exchangerate": 2,
    "reportedfigure": 9,
}


def tracker_counts():
    return {
        model._meta.model_name: model.objects.count() for model in apps.get_app_config("tracker").get_models()
    }


@pytest.mark.django_db
def test_fixtures_load_twice_without_duplicates():
    call_command("loaddata", "tokyo_summit", verbosity=0)
    first = tracker_counts()
    call_command("loaddata", "tokyo_summit", verbosity=0)
    assert tracker_counts() == first
    assert {name: first[name] for name in EXPECTED_COUNTS} == EXPECTED_COUNTS


def test_the_six_leaders(summit_data):
    leaders = {leader.country.iso_code: (leader.title, leader.name) for leader in Leader.objects.all()}
    assert leaders == {
        "JP": ("Prime Minister", "Sanae Takaichi"),
        "KZ": ("President", "Kassym-Jomart Tokayev"),
        "KG": ("President", "Sadyr Japarov"),
        "TJ": ("President", "Emomali Rahmon"),
        "TM": ("President", "Serdar Berdimuhamedov"),
        "UZ": ("President", "Shavkat Mirziyoyev"),
    }


def test_the_summit_and_the_next_host(summit_data):
    tokyo = Summit.objects.get(number=1)
    assert (tokyo.city, tokyo.held_on, tokyo.leaders.count()) == (
        "Tokyo",
        datetime.date(2025, 12, 20),
        6,
    )
    assert Summit.objects.get(number=2).host.iso_code == "KZ"


def test_the_target_and_the_rates_the_sources_imply(summit_data):
    target = Target.objects.get()
    assert (target.amount, target.currency, target.duration_years) == (
        Decimal("3000000000000"),
        "JPY",
        5,
    )
    usd = ExchangeRate.objects.get(currency="USD")
    assert usd.rate_to_jpy == Decimal("157.894737")  # ¥3 trillion ≈ $19 billion
    assert usd.source.slug == "priority-areas-and-target-report"
    eur = ExchangeRate.objects.get(currency="EUR")
    assert eur.rate_to_jpy == Decimal("167.597765")  # ¥3 trillion ≈ €17.9 billion


def test_package_values_are_lower_bounds_and_parts_point_at_their_package(summit_data):
    uzbek = Agreement.objects.get(slug="uzbekistan-japan-summit-package")
    assert (uzbek.amount, uzbek.currency, uzbek.value_exactness) == (
        Decimal("11000000000"),
        "USD",
        "lower_bound",
    )
    assert uzbek.is_aggregate
    kazakh = Agreement.objects.get(slug="kazakhstan-japan-summit-package")
    assert (kazakh.amount, kazakh.value_exactness) == (Decimal("3000000000"), "lower_bound")
    solar = Agreement.objects.get(slug="uzbekistan-solar-power-plants")
    assert solar.part_of == uzbek and solar.amount is None
    roles = {(role.party.slug, role.role) for role in solar.party_roles.select_related("party")}
    assert roles == {
        ("uzbekistan", "host_country"),
        ("sumitomo", "implementer"),
        ("chubu-electric-power", "implementer"),
        ("shikoku-electric-power", "implementer"),
        ("jbic", "financier"),
        ("nexi", "insurer"),
    }


def test_sectors_of_the_documents_signed_with_each_country(summit_data):
    kyrgyz = Agreement.objects.get(slug="kyrgyzstan-japan-summit-documents")
    assert set(kyrgyz.sectors.values_list("slug", flat=True)) == {
        "taxation",
        "energy-infrastructure",
        "health",
        "education",
        "disaster-management",
        "space-and-satellites",
    }
    turkmen = Agreement.objects.get(slug="turkmenistan-japan-summit-documents")
    assert "petrochemicals" in set(turkmen.sectors.values_list("slug", flat=True))


def test_document_count_is_a_lower_bound(summit_data):
    documents = ReportedFigure.objects.get(slug="documents-signed")
    assert (documents.value, documents.unit, documents.exactness) == (
        Decimal("150"),
        "documents",
        "lower_bound",
    )


def test_leader_proposals_name_their_leader(summit_data):
    proposals = Commitment.objects.filter(origin=Commitment.Origin.LEADER_PROPOSAL)
    by_leader = {
        name: proposals.filter(proposed_by__slug=name).count()
        for name in ("shavkat-mirziyoyev", "kassym-jomart-tokayev")
    }
    assert by_leader == {"shavkat-mirziyoyev": 10, "kassym-jomart-tokayev": 6}
    assert Commitment.objects.get(slug="uz-cooperation-strategy-2040").proposed_by.country.iso_code == "UZ"


def test_every_record_cites_a_source(summit_data):
    for model in (
        Commitment,
        Agreement,
        StatusChange,
        ReportedFigure,
        Target,
        Party,
        Leader,
        Summit,
    ):
        uncited = model.objects.filter(sources__isnull=True)
        assert not uncited.exists(), f"{model.__name__} without a source: {list(uncited)}"
    assert Source.objects.exclude(archived_as__startswith="shared/sources/").count() == 0


def test_current_status_is_the_latest_history_record(summit_data):
    for agreement in Agreement.objects.all():
        assert agreement.status_changes.latest().new_status == agreement.status
    # Commitments are unresearched so far: never shown as inaction.
    assert set(Commitment.objects.values_list("status", flat=True)) == {"not_assessed"}


def test_load_if_empty_keeps_editors_changes(summit_data):
    Agreement.objects.filter(slug="smartmining-plus").update(title="Edited by an editor")
    call_command("load_summit_data", if_empty=True, verbosity=0)
    assert Agreement.objects.get(slug="smartmining-plus").title == "Edited by an editor"
    assert Agreement.objects.count() == EXPECTED_COUNTS["agreement"]


# Bad input: a malformed fixture must fail with a message naming the problem and change nothing.

FIXTURE_PATH = "fixtures/tokyo_summit.json"


def fixture_records():
    with open(FIXTURE_PATH, encoding="utf-8") as handle:
        return json.load(handle)


def write_fixture(tmp_path, records_or_text):
    path = tmp_path / "broken.json"
    text = records_or_text if isinstance(records_or_text, str) else json.dumps(records_or_text)
    path.write_text(text, encoding="utf-8")
    return str(path)


def database_snapshot():
    return tracker_counts(), list(Agreement.objects.order_by("slug").values_list("slug", "status", "amount"))


def agreement_record(records, slug):
    return next(r for r in records if r["model"] == "tracker.agreement" and r["fields"]["slug"] == slug)


def with_bad_foreign_key(records):
    agreement_record(records, "smartmining-plus")["fields"]["part_of"] = ["no-such-package"]
    return records


def with_unknown_status(records):
    agreement_record(records, "smartmining-plus")["fields"]["status"] = "finished"
    return records


def with_negative_amount(records):
    fields = agreement_record(records, "smartmining-plus")["fields"]
    fields.update(amount="-5.00", currency="USD", value_exactness="exact")
    return records


def with_unknown_status_change(records):
    records.append(
        {
            "model": "tracker.statuschange",
            "fields": {
                "uid": "00000000-0000-0000-0000-000000000001",
                "commitment": ["uz-digital-hub"],
                "agreement": None,
                "effective_on": "2026-01-01",
                "old_status": "not_assessed",
                "new_status": "signed",  # an agreement status on a commitment
                "note": "x",
                "sources": [],
                "recorded_at": "2026-01-01T00:00:00Z",
            },
        }
    )
    return records


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "breakage, error, expected",
    [
        (with_bad_foreign_key, DeserializationError, "no-such-package"),
        (with_unknown_status, IntegrityError, "agreement_status_valid"),
        (with_negative_amount, IntegrityError, "agreement_amount_not_negative"),
        (with_unknown_status_change, IntegrityError, "status_change_one_subject_valid_statuses"),
    ],
)
def test_malformed_fixture_is_refused_and_changes_nothing(tmp_path, breakage, error, expected):
    call_command("loaddata", "tokyo_summit", verbosity=0)
    Agreement.objects.filter(slug="smartmining-plus").update(title="Edited since the last load")
    before = database_snapshot()
    path = write_fixture(tmp_path, breakage(fixture_records()))
    with pytest.raises(error) as caught:
        call_command("loaddata", path, verbosity=0)
    assert expected in str(caught.value)
    assert database_snapshot() == before
    assert Agreement.objects.get(slug="smartmining-plus").title == "Edited since the last load"


@pytest.mark.django_db(transaction=True)
def test_broken_json_is_refused_and_changes_nothing(tmp_path):
    call_command("loaddata", "tokyo_summit", verbosity=0)
    before = database_snapshot()
    path = write_fixture(tmp_path, '[{"model": "tracker.source", "fields": {"slug": "x",')
    with pytest.raises(DeserializationError) as caught:
        call_command("loaddata", path, verbosity=0)
    assert "broken.json" in str(caught.value)
    assert database_snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_malformed_fixture_into_an_empty_database_leaves_it_empty(tmp_path):
    records = with_negative_amount(fixture_records())
    with pytest.raises(IntegrityError):
        call_command("loaddata", write_fixture(tmp_path, records), verbosity=0)
    assert not any(tracker_counts().values())
    assert not Party.objects.exists()
