"""The database itself refuses bad data, whatever path it comes by (SQLite checks no choices alone)."""

import pytest
from django.db import IntegrityError, transaction

from tests.factories import make_agreement, make_commitment, make_country, make_source
from tracker.models import Agreement, Commitment, Party, StatusChange

pytestmark = pytest.mark.django_db


def refused(constraint, **update):
    return constraint, update


def assert_refused(queryset, constraint, **update):
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        queryset.update(**update)
    assert constraint in str(caught.value)


@pytest.mark.parametrize(
    "constraint, update",
    [
        refused("agreement_status_valid", status="done"),
        refused("agreement_instrument_valid", instrument="handshake"),
        refused("agreement_amount_not_negative", amount=-1, currency="USD", value_exactness="exact"),
        refused("agreement_amount_currency_exactness_together", currency="USD"),
        refused("agreement_amount_currency_exactness_together", amount=10),
        refused(
            "agreement_amount_currency_exactness_together",
            amount=10,
            currency="usd",
            value_exactness="exact",
        ),
        refused("agreement_exactness_valid", amount=10, currency="USD", value_exactness="roughly"),
    ],
)
def test_agreement_constraints(constraint, update):
    agreement = make_agreement()
    assert_refused(Agreement.objects.filter(pk=agreement.pk), constraint, **update)


def test_agreement_cannot_be_part_of_itself():
    agreement = make_agreement(is_aggregate=True)
    assert_refused(
        Agreement.objects.filter(pk=agreement.pk), "agreement_not_part_of_itself", part_of=agreement
    )


@pytest.mark.parametrize(
    "constraint, update",
    [
        refused("commitment_status_valid", status="finished"),
        refused("commitment_origin_valid", origin="rumour"),
        refused("commitment_progress_0_100", progress_percent=101),
        refused("commitment_leader_iff_by_a_leader", origin="leader_proposal"),
        refused("commitment_leader_iff_by_a_leader", origin="leader_remark"),
        refused("commitment_area_has_basis", priority_area_basis="stated"),
        refused("commitment_not_achieved_needs_target_date", status="not_achieved"),
    ],
)
def test_commitment_constraints(constraint, update):
    commitment = make_commitment()
    assert_refused(Commitment.objects.filter(pk=commitment.pk), constraint, **update)


def test_party_iso_code_only_for_countries():
    company = Party.objects.create(slug="acme", name="Acme", kind="company")
    assert_refused(Party.objects.filter(pk=company.pk), "party_iso_code_iff_country", iso_code="AC")
    country = make_country("Japan", "JP")
    assert_refused(Party.objects.filter(pk=country.pk), "party_iso_code_iff_country", iso_code="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Party.objects.create(slug="japan-2", name="Japan again", kind="country", iso_code="JP")


def test_status_change_needs_exactly_one_subject_and_its_own_vocabulary():
    commitment, agreement = make_commitment(), make_agreement()
    base = {"effective_on": "2026-01-01", "note": "n"}
    for fields in (
        {"commitment": commitment, "new_status": "signed"},  # an agreement status on a commitment
        {"agreement": agreement, "new_status": "achieved"},
        {"commitment": commitment, "agreement": agreement, "new_status": "achieved"},
        {"new_status": "achieved"},
    ):
        with pytest.raises(IntegrityError) as caught, transaction.atomic():
            StatusChange.objects.create(**base, **fields)
        assert "status_change_one_subject_valid_statuses" in str(caught.value)


def test_exchange_rate_must_be_positive():
    from tests.factories import make_rate

    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        make_rate("USD", "0", "2026-01-01", source=make_source())
    assert "exchange_rate_positive" in str(caught.value)


def test_postgresql_has_indexes_in_the_newest_first_orders(db):
    """PostgreSQL's DESC puts NULLs first, so only these indexes serve the lists' newest-first
    orders; SQLite's existing indexes do, and it gets none (migration 0025)."""
    from django.db import connection

    with connection.cursor() as cursor:
        names = set(connection.introspection.get_constraints(cursor, Agreement._meta.db_table))
        names |= set(connection.introspection.get_constraints(cursor, StatusChange._meta.db_table))
        if connection.vendor != "postgresql":
            assert not names & {"agreement_newest_pg_idx", "status_change_newest_pg_idx"}
            return
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN (%s, %s)",
            ["agreement_newest_pg_idx", "status_change_newest_pg_idx"],
        )
        definitions = dict(cursor.fetchall())
    assert "(signed_on DESC NULLS LAST, title, id)" in definitions["agreement_newest_pg_idx"]
    assert (
        "(effective_on DESC NULLS LAST, recorded_at DESC, id DESC)"
        in definitions["status_change_newest_pg_idx"]
    )


def test_postgresql_alone_has_the_index_of_ids_with_their_status(db):
    """Migration 0029: PostgreSQL reads only a sector's agreements with the status asked for;
    SQLite, given the same index, stopped using its status index and was slower."""
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Agreement._meta.db_table)
    if connection.vendor != "postgresql":
        assert "agreement_id_status_pg_idx" not in constraints
        return
    assert constraints["agreement_id_status_pg_idx"]["columns"] == ["id", "status"]
