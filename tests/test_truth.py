"""Every date, status and role the site shows rests on a source record, and says no more."""

import calendar
import csv
import datetime
import io
import json
import re

from tests.test_public_pages import crawl
from tracker.models import Agreement, AgreementParty, ExchangeRate, Source, StatusChange, Summit, Target

MONTHS = list(calendar.month_name)[1:]
MONTH_NAMES = "|".join(MONTHS + [month[:3] for month in MONTHS])
DATE_IN_TEXT = re.compile(rf"\b(\d{{1,2}}) ({MONTH_NAMES}) (\d{{4}})\b")
# Our own times (when a record last changed here, the day a page was read or a badge drawn) are
# facts about the tracker, not the summit.
OWN_TIMESTAMPS = re.compile(
    r"(Records last changed in this tracker on|Accessed|As of) <time[^>]*>[^<]*</time>"
    rf"|As of \d{{1,2}} ({MONTH_NAMES}) \d{{4}} · CA\+JAD Tokyo summit tracker"
)


def sourced_dates():
    """Every date a source record gives: status steps with their sources, the sources' own dates,
    the summit, the target's window and the rates the sources imply."""
    dates = set(
        StatusChange.objects.filter(sources__isnull=False)
        .exclude(effective_on=None)
        .values_list("effective_on", flat=True)
    )
    dates |= set(Source.objects.exclude(published_on=None).values_list("published_on", flat=True))
    dates |= set(Summit.objects.exclude(held_on=None).values_list("held_on", flat=True))
    for target in Target.objects.all():
        dates |= {target.starts_on, target.ends_on}
    dates |= set(ExchangeRate.objects.values_list("effective_on", flat=True))
    for note in Source.objects.values_list("date_note", flat=True):  # a source's date in its own words
        dates |= set(dates_in_text(note))
    return dates


def dates_in_text(text):
    for day, month, year in DATE_IN_TEXT.findall(text):
        yield datetime.date(int(year), [m[:3] for m in MONTHS].index(month[:3]) + 1, int(day))


def dates_shown(html):
    html = OWN_TIMESTAMPS.sub("", html)
    for value in re.findall(r'<time datetime="(\d{4}-\d{2}-\d{2})"', html):
        yield datetime.date.fromisoformat(value)
    yield from dates_in_text(re.sub(r"<[^>]+>", " ", html))


def test_every_date_on_every_page_and_export_is_sourced(client, summit_data):
    allowed = sourced_dates()
    responses = crawl(client)
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
