"""The list tables' rows, written in Python (tracker.templatetags.tracker_tables): what a row
says, escaped, in the page's language, and what a table with no rows says."""

import datetime
import re

import pytest
from django.utils import translation

from tracker import freshness
from tracker.filters import choice_records
from tracker.models import Agreement, AgreementParty, Party
from tracker.templatetags.tracker_tables import agreement_rows, commitment_rows

from .factories import make_agreement, make_commitment

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script>'


def cells(html):
    """{data-label: the cell's text without tags} of a one-row table."""
    return {
        label: re.sub(r"<[^>]+>", "", body).strip()
        for label, body in re.findall(r'<td data-label="([^"]+)"[^>]*>(.*?)</td>', html, re.S)
    }


def listed(**fields):
    agreement = make_agreement(**fields)
    return Agreement.objects.select_related("yen_rate").get(pk=agreement.pk)


def test_an_agreement_row_escapes_its_title_and_says_what_is_not_known():
    agreement = listed(title=HOSTILE, signed_on=None)
    html = agreement_rows([agreement])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert f'<a href="/agreements/{agreement.slug}/">' in html
    assert cells(html) == {
        "Countries": "not stated",
        "Status": "Reported; stage not stated",
        "Value": "not stated",
        "Signed": "unknown",
    }
    badge = '<a class="badge badge-reported" href="/method/#status-reported" title="What this status means">'
    assert badge in html


def test_an_agreement_row_gives_a_lower_bound_as_one_with_its_countries_and_date():
    uzbekistan = Party.objects.create(slug="uzbekistan", name="Uzbekistan", kind="country", iso_code="UZ")
    agreement = listed(
        amount="1990000000",
        currency="JPY",
        exactness="lower_bound",
        countries=[uzbekistan],
        signed_on=datetime.date(2025, 12, 20),
    )
    html = agreement_rows([agreement])
    assert cells(html)["Countries"] == "Uzbekistan"
    assert cells(html)["Value"] == "at\xa0least\xa0¥1.99bn"  # a lower bound, never rounded up to 2
    assert '<time datetime="2025-12-20">20 December 2025</time>' in html


def test_the_countries_cell_names_each_country_once_in_the_order_of_their_roles(
    django_assert_num_queries,
):
    kazakhstan = Party.objects.create(
        slug="kazakhstan", name="Kazakhstan", name_ja="カザフスタン", kind="country", iso_code="KZ"
    )
    uzbekistan = Party.objects.create(slug="uzbekistan", name="Uzbekistan", kind="country", iso_code="UZ")
    bank = Party.objects.create(slug="a-bank", name="A bank", kind="financier")
    first, second = listed(title="First"), listed(title="Second")
    for party, role in [
        (uzbekistan, "signatory"),
        (kazakhstan, "signatory"),
        (bank, "financier"),
        (kazakhstan, "host_country"),  # a second role: still one name
    ]:
        AgreementParty.objects.create(agreement=first, party=party, role=role)
    AgreementParty.objects.create(agreement=second, party=uzbekistan, role="host_country")
    choice_records("countries")  # kept for this data version, as a list page's filter form keeps them
    with freshness.one_version(), django_assert_num_queries(2):  # the version; every row's countries
        html = agreement_rows([first, second])
    rows = html.split("</tr>")
    # By role (host_country before signatory, AgreementParty's order), then by name.
    assert cells(rows[0])["Countries"] == "Kazakhstan, Uzbekistan"
    assert cells(rows[1])["Countries"] == "Uzbekistan"
    with translation.override("ja"):
        html = agreement_rows([first])
    assert cells(html)["国"] == "カザフスタン, Uzbekistan"


def test_countries_of_one_role_are_named_in_the_databases_order_of_names(monkeypatch):
    """Names follow the order the database gives the countries in (Party's ordering, in its
    collation: PostgreSQL's may put an accented or a lower-case letter elsewhere than Python's
    code points would), as AgreementParty's order has it. Shown here with the database's list
    reversed, as a collation unlike Python's would reorder it."""
    from tracker.templatetags import tracker_tables

    countries = [
        Party.objects.create(slug=f"country-{code}", name=name, kind="country", iso_code=f"Q{code}")
        for code, name in zip("ABC", ["Türkiye", "Turkmenistan", "Tuvalu"], strict=True)
    ]
    agreement = listed(title="Many countries")
    for country in countries:
        AgreementParty.objects.create(agreement=agreement, party=country, role="signatory")
    database_order = list(reversed(tracker_tables.choice_records("countries")))
    names = [country.name for country in database_order]
    assert names != sorted(names)  # Python's own order would give another answer
    monkeypatch.setattr(tracker_tables, "choice_records", lambda name: database_order)
    assert cells(agreement_rows([agreement]))["Countries"] == ", ".join(names)


def test_rows_speak_the_pages_language():
    agreement = listed(title="Only in English")
    with translation.override("ja"):
        html = agreement_rows([agreement])
    assert 'data-label="国"' in html
    assert '<span lang="en">Only in English</span>' in html  # an untranslated title is marked


def test_an_empty_table_says_so():
    assert agreement_rows([], "No agreement matches these filters.") == (
        '<tr><td colspan="5">No agreement matches these filters.</td></tr>'
    )
    assert commitment_rows([]) == '<tr><td colspan="4">No commitments.</td></tr>'


def test_a_commitment_row_names_its_origin_and_status():
    commitment = make_commitment(title=HOSTILE)
    html = commitment_rows([commitment])
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert cells(html) == {"Origin": "Tokyo Declaration", "Priority area": "—", "Status": "Not yet assessed"}


def test_a_choice_label_follows_the_pages_language_and_an_unknown_code_shows_as_itself():
    agreement = make_agreement(status="signed")
    assert agreement.get_status_display() == "Signed"
    with translation.override("ja"):
        assert agreement.get_status_display() == "署名"
    agreement.status = "no_such_status"
    assert agreement.get_status_display() == "no_such_status"


def test_addresses_are_those_reverse_gives_in_each_language_and_under_a_prefix():
    from django.urls import get_script_prefix, reverse, set_script_prefix

    from tracker.addresses import page_url, slug_url

    for language in ("en-gb", "ja", "ru"):
        with translation.override(language):
            assert slug_url("tracker:agreement_detail", "a-deal") == reverse(
                "tracker:agreement_detail", args=["a-deal"]
            )
            assert page_url("tracker:method") == reverse("tracker:method")
    assert slug_url("tracker:commitment_detail", "x").startswith("/commitments/")
    with translation.override("ja"):
        assert slug_url("tracker:commitment_detail", "x") == "/ja/commitments/x/"
    prefix = get_script_prefix()
    set_script_prefix("/as-of/2026-01-01T00:00:00Z/")
    try:
        assert page_url("tracker:method") == "/as-of/2026-01-01T00:00:00Z/method/"
    finally:
        set_script_prefix(prefix)
    assert page_url("tracker:method") == "/method/"
