"""The assessment method and each country's record on shared commitments (issue 18): the
definitions cover the vocabulary, the evidence rules hold on every write path, scores count
only what is assessed, and readers see coverage, reviews and verdicts."""

import datetime
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tests.test_fixtures import fixture_records, write_fixture
from tests.test_public_pages import content
from tracker import compliance, method
from tracker.models import Agreement, Commitment, CountryAssessment, Party, Proposal, Source, Verdict

TODAY = timezone.localdate()


def shared_commitment():
    return Commitment.objects.get(slug="tokyo-initiative-3-trillion-yen")


def country(slug):
    return Party.objects.get(slug=slug)


def official_source():
    return Source.objects.create(
        slug="official-note", title="An official statement", kind="official", note="-"
    )


# The method's definitions


@pytest.mark.parametrize(
    "choices, definitions",
    [
        (Commitment.Status.choices, method.COMMITMENT_STATUSES),
        (Agreement.Status.choices, method.AGREEMENT_STATUSES),
        (Verdict.choices, method.VERDICTS),
    ],
)
def test_every_status_and_verdict_has_a_definition_in_three_languages(choices, definitions):
    assert [value for value, _label in choices] == list(definitions)  # none missing, none extra
    for value, _label in choices:
        english = str(definitions[value].meaning)
        for language in ("ja", "ru"):
            with translation.override(language):
                assert str(definitions[value].meaning) not in ("", english), (value, language)


def test_the_method_page_defines_every_status_and_each_badge_links_to_its_definition(client, summit_data):
    page = client.get("/method/").content.decode()
    for value, _label in [*Commitment.Status.choices, *Agreement.Status.choices]:
        assert f'id="status-{value}"' in page
    for value, _label in Verdict.choices:
        assert f'id="verdict-{value}"' in page
    listing = client.get("/commitments/").content.decode()
    assert 'class="badge badge-not_assessed" href="/method/#status-not_assessed"' in listing
    assert 'href="/ja/method/#status-not_assessed"' in client.get("/ja/commitments/").content.decode()


def test_no_two_statuses_of_a_vocabulary_share_a_colour():
    css = Path("static/css/site.css").read_text(encoding="utf-8")
    colour_of = {}
    for selectors, colour in re.findall(r"((?:\.fill-\w+,?\s*)+)\{\s*fill:\s*(#[0-9a-f]{6})", css):
        for status in re.findall(r"\.fill-(\w+)", selectors):
            colour_of[status] = colour
    for choices in (Commitment.Status.choices, Agreement.Status.choices):
        colours = [colour_of[value] for value, _label in choices]  # every status has one
        assert len(set(colours)) == len(colours), colours


def test_editors_see_the_definitions_beside_the_status_field(editor_client, summit_data):
    agreement = Agreement.objects.get(slug="smartmining-plus")
    url = reverse("admin:tracker_agreement_status", args=[agreement.pk])
    page = editor_client.get(url).content.decode()
    assert str(method.AGREEMENT_STATUSES[Agreement.Status.COMPLETED].meaning) in page
    assert "reports by two independent publishers" in page
    # The record's own page shows the status read-only, one click from the form that changes it.
    record = editor_client.get(
        reverse("admin:tracker_agreement_change", args=[agreement.pk])
    ).content.decode()
    assert f'href="{url}">Change status</a>' in record


# The rules, through every write path


def test_the_evidence_rule():
    opinion = Source(kind="opinion", publisher="News.Az")
    news_a, news_b = Source(kind="news", publisher="A"), Source(kind="news", publisher="B")
    unnamed = Source(kind="news", publisher="")
    assert method.evidence_problem([], strong=False)
    assert method.evidence_problem([opinion], strong=False)
    assert method.evidence_problem([news_a], strong=False) is None
    assert method.evidence_problem([news_a, opinion], strong=True)  # an opinion piece never counts
    assert method.evidence_problem([news_a, unnamed], strong=True)  # independence cannot be seen
    assert method.evidence_problem([news_a, news_b], strong=True) is None
    assert method.evidence_problem([Source(kind="official")], strong=True) is None


def assessment_form(client, commitment, nation, verdict, sources, day=None):
    return client.post(
        reverse("admin:tracker_countryassessment_propose"),
        {
            "commitment": commitment.pk,
            "country": nation.pk,
            "verdict": verdict,
            "assessed_on": (day or TODAY).isoformat(),
            "note": "What the sources show.",
            "sources": [source.pk for source in sources],
        },
    )


def form_errors(response):
    return {
        name: [str(error) for error in errors] for name, errors in response.context["form"].errors.items()
    }


def test_admin_form_refuses_an_assessment_without_a_source_or_on_an_opinion_alone(
    editor_client, summit_data, settings
):
    settings.REQUIRE_SECOND_EDITOR = False
    commitment, kazakhstan = shared_commitment(), country("kazakhstan")
    # Adding an assessment opens the form that proposes a verdict.
    add = editor_client.get(reverse("admin:tracker_countryassessment_add"))
    assert (add.status_code, add["Location"]) == (302, reverse("admin:tracker_countryassessment_propose"))
    opinion = Source.objects.get(slug="newsaz-opinion-agreements-by-country")
    news = Source.objects.get(slug="summit-overview-2025-12-25")
    response = assessment_form(editor_client, commitment, kazakhstan, "partial", [])
    assert response.status_code == 200
    assert form_errors(response) == {"sources": ["Cite at least one source."]}
    response = assessment_form(editor_client, commitment, kazakhstan, "partial", [opinion])
    assert form_errors(response) == {
        "sources": [
            "An opinion piece cannot carry this on its own: cite a news report, an official document or "
            "an analysis as well."
        ]
    }
    # +1 is a strong claim: one news report is not enough, an official source is.
    response = assessment_form(editor_client, commitment, kazakhstan, "full", [news])
    assert form_errors(response) == {
        "sources": [
            "This needs a primary or official source, or reports by two independent publishers (each "
            "source's publisher given); an opinion piece never counts."
        ]
    }
    assert not CountryAssessment.objects.exists()
    response = assessment_form(editor_client, commitment, kazakhstan, "full", [official_source()])
    assert response.status_code == 302
    saved = CountryAssessment.objects.get()
    assert (saved.verdict, saved.assessed_by.username, saved.last_reviewed_on) == ("full", "editor", TODAY)
    assert saved.rationale == "What the sources show."


def test_an_assessments_own_page_changes_only_its_translations(editor_client, summit_data):
    assessment = assess(
        shared_commitment(),
        country("kazakhstan"),
        "partial",
        Source.objects.get(slug="summit-overview-2025-12-25"),
    )
    url = reverse("admin:tracker_countryassessment_change", args=[assessment.pk])
    page = editor_client.get(url)
    assert page.status_code == 200
    assert set(page.context["adminform"].form.fields) == {"rationale_ja", "rationale_ru", "loaded_version"}
    propose = reverse("admin:tracker_countryassessment_propose")
    query = f"?commitment={assessment.commitment_id}&amp;country={assessment.country_id}"
    assert f'href="{propose}{query}"' in page.content.decode()  # a new verdict is proposed there
    data = {"rationale_ja": "理由。", "loaded_version": assessment.version, "verdict": "none"}
    assert editor_client.post(url, data).status_code == 302
    assessment.refresh_from_db()
    assert (assessment.rationale_ja, assessment.verdict) == ("理由。", "partial")


def test_only_a_shared_commitment_and_a_country_it_names_are_assessed(editor_client, summit_data):
    news = Source.objects.get(slug="summit-overview-2025-12-25")
    proposal = Commitment.objects.get(slug="kz-water-security")  # a leader's proposal
    response = assessment_form(editor_client, proposal, country("kazakhstan"), "partial", [news])
    # Only shared commitments are offered.
    assert form_errors(response) == {
        "commitment": ["Select a valid choice. That choice is not one of the available choices."]
    }
    japan_only = Commitment.objects.get(slug="investment-climate-for-japanese-companies")  # names the five
    response = assessment_form(editor_client, japan_only, country("japan"), "partial", [news])
    assert form_errors(response) == {"country": ["The sources do not name this country in this commitment."]}
    response = assessment_form(
        editor_client,
        shared_commitment(),
        country("japan"),
        "partial",
        [news],
        day=TODAY + datetime.timedelta(1),
    )
    assert form_errors(response) == {"assessed_on": ["An assessment cannot be dated in the future."]}
    assert not CountryAssessment.objects.exists() and not Proposal.objects.exists()


def bulk_assess(client, commitments, **fields):
    url = reverse("admin:tracker_commitment_changelist")
    selection = {"action": "assess_selected", "_selected_action": [str(c.pk) for c in commitments]}
    assert client.post(url, selection).status_code == 200
    return client.post(url, {**selection, "apply": "1", **fields}, follow=True)


def test_bulk_assessment_is_all_or_nothing_and_keeps_the_rules(editor_client, editor, summit_data, approve):
    commitments = list(Commitment.objects.filter(origin="declaration").order_by("pk")[:3])
    opinion = Source.objects.get(slug="newsaz-opinion-agreements-by-country")
    fields = {"country": country("uzbekistan").pk, "verdict": "partial", "assessed_on": TODAY.isoformat()}
    response = bulk_assess(
        editor_client, commitments, **fields, rationale="Work begun.", sources=[opinion.pk]
    )
    assert "Nothing was changed" in response.content.decode()
    mixed = [*commitments, Commitment.objects.get(slug="kz-water-security")]  # one not shared
    news = Source.objects.get(slug="summit-overview-2025-12-25")
    response = bulk_assess(editor_client, mixed, **fields, rationale="Work begun.", sources=[news.pk])
    assert "Nothing was changed" in response.content.decode()
    assert not CountryAssessment.objects.exists() and not Proposal.objects.exists()
    response = bulk_assess(editor_client, commitments, **fields, rationale="Work begun.", sources=[news.pk])
    assert (
        "Verdicts proposed: 3; each is public once a second editor approves it." in response.content.decode()
    )
    proposals = list(Proposal.objects.order_by("commitment_id"))
    assert [(p.kind, p.state, p.commitment, p.country.slug, p.proposed_by) for p in proposals] == [
        ("verdict", "pending", commitment, "uzbekistan", editor) for commitment in commitments
    ]
    assert not CountryAssessment.objects.exists()  # public once a second editor approves each
    approve(*proposals)
    assert CountryAssessment.objects.filter(country__slug="uzbekistan", verdict="partial").count() == 3


def import_csv(client, text, **extra):
    url = reverse("admin:tracker_countryassessment_import")
    return client.post(url, {"text": text, **extra})


HEADER = "commitment,country,verdict,assessed_on,rationale,sources,version\n"


def test_import_shows_every_problem_and_writes_only_what_was_previewed(editor_client, summit_data, settings):
    settings.REQUIRE_SECOND_EDITOR = False  # each row is a proposal: here applied as it is made
    day = TODAY.isoformat()
    bad = (
        HEADER
        + f"tokyo-initiative-3-trillion-yen,kazakhstan,partial,{day},Begun."
        + ",newsaz-opinion-agreements-by-country,\n"
        + "tokyo-initiative-3-trillion-yen,atlantis,partial,01/02/2026,Begun.,summit-overview-2025-12-25,\n"
    )
    preview = import_csv(editor_client, bad, preview="1")
    page = preview.content.decode()
    assert "An opinion piece cannot carry this on its own" in page  # in the page, not a tooltip
    assert "No country “atlantis”" in page and "is not a date written YYYY-MM-DD" in page
    assert "Import these rows" not in page
    assert import_csv(editor_client, bad, confirm="1", digest="x").status_code == 200
    assert not CountryAssessment.objects.exists()

    good = (
        HEADER
        + f"tokyo-initiative-3-trillion-yen,kazakhstan,partial,{day},Begun.,summit-overview-2025-12-25,\n"
    )
    preview = import_csv(editor_client, good, preview="1")
    digest = preview.context["digest"]
    swapped = good.replace("partial", "none")  # not what was previewed
    refused = import_csv(editor_client, swapped, confirm="1", digest=digest)
    assert "changed since its preview" in refused.content.decode()
    assert not CountryAssessment.objects.exists()
    done = import_csv(editor_client, good, confirm="1", digest=digest)
    assert done.status_code == 302
    assessment = CountryAssessment.objects.get()
    assert (assessment.verdict, assessment.version) == ("partial", 1)

    # A row for an assessment another editor changed since is refused, never overwritten.
    CountryAssessment.objects.filter(pk=assessment.pk).update(version=2, rationale="Editor B's text.")
    stale = good.replace("Begun.", "Mine.").replace(",\n", ",1\n")
    page = import_csv(editor_client, stale, preview="1").content.decode()
    assert "is not the current one (2)" in page
    assert CountryAssessment.objects.get().rationale == "Editor B's text."


def test_a_fixture_assessment_on_an_opinion_alone_is_refused_and_changes_nothing(tmp_path, summit_data):
    records = fixture_records()
    records.append(
        {
            "model": "tracker.countryassessment",
            "fields": {
                "commitment": ["tokyo-initiative-3-trillion-yen"],
                "country": ["kazakhstan"],
                "verdict": "partial",
                "assessed_on": "2026-01-15",
                "rationale": "Said so by an opinion piece.",
                "sources": [["newsaz-opinion-agreements-by-country"]],
            },
        }
    )
    with pytest.raises(CommandError) as caught:
        call_command("load_summit_data", fixture=write_fixture(tmp_path, records), verbosity=0)
    assert "An opinion piece cannot carry this on its own" in str(caught.value)
    assert not CountryAssessment.objects.exists()


# Scores and what readers see


def assess(commitment, nation, verdict, source):
    assessment = CountryAssessment.objects.create(
        commitment=commitment, country=nation, verdict=verdict, assessed_on=TODAY, rationale="Why."
    )
    assessment.sources.set([source])
    return assessment


def test_a_country_score_counts_only_its_assessed_commitments_and_says_how_many(client, summit_data):
    official = official_source()
    kazakhstan = country("kazakhstan")
    shared = compliance.shared_commitments(kazakhstan).count()
    assert compliance.by_country()[kazakhstan.pk].score is None  # never a score from nothing
    page = client.get("/countries/kazakhstan/").content.decode()
    assert f"None of the {shared} shared commitments naming it are assessed yet" in page
    first, second = compliance.shared_commitments(kazakhstan).order_by("pk")[:2]
    assess(first, kazakhstan, "full", official)
    assess(second, kazakhstan, "none", official)
    score = compliance.by_country()[kazakhstan.pk]
    assert (score.assessed, score.shared, score.score) == (2, shared, 0)
    assess(compliance.shared_commitments(kazakhstan).order_by("pk")[2], kazakhstan, "full", official)
    page = client.get("/countries/kazakhstan/").content.decode()
    assert f"<strong>+0.33</strong>, over the 3 of {shared} assessed" in page
    assert (
        f"Score <strong>+0.33</strong> over 3 of {shared} assessed"
        in client.get("/countries/").content.decode()
    )
    ru = client.get("/ru/countries/kazakhstan/").content.decode()
    assert "+0,33" in ru  # the verdict reached every language on the next request


def test_a_country_page_separates_its_leader_joint_japan_and_other_leaders(client, summit_data):
    page = client.get("/countries/kazakhstan/").content.decode()
    sections = re.split(r'<h3 id="group-', page)
    groups = {section.split('"', 1)[0]: section for section in sections[1:]}
    assert set(groups) == {"proposed", "joint", "japan", "others"}
    assert "/commitments/kz-water-security/" in groups["proposed"]
    assert "/commitments/uz-digital-hub/" not in groups["proposed"]
    assert "/commitments/uz-digital-hub/" in groups["others"]  # Mirziyoyev's, shown as his
    assert "/commitments/tokyo-initiative-3-trillion-yen/" in groups["japan"]
    assert "/commitments/next-summit-in-kazakhstan/" in groups["joint"]


def reviewed(day):
    commitment = Commitment.objects.get(slug="kz-water-security")
    commitment.last_reviewed_on = day
    commitment.save()  # a save moves the data version, so the pages show it on the next request


def test_the_first_screen_says_how_much_is_assessed(client, summit_data):
    page = client.get("/").content.decode()
    assert "Assessed: 0 of 53 commitment records" in page
    assert "no check by an editor recorded yet" in page
    reviewed(datetime.date(2026, 11, 2))
    assert 'last check by an editor <time datetime="2026-11-02">' in client.get("/").content.decode()


def test_every_record_says_when_it_was_last_checked_and_lists_filter_by_it(client, summit_data, settings):
    settings.REVIEW_INTERVAL_DAYS = 30
    page = client.get("/commitments/kz-water-security/").content.decode()
    assert "Not yet checked by an editor since it was recorded" in page
    checked = TODAY - datetime.timedelta(days=10)
    reviewed(checked)
    page = client.get("/commitments/kz-water-security/").content.decode()
    due = checked + datetime.timedelta(days=30)
    assert f'next check due by <time datetime="{due.isoformat()}">' in page
    listed = client.get("/commitments/", {"review": "checked"})
    assert [c.slug for c in listed.context["page"]] == ["kz-water-security"]
    assert client.get("/commitments/", {"review": "due"}).context["page"].paginator.count == 52
    assert client.get("/commitments/", {"review": "nonsense"}).status_code == 400  # a clear error, no 500


def test_verdicts_are_in_the_exports_the_dictionary_and_the_feeds(client, summit_data):
    kazakhstan, commitment = country("kazakhstan"), shared_commitment()
    assessment = assess(
        commitment, kazakhstan, "partial", Source.objects.get(slug="summit-overview-2025-12-25")
    )
    csv_text = content(client.get("/assessments.csv")).decode()
    assert "tokyo-initiative-3-trillion-yen,¥3 trillion" in csv_text.replace('"', "")
    assert ",kazakhstan,partial,Partial compliance or work in progress,0," in csv_text
    rows = client.get("/assessments.json", {"country": "uzbekistan"})
    assert content(rows).strip() == b"[\n]"
    assert client.get("/assessments.json", {"verdict": "bogus"}).status_code == 400
    assert "score" in client.get("/data/").content.decode()
    for feed in (
        "/changes/feed/",
        f"/countries/{kazakhstan.slug}/feed/",
        f"/commitments/{commitment.slug}/feed/",
    ):
        body = client.get(feed).content.decode()
        assert f"urn:tracker:assessment:{assessment.pk}:1" in body, feed
    assert f"assessment:{assessment.pk}" not in client.get("/countries/japan/feed/").content.decode()


def test_a_commitment_page_shows_each_countrys_record_beside_its_own_status(summit_data):
    commitment = shared_commitment()
    assess(
        commitment, country("uzbekistan"), "partial", Source.objects.get(slug="summit-overview-2025-12-25")
    )
    page = Client().get(commitment.get_absolute_url()).content.decode()
    assert 'id="assessment-uzbekistan"' in page and 'id="assessment-japan"' in page
    assert "over the 1 of 6 countries assessed" in page
    assert "badge-not_assessed" in page  # its own status stays its own
