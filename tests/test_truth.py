"""Every date, status and role the site shows rests on a source record, and says no more."""

import calendar
import csv
import datetime
import io
import json
import re

from django.utils import timezone, translation

from tests.factories import make_source
from tests.test_public_pages import content
from tracker.models import (
    Agreement,
    AgreementCommitment,
    AgreementParty,
    Commitment,
    ExchangeRate,
    ReportedFigure,
    Source,
    Statement,
    StatusChange,
    Summit,
    Target,
)
from tracker.services import commitment_link_problems

MONTHS = list(calendar.month_name)[1:]
MONTH_NAMES = "|".join(MONTHS + [month[:3] for month in MONTHS])
DATE_IN_TEXT = re.compile(rf"\b(\d{{1,2}}) ({MONTH_NAMES}) (\d{{4}})\b")
# Our own times (when a record last changed here, the day a page was read or a badge drawn) are
# facts about the tracker, not the summit.
OWN_TIMESTAMPS = re.compile(
    r"(Records last changed in this tracker on|Accessed|As of) <time[^>]*>[^<]*</time>"
    rf"|As of \d{{1,2}} ({MONTH_NAMES}) \d{{4}}[ ,·]+CA\+JAD Tokyo summit tracker"
    rf"|· as of \d{{1,2}} ({MONTH_NAMES}) \d{{4}}"
)


# A date our method sets (the end of the five-year window we count from the summit, the day we
# apply an undated conversion from) is shown only inside an element that says it is our method.
METHOD = re.compile(r'<(span|p|li|caption|td)[^>]*class="[^"]*\bmethod\b[^"]*"[^>]*>.*?</\1>', re.S)


def sourced_dates():
    """Every date a source record gives: status steps with their sources, the sources' own dates,
    the summit and the start of the target's window (the summit, where it was announced). Not the
    window's end or an undated conversion's day: those are our method, allowed only where marked."""
    dates = set(
        StatusChange.objects.filter(sources__isnull=False)
        .exclude(effective_on=None)
        .values_list("effective_on", flat=True)
    )
    dates |= set(Source.objects.exclude(published_on=None).values_list("published_on", flat=True))
    dates |= set(Summit.objects.exclude(held_on=None).values_list("held_on", flat=True))
    dates |= set(Target.objects.values_list("starts_on", flat=True))
    dates |= set(
        ExchangeRate.objects.filter(effective_on_basis="stated").values_list("effective_on", flat=True)
    )
    for note in Source.objects.values_list("date_note", flat=True):  # a source's date in its own words
        dates |= set(dates_in_text(note))
        # "Published 10/01/2026": the note gives both readings (10 January or 1 October 2026);
        # Japanese and Russian write each in full.
        for first, second, year in re.findall(r"(\d{2})/(\d{2})/(\d{4})", note):
            dates |= {
                datetime.date(int(year), int(second), int(first)),
                datetime.date(int(year), int(first), int(second)),
            }
    return dates


def dates_in_text(text):
    for day, month, year in DATE_IN_TEXT.findall(text):
        yield datetime.date(int(year), [m[:3] for m in MONTHS].index(month[:3]) + 1, int(day))


def dates_shown(html):
    html = METHOD.sub("", OWN_TIMESTAMPS.sub("", html))
    for value in re.findall(r'<time datetime="(\d{4}-\d{2}-\d{2})"', html):
        yield datetime.date.fromisoformat(value)
    yield from dates_in_text(re.sub(r"<[^>]+>", " ", html))


def test_every_date_on_every_page_and_export_is_sourced(shipped_site, summit_data):
    allowed = sourced_dates()
    responses = shipped_site
    assert len(responses) > 100
    for url, response in responses.items():
        if response.status_code != 200 or url.startswith("/static/"):
            continue
        body = response.body.decode("utf-8-sig")
        if url.split("?")[0].endswith(".csv"):
            for row in csv.DictReader(io.StringIO(body)):
                for column in ("signed_on", "target_date"):
                    if row.get(column):
                        assert datetime.date.fromisoformat(row[column]) in allowed, (url, row["slug"])
            continue
        if url.split("?")[0].endswith(".json"):
            for row in json.loads(body):
                if row.get("signed_on"):
                    assert datetime.date.fromisoformat(row["signed_on"]) in allowed, (url, row["slug"])
            continue
        if "/copy/" in url:
            continue  # our archived copy of a source: its own words, dates included
        unsourced = {day for day in dates_shown(body) if day not in allowed}
        assert not unsourced, (url, unsourced)


def test_every_status_role_and_tie_rests_on_a_source(summit_data):
    for change in StatusChange.objects.prefetch_related("sources"):
        sources = list(change.sources.all())
        assert sources, change
        assert not all(source.is_opinion for source in sources), f"{change} rests on an opinion alone"
    for role in AgreementParty.objects.prefetch_related("sources"):
        assert role.sources.exists(), f"{role} has no source"
    for agreement in Agreement.objects.prefetch_related("status_changes__sources", "target_link_sources"):
        assert agreement.target_link_sources.exists(), f"{agreement}: tie to the target without a source"
        steps = sorted(agreement.status_changes.all(), key=lambda step: (step.recorded_at, step.pk))
        assert steps and steps[-1].new_status == agreement.status, agreement
        if agreement.signed_on:
            # A signing date is the date of a sourced "signed" step, as exact as that step.
            signed = [step for step in steps if step.new_status == "signed"]
            assert any(
                (step.effective_on, step.date_accuracy) == (agreement.signed_on, agreement.signed_on_accuracy)
                for step in signed
            ), agreement
        else:
            assert agreement.signed_on_accuracy == "unknown", agreement


def test_an_invented_date_is_caught(client, summit_data):
    """The walk above can fail: a signing date no step gives shows up as unsourced."""
    Agreement.objects.filter(slug="smartmining-plus").update(
        signed_on=datetime.date(2026, 1, 5), signed_on_accuracy="exact"
    )
    html = client.get("/agreements/smartmining-plus/").content.decode()
    assert datetime.date(2026, 1, 5) in set(dates_shown(html)) - sourced_dates()


JA_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
RU_MONTHS = [
    *("января", "февраля", "марта", "апреля", "мая", "июня"),
    *("июля", "августа", "сентября", "октября", "ноября", "декабря"),
]
RU_DATE = re.compile(rf"\b(\d{{1,2}})(?:\s|\xa0)({'|'.join(RU_MONTHS)})(?:\s|\xa0)(\d{{4}})")


def dates_shown_in_any_language(html):
    """dates_shown, plus the Japanese (2025年12月20日) and Russian (20 декабря 2025) forms."""
    yield from dates_shown(html)
    text = re.sub(r"<[^>]+>", " ", METHOD.sub("", OWN_TIMESTAMPS.sub("", html)))
    for year, month, day in JA_DATE.findall(text):
        yield datetime.date(int(year), int(month), int(day))
    for day, month, year in RU_DATE.findall(text):
        yield datetime.date(int(year), RU_MONTHS.index(month) + 1, int(day))


def test_no_page_in_japanese_or_russian_gives_an_unsourced_date(
    shipped_site_ja, shipped_site_ru, summit_data
):
    # Our own timestamps (the day a page was read, a badge drawn, the data loaded) are today in a
    # test; the English walk tells them by their words, which these languages put elsewhere.
    allowed = sourced_dates() | {timezone.localdate()}
    for responses in (shipped_site_ja, shipped_site_ru):
        assert len(responses) > 60
        for url, response in responses.items():
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            if "/copy/" in url:
                continue
            unsourced = {
                day for day in dates_shown_in_any_language(response.body.decode()) if day not in allowed
            }
            assert not unsourced, (url, unsourced)


def test_the_window_end_and_an_undated_rate_are_shown_only_as_our_method(client, summit_data):
    target = Target.objects.get()
    assert target.ends_on not in sourced_dates()
    html = client.get("/target/").content.decode()
    # The window's end is on the page, and only inside elements that say it is our method.
    assert "20 December 2030" in html
    assert "20 December 2030" not in METHOD.sub("", html)
    assert "we count five years from the summit" in html
    # The method check can fail: the same date outside a method element is caught.
    planted = html.replace("</h1>", " Target date: 20 December 2030</h1>", 1)
    assert target.ends_on in set(dates_shown(planted)) - sourced_dates()
    assert all(rate.date_is_assumed for rate in ExchangeRate.objects.all())
    agreement_page = client.get("/agreements/uzbekistan-japan-summit-package/").content.decode()
    assert "157.894736 of 20 December 2025" not in agreement_page
    # Beside an undated rate, the day we apply it from is given only as our method, in every language.
    rate_with_day = re.compile(r"157[.,]894736[^<]{0,40}?(20 December 2025|2025年12月20日|20 декабря 2025)")
    assert rate_with_day.search("1 USD = ¥157.894736 (20 December 2025)")  # the check can fail
    iso_day = re.compile(r"157[.,]894736[^<]{0,40}?2025-12-20")
    for prefix in ("", "/ja", "/ru"):
        paths = ("/target/", "/agreements/uzbekistan-japan-summit-package/")
        # The source the rate comes from lists it too, and so once printed "on 2025-12-20".
        for path in (*paths, "/sources/priority-areas-and-target-report/"):
            shown = METHOD.sub("", client.get(prefix + path).content.decode())
            assert not rate_with_day.search(shown), prefix + path
            assert not iso_day.search(shown), prefix + path
    assert iso_day.search("1 USD = ¥157.894736 on 2025-12-20")  # the check can fail
    source_page = client.get("/sources/priority-areas-and-target-report/").content.decode()
    assert "undated in its source; we apply it from 20 December 2025 (our assumption)" in source_page
    assert "implied by an undated conversion" in agreement_page
    # The share of the window elapsed is our count too, and says so where it is shown.
    assert "as we count it from the summit" in client.get("/").content.decode()
    initiative = Commitment.objects.get(slug="tokyo-initiative-3-trillion-yen")
    assert initiative.target_date is None and target.commitment == initiative
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert "over the next five years" in page and "20 December 2030" not in page


def test_no_agreement_links_to_the_target_commitment(client, summit_data):
    target = Target.objects.get()
    assert not AgreementCommitment.objects.filter(commitment=target.commitment).exists()
    page = client.get(target.commitment.get_absolute_url()).content.decode()
    assert "Agreements serving this commitment" not in page
    assert "each agreement says on its own page how the sources tie it to the target" in page
    for agreement in Agreement.objects.all():
        html = client.get(agreement.get_absolute_url()).content.decode()
        linked = html.split('id="commitments-heading"', 1)[1].split("</section>", 1)[0]
        assert target.commitment.title not in linked, agreement.slug
    for fmt in ("csv", "json"):
        assert target.commitment.slug not in content(client.get(f"/agreements.{fmt}")).decode()
    # The rule that keeps it so, on every write path that links (admin inline, fixture).
    problems = commitment_link_problems(
        commitment=target.commitment, basis="inferred", note="Our inference.", sources=[]
    )
    assert "commitment" in problems


def test_every_link_to_a_commitment_is_stated_with_its_source_or_marked_as_our_inference(client, summit_data):
    links = list(
        AgreementCommitment.objects.select_related("agreement", "commitment").prefetch_related("sources")
    )
    assert len(links) == 11
    for link in links:
        assert not commitment_link_problems(
            commitment=link.commitment, basis=link.basis, note=link.note, sources=link.sources.all()
        ), link
        if link.is_inferred:
            assert link.note.startswith("Our inference"), link
        html = client.get(link.agreement.get_absolute_url()).content.decode()
        section = html.split('id="commitments-heading"', 1)[1].split("</section>", 1)[0]
        item = section.split(f'href="{link.commitment.get_absolute_url()}"', 1)[1].split("</li>", 1)[0]
        assert ("our inference" if link.is_inferred else "stated by a source") in item, link
    assert sum(not link.is_inferred for link in links) == 2  # the airport and SmartMining Plus
    exported = {
        row["slug"]: row["commitments"] for row in json.loads(content(client.get("/agreements.json")))
    }
    assert "uz-transport-projects (stated)" in exported["tashkent-international-airport"]
    assert "initiative-energy-transition (inferred)" in exported["uzbekistan-solar-power-plants"]
    # The rule can fail: a stated link with no source, or an opinion piece alone, is refused.
    opinion = Source.objects.get(kind="opinion")
    assert "sources" in commitment_link_problems(commitment=None, basis="stated", note="x", sources=[])
    assert "sources" in commitment_link_problems(commitment=None, basis="stated", note="x", sources=[opinion])
    assert "note" in commitment_link_problems(commitment=None, basis="inferred", note=" ", sources=[])


def test_priority_areas_say_whether_a_source_gives_them(client, summit_data):
    classified = Commitment.objects.exclude(priority_area=None)
    assert not classified.filter(priority_area_basis="").exists()
    stated = set(classified.filter(priority_area_basis="stated").values_list("slug", flat=True))
    assert stated == {
        "initiative-energy-transition",
        "initiative-climate-change",
        "initiative-disaster-risk-reduction",
        "initiative-critical-minerals",
        "initiative-scholarships",
        "initiative-professional-training",
        "initiative-health-medical",
        "declaration-people-to-people",
    }
    for commitment in classified:
        html = client.get(commitment.get_absolute_url()).content.decode()
        shown = "our classification" in html.split('id="about-heading"', 1)[1].split("</section>", 1)[0]
        assert shown == commitment.area_is_ours, commitment.slug


def test_chapters_are_the_reports_own_never_the_declarations(client, summit_data):
    for language in ("", "/ja", "/ru"):
        for area in ("green-and-resilience", "connectivity", "human-resource-development"):
            html = client.get(f"{language}/priority-areas/{area}/").content.decode()
            assert "004" in html.split('class="lede"', 1)[1].split("</p>", 1)[0], (language, area)
            for wrong in ("of the Tokyo Declaration.", "東京宣言の第", "Токийской декларации."):
                assert wrong not in html, (language, area, wrong)


def test_a_commitments_chapter_is_our_reading_of_the_reports_titles(client, summit_data):
    placed = Commitment.objects.exclude(chapter=None)
    assert placed.count() >= 10
    for commitment in placed:
        html = client.get(commitment.get_absolute_url()).content.decode()
        term = html.split("analytical report's chapter list", 1)[1].split("</dd>", 1)[0]
        assert "our reading" in term and "does not say in which chapter" in term, commitment.slug
    # Source 004 never mentions the Middle Corridor: no chapter of its list is given for it.
    assert Commitment.objects.get(slug="declaration-middle-corridor").chapter is None


def test_joined_reports_and_opinion_only_records_say_so(client, summit_data):
    for slug in ("uzbekistan-japan-summit-package", "kazakhstan-japan-summit-package"):
        html = client.get(f"/agreements/{slug}/").content.decode()
        assert "Our inference joins two reports in this record" in html
        assert "Neither source says they describe the same documents" in html
    for slug in ("kyrgyzstan", "tajikistan", "turkmenistan"):
        html = client.get(f"/agreements/{slug}-japan-summit-documents/").content.decode()
        assert "Only the opinion piece (source 003) names these documents" in html
    # Sources 000 (signed) and 001 (two plants, presented) are joined for the solar plants.
    html = client.get("/agreements/uzbekistan-solar-power-plants/").content.decode()
    assert "Our inference joins two reports in this record" in html
    assert "Neither says they are the same plants" in html


def test_words_the_sources_did_not_use_are_gone(shipped_site, client, summit_data):
    tokayev = Commitment.objects.get(slug="kz-critical-minerals-role")
    html = client.get(tokayev.get_absolute_url()).content.decode()
    assert "Leader&#x27;s proposal" not in html and "Leader's proposal" not in html
    assert "Raised by a leader (not worded as a proposal): President Kassym-Jomart Tokayev" in html
    echo = Commitment.objects.exclude(same_pledge_as=None).first()
    assert (
        "No source says these records are one pledge" in client.get(echo.get_absolute_url()).content.decode()
    )
    for slug in ("toyota-tsusho", "sojitz", "jogmec", "jbic", "nexi"):
        html = client.get(f"/organizations/{slug}/").content.decode()
        lede = html.split('class="lede"', 1)[1].split("</p>", 1)[0]
        assert "trading company" not in lede and "agency" not in lede and "bank or" not in lede, slug
        assert "its kind and home country are our classification" in html
    source = client.get("/sources/summit-overview-2025-12-25/").content.decode()
    assert "currency signs before the dollar figures are missing" not in source
    assert "that they are US dollars is our reading" in source
    # Words and ranks no source gives, found by the second audit (issue 17).
    gone = [
        "a treaty matter",
        "above all the Trans-Caspian route",
        "inviting Japan into",
        "hosting rotating",
        "the first regular dialogue any country",
        "UN Development Programme",
        "Japan&#x27;s decision announced at the summit",
        "to train specialists",
        "to students from the region",
        "currency sign is missing",
        "signed or presented",
        "The commitments the sources name",
    ]
    for path, response in shipped_site.items():
        html = response.body.decode()
        if response["Content-Type"].startswith("text/html") and path.startswith(
            ("/countries/", "/agreements/", "/commitments/", "/organizations/", "/dialogue/")
        ):
            for words in gone:
                assert words not in html, (path, words)
    assert "one report (source 000) adds that hosting rotates in alphabetical order" in (
        client.get("/dialogue/").content.decode()
    )
    target = client.get("/target/").content.decode()
    assert "about $18\u00a0billion to $19\u00a0billion" in target  # "around" kept
    assert "€17.9\u00a0billion" in target and "17.90" not in target


def test_a_reported_lower_bound_rounds_down(client, summit_data):
    figure = ReportedFigure.objects.get(slug="target-in-usd")
    figure.value, figure.exactness = 18_995_000_000, "lower_bound"
    figure.save()
    html = client.get("/target/").content.decode()
    assert "more than $18.99\u00a0billion" in html and "more than $19\u00a0billion" not in html


def test_what_the_sources_say_about_the_summit_and_its_documents_is_shown(client, summit_data):
    statements = Statement.objects.prefetch_related("sources")
    assert {s.subject for s in statements} == set(Statement.Subject.values)
    assert all(s.sources.exists() for s in statements)
    html = client.get("/dialogue/").content.decode()
    for statement in statements:
        assert statement.text.replace("'", "&#x27;") in html, statement.slug
    target = client.get("/target/").content.decode()
    assert (
        "welcomed the Tokyo Initiative and said they were interested in developing joint projects" in target
    )
    with translation.override("ja"):
        assert client.get("/ja/dialogue/").status_code == 200


def test_a_link_cannot_be_stated_on_an_opinion_alone(summit_data):
    opinion = make_source(kind="opinion")
    commitment = Commitment.objects.get(slug="initiative-energy-transition")
    problems = commitment_link_problems(
        commitment=commitment, basis="stated", note="It says so.", sources=[opinion]
    )
    assert problems == {"sources": "An opinion piece cannot state a link on its own: cite another source."}
