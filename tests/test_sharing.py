"""What a reader takes away: feeds per country and record, exports with dates and history, the
data dictionary, social previews, share links, the citation line, the licence, the corrections
address, and the badge and widget other sites may frame."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from tests.pages import text_of
from tests.test_public_pages import content
from tracker.models import Agreement, Commitment, Party, StatusChange
from tracker.progress import compute_progress
from tracker.templatetags.tracker_format import qualified_share, qualified_yen
from tracker.views.exports import AGREEMENT_COLUMNS, CHANGE_COLUMNS, COMMITMENT_COLUMNS

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def csv_rows(response):
    body = content(response).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def feed_entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


def test_a_country_feed_holds_its_steps_and_no_others(client, summit_data):
    kyrgyzstan = Party.objects.get(slug="kyrgyzstan")
    steps = StatusChange.objects.public().involving(kyrgyzstan)
    entries = feed_entries(client, "/countries/kyrgyzstan/feed/")
    assert len(entries) == min(steps.count(), 50) > 0
    ids = {entry.find(f"{ATOM}id").text for entry in entries}
    assert ids == {f"urn:uuid:{uid}" for uid in steps.values_list("uid", flat=True)[:50]}
    assert StatusChange.objects.exclude(pk__in=steps).exists()  # others exist and stay out


def test_a_record_feed_holds_that_records_steps(client, summit_data):
    import datetime

    from tracker.services import change_status

    commitment = Commitment.objects.get(slug="declaration-digital-ai")
    assert feed_entries(client, f"/commitments/{commitment.slug}/feed/") == []  # not assessed yet
    change_status(
        subject=commitment,
        new_status="in_progress",
        effective_on=datetime.date(2026, 3, 1),
        date_accuracy="exact",
        note="Test step.",
        sources=list(commitment.sources.exclude(kind="opinion")[:1]),
        user=None,
    )
    entries = feed_entries(client, f"/commitments/{commitment.slug}/feed/")
    assert [entry.find(f"{ATOM}title").text for entry in entries] == [f"{commitment.title}: In progress"]
    agreement = Agreement.objects.get(slug="uzbekistan-japan-summit-package")
    entries = feed_entries(client, f"/agreements/{agreement.slug}/feed/")
    assert len(entries) == agreement.status_changes.count() > 0
    assert client.get("/commitments/no-such-record/feed/").status_code == 404
    assert client.get("/countries/jbic/feed/").status_code == 404  # an organization is not a country


def test_the_agreements_csv_names_the_countries_and_the_date_of_the_status(client, summit_data):
    rows = {row["slug"]: row for row in csv_rows(client.get("/agreements.csv"))}
    package = Agreement.objects.get(slug="uzbekistan-japan-summit-package")
    row = rows[package.slug]
    countries = sorted(
        {role.party.name for role in package.party_roles.select_related("party") if role.party.is_country}
    )
    assert row["countries"] == "; ".join(countries) and "Uzbekistan" in countries
    step = package.status_changes.filter(new_status=package.status).latest()
    assert row["status_since"] == (step.effective_on.isoformat() if step.effective_on else "")
    assert row["status_since_accuracy"] == step.date_accuracy


def test_a_later_step_back_to_an_earlier_status_dates_it_from_the_later_step(client, summit_data):
    import datetime

    from tests.factories import make_source
    from tracker.services import change_status

    agreement = Agreement.objects.get(slug="uzbekistan-japan-summit-package")
    # A report of both steps, published after them: a source cannot report a later day.
    source = make_source(published_on=datetime.date(2026, 3, 25), publisher="Kabar")
    for status, day in (("in_implementation", 10), (agreement.status, 20)):
        change_status(
            subject=agreement,
            new_status=status,
            effective_on=datetime.date(2026, 3, day),
            date_accuracy="exact",
            note="Test step.",
            sources=[source],
            user=None,
        )
    rows = {row["slug"]: row for row in csv_rows(client.get("/agreements.csv"))}
    assert rows[agreement.slug]["status_since"] == "2026-03-20"


def test_the_history_export_holds_every_public_step_with_its_sources(client, summit_data):
    rows = csv_rows(client.get("/changes.csv"))
    assert list(rows[0]) == list(CHANGE_COLUMNS)
    assert len(rows) == StatusChange.objects.public().count()
    step = StatusChange.objects.public().prefetch_related("sources").first()
    row = next(row for row in rows if row["url"].endswith(f"#change-{step.uid}"))
    assert row["new_status"] == step.new_status and row["note"] == step.note
    assert row["sources"] == "; ".join(sorted(source.title for source in step.sources.all()))


def test_the_history_export_filters_by_country_and_kind_and_refuses_bad_values(client, summit_data):
    kyrgyzstan = Party.objects.get(slug="kyrgyzstan")
    rows = csv_rows(client.get("/changes.csv", {"country": "kyrgyzstan"}))
    assert len(rows) == StatusChange.objects.public().involving(kyrgyzstan).count()
    data = json.loads(content(client.get("/changes.json", {"kind": "agreement"})))
    assert {row["subject_kind"] for row in data} == {"agreement"}
    assert len(data) == StatusChange.objects.public().filter(agreement__isnull=False).count()
    refused = client.get("/changes.csv", {"country": "atlantis"})
    assert refused.status_code == 400 and "country" in json.loads(refused.content)["fields"]


@pytest.mark.parametrize(
    ("url", "columns"),
    [
        ("/commitments.csv", COMMITMENT_COLUMNS),
        ("/agreements.csv", AGREEMENT_COLUMNS),
        ("/changes.csv", CHANGE_COLUMNS),
    ],
)
def test_the_data_dictionary_describes_every_column_each_export_writes(client, summit_data, url, columns):
    body = content(client.get(url)).decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(body)))
    assert header == list(columns)
    page = client.get("/data/").content.decode()
    for name in header:
        assert re.search(rf"<code>{name}</code></th><td[^>]*>[^<]{{10,}}", page), name


def test_every_page_carries_social_preview_tags_share_links_and_a_citation(client, summit_data):
    commitment = Commitment.objects.get(slug="declaration-digital-ai")
    html = client.get(commitment.get_absolute_url()).content.decode()
    url = f"http://testserver{commitment.get_absolute_url()}"
    assert f'<meta property="og:title" content="{commitment.title}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:image" content="http://testserver/static/img/share/en.' in html
    encoded = "http%3A%2F%2Ftestserver%2Fcommitments%2Fdeclaration-digital-ai%2F"
    for service in ("t.me/share/url?url=", "x.com/intent/post?url=", "facebook.com/sharer/sharer.php?u="):
        assert f"{service}{encoded}" in html, service
    text = text_of(html)
    assert f"Cite this page: CA+JAD Tokyo summit tracker. “{commitment.title}”. {url}. Accessed " in text
    # No third-party script, frame or image: share links are plain links.
    assert not re.search(r'<(script|img|iframe)[^>]+src="https?://(?!testserver)', html)


def test_the_footer_gives_the_licence_and_the_corrections_address(client, summit_data, settings):
    settings.CONTACT_EMAIL = "corrections@tracker.example"
    html = client.get("/").content.decode()
    assert 'href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>' in html
    assert 'href="mailto:corrections@tracker.example?subject=Correction"' in html
    about = client.get("/about/").content.decode()
    assert "corrections@tracker.example" in about and "belong to their publishers" in about


def test_without_a_contact_address_the_about_page_says_so(client, summit_data, settings):
    settings.CONTACT_EMAIL = ""
    about = text_of(client.get("/about/").content.decode())
    assert "This copy of the tracker has no contact address set up yet" in about
    assert "?subject=Correction" not in client.get("/about/").content.decode()


def test_the_badge_and_widget_show_the_targets_two_figures(client, summit_data):
    from tracker.models import Target

    target = Target.objects.get()
    progress = compute_progress(target=target, on_date=timezone.localdate())
    badge = client.get("/embed/target.svg")
    assert badge["Content-Type"].startswith("image/svg+xml")
    svg = ET.fromstring(badge.content)  # well-formed
    text = " ".join("".join(svg.itertext()).split())
    # The page's text with its no-break spaces read as spaces.
    stated, reported = (
        " ".join(qualified_yen(amount).split()) for amount in (progress.stated, progress.reported)
    )
    assert f"{stated} of ¥3 trillion" in text
    assert "No agreement is yet confirmed by a source as part of the Initiative." in text
    # What is only reported: with its qualifier, and never as a share of the target.
    assert f"Reported, not confirmed as part of the Initiative: {reported}" in text
    assert qualified_share(progress.reported, target.amount) not in text
    widget = text_of(client.get("/embed/target/").content.decode())
    assert reported in widget and "never added" in widget


def test_a_country_badge_counts_its_records(client, summit_data):
    kazakhstan = Party.objects.get(slug="kazakhstan")
    commitments = Commitment.objects.public().filter(countries=kazakhstan).count()
    agreements = Agreement.objects.public().with_party(kazakhstan).count()
    svg = ET.fromstring(client.get("/embed/countries/kazakhstan.svg").content)
    text = " ".join("".join(svg.itertext()).split())
    assert f"Commitment records: {commitments} · agreements: {agreements}" in text
    assert client.get("/embed/countries/jbic.svg").status_code == 404


@pytest.mark.parametrize("url", ["/embed/target.svg", "/embed/target/", "/embed/countries/kazakhstan/"])
def test_only_the_badge_and_widget_may_be_framed_by_other_sites(client, summit_data, url):
    embedded = client.get(url)
    assert "frame-ancestors *" in embedded["Content-Security-Policy"]
    assert not embedded.has_header("X-Frame-Options")
    for page in ("/", "/target/", "/countries/kazakhstan/"):
        response = client.get(page)
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], page
        assert response["X-Frame-Options"] == "DENY", page


def test_the_embedding_code_on_the_target_page_points_at_the_badge_and_widget(client, summit_data):
    html = client.get("/target/").content.decode()
    assert '&lt;img src="http://testserver/embed/target.svg"' in html
    assert '&lt;iframe src="http://testserver/embed/target/"' in html
    assert client.post("/embed/target.svg").status_code == 405
