"""CSV and JSON of the public lists, for the filters in the URL. A bad filter is a 400, never
the unfiltered data.

Long exports stream: rows are read in batches, each batch with its links, and written out as
they come, so a worker's memory stays flat whatever the number of rows. A short one (fewer than
READ_AHEAD rows) is written whole."""

import csv
import functools
import io
import json
import threading
from itertools import islice

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.db.models import Case, F, IntegerField, Value, When
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .. import compliance, freshness
from ..addresses import slug_url_parts
from ..filters import AgreementFilter, AssessmentFilter, ChangeFilter, CommitmentFilter
from ..models import (
    Agreement,
    AgreementCommitment,
    AgreementParty,
    ClaimBasis,
    Commitment,
    CountryAssessment,
    DateAccuracy,
    Party,
    Sector,
    Source,
    StatusChange,
    Verdict,
)
from ..models.assessments import SCORES
from ..models.base import VALUE_EXACTNESS, shown_to_readers
from ..rows import owned_rows
from ..spreadsheet import csv_cell

# Rows whose links (parties, sectors, commitments, sources, status steps) are read together, one
# query each. With 2,000, SQLite kept about 45 MiB in the worker after a full +100,000 export
# (its own memory, for the IN lists); with 500, 11 MiB, as fast, and as fast on PostgreSQL.
BATCH = 500
# Rows read before the response starts: an export with fewer is short and takes no slot.
READ_AHEAD = 2000
# At most this many exports stream at once in a server process, so its other threads stay free
# for pages however many exports a client asks for (`make run`: 4 threads a process).
EXPORTS_AT_ONCE = 2
export_slots = threading.BoundedSemaphore(EXPORTS_AT_ONCE)


# Every column of every export, in order, with what it holds: the exports write these columns,
# and the data dictionary page (/data/) describes them from here, so the two cannot drift.
def _codes(choices):
    named = [f"{value} ({label})" for value, label in choices]
    return _("%(first)s or %(last)s") % {"first": ", ".join(named[:-1]), "last": named[-1]}


# A vocabulary as the data dictionary names it, “exact (Exact day), … or unknown (Unknown)”,
# in the language of the page that shows it.
codes = lazy(_codes, str)


DATE_CODES = codes(DateAccuracy.choices)
STATUS_SINCE = {
    "status_since": _(
        "The date the current status took effect (YYYY-MM-DD), from its status record; blank when no "
        "source gives it."
    ),
    "status_since_accuracy": format_lazy(_("How exact that date is: {v0}."), v0=DATE_CODES),
}
COMMITMENT_COLUMNS = {
    "slug": _("The record's stable identifier; its page is /commitments/<slug>/."),
    "title": _("The commitment, in our words."),
    "origin": _(
        "Where it was made: the Tokyo Declaration, the Tokyo Initiative, Japan's announcements, the "
        "leaders' joint decisions or a leader's proposal."
    ),
    "same_pledge_as": _(
        "Our reading, not a source's: for a subject that appears in several places, the slug of its "
        "main record. Count distinct subjects by leaving out rows that have one."
    ),
    "proposed_by": _("The leader who proposed it, for a proposal."),
    "priority_area": _("The declaration's priority area; blank for a cross-cutting commitment."),
    "priority_area_basis": format_lazy(
        _("Whether a source places it in that area or the classification is ours: {v0}."),
        v0=codes(ClaimBasis.choices),
    ),
    "chapter_of_analysis_004": _(
        "Our reading: the chapter of the analytical report's own chapter list (source 004) whose title "
        "covers its subject. The report does not say where it discusses each commitment, and its titles "
        "are not proven chapters of the declaration."
    ),
    "status": _("The current status as a code (stable; for machines)."),
    "status_label": _("The current status in words."),
    **STATUS_SINCE,
    "progress_percent": _("Share delivered, where a source gives one; blank otherwise."),
    "target_date": _("The date it is due by, where a source gives one."),
    "countries": _("The countries it names, separated by “; ”."),
    "organizations": _("The organizations it names, separated by “; ”."),
    "sources": _("The titles of the sources it rests on, separated by “; ”."),
    "last_checked_on": _(
        "When an editor last checked it against the evidence (YYYY-MM-DD); blank if not yet."
    ),
    "is_synthetic": _("True only for generated test records; never in the public data."),
    "url": _("Its page on this site."),
}
AGREEMENT_COLUMNS = {
    "slug": _("The record's stable identifier; its page is /agreements/<slug>/."),
    "title": _("The agreement, project or package, in our words."),
    "instrument": _("The kind of document: memorandum, loan, business project, package…"),
    "status": _("The current status as a code (stable; for machines)."),
    "status_label": _("The current status in words."),
    **STATUS_SINCE,
    "signed_on": _("The signing date (YYYY-MM-DD); blank when no source dates it."),
    "signed_on_accuracy": format_lazy(_("How exact the signing date is: {v0}."), v0=DATE_CODES),
    "amount": _("The value in its own currency, as a plain decimal number; blank when no source gives one."),
    "currency": _("The amount's ISO 4217 currency code."),
    "value_exactness": format_lazy(
        _("{v0}; blank with no amount. A lower bound is never an exact value."), v0=codes(VALUE_EXACTNESS)
    ),
    "value_in_yen": _(
        "The amount in whole yen at the rate shown on the agreement's page; a lower bound is rounded down."
    ),
    "value_as_reported": _("The source's own words for the value, quoted as they stand."),
    "value_reading": _("Where amount or currency is our reading of the source: what we read and why."),
    "target_link": format_lazy(
        _("How a source ties it to the target: {v0}. Stated and reported figures are never added together."),
        v0=codes(Agreement.TargetLink.choices),
    ),
    "target_link_label": _("The same in words."),
    "is_aggregate": _(
        "True for a package that other agreements may be part of: never add a package and its parts."
    ),
    "part_of": _("The slug of the package it belongs to."),
    "part_of_basis": format_lazy(
        _("Why it is part of that package: {v0}."), v0=codes(Agreement.PartOfBasis.choices)
    ),
    "countries": _("The countries that take part, in any role, separated by “; ”."),
    "parties": _("Every party with its role in brackets, separated by “; ”."),
    "sectors": _("Its sectors, separated by “; ”."),
    "commitments": format_lazy(
        _(
            "The commitments it is linked to, each as its slug with the link's basis in brackets "
            "({v0}), separated by “; ”. Its tie to the target is target_link, never a commitment."
        ),
        v0=codes(ClaimBasis.choices),
    ),
    "sources": _("The titles of the sources it rests on, separated by “; ”."),
    "last_checked_on": _(
        "When an editor last checked it against the evidence (YYYY-MM-DD); blank if not yet."
    ),
    "is_synthetic": _("True only for generated test records; never in the public data."),
    "url": _("Its page on this site."),
}
CHANGE_COLUMNS = {
    "subject_kind": _("commitment or agreement."),
    "subject_slug": _("The slug of the commitment or agreement."),
    "subject_title": _("Its title."),
    "old_status": _("The status before this step, as a code; blank for a record's first step."),
    "old_status_label": _("The same in words."),
    "new_status": _("The status this step set, as a code."),
    "new_status_label": _("The same in words."),
    "effective_on": _("The date the step took effect (YYYY-MM-DD); blank when no source gives it."),
    "date_accuracy": format_lazy(_("How exact that date is: {v0}."), v0=DATE_CODES),
    "note": _("What changed and how we know, as shown on the public timeline."),
    "sources": _("The titles of the sources of this step, separated by “; ”."),
    "recorded_at": _(
        "When an editor or the loader recorded the step in this tracker (the real time of the write, "
        "UTC); not a date from the sources."
    ),
    "url": _("The step on its record's public timeline."),
}
COMMITMENT_FIELDS = (
    "pk",
    "slug",
    "title",
    "origin",
    "same_pledge_as__slug",
    "proposed_by__name",
    "priority_area__name",
    "priority_area_basis",
    "chapter__number",
    "chapter__title",
    "status",
    "progress_percent",
    "target_date",
    "last_reviewed_on",
    "is_synthetic",
)
AGREEMENT_FIELDS = (
    "pk",
    "slug",
    "title",
    "instrument",
    "status",
    "signed_on",
    "signed_on_accuracy",
    "amount",
    "currency",
    "value_exactness",
    "yen_value",
    "value_as_reported",
    "value_reading",
    "target_link",
    "is_aggregate",
    "part_of__slug",
    "part_of_basis",
    "last_reviewed_on",
    "is_synthetic",
)
CHANGE_FIELDS = (
    "pk",
    "uid",
    "commitment__slug",
    "commitment__title",
    "agreement__slug",
    "agreement__title",
    "old_status",
    "new_status",
    "effective_on",
    "date_accuracy",
    "note",
    "recorded_at",
)
ASSESSMENT_COLUMNS = {
    "commitment_slug": _("The slug of the shared commitment."),
    "commitment_title": _("Its title."),
    "country": _("The country assessed."),
    "country_slug": _("The country's slug; its page is /countries/<slug>/."),
    "verdict": format_lazy(_("The verdict as a code: {v0}."), v0=codes(Verdict.choices)),
    "verdict_label": _("The same in words."),
    "score": _(
        "The verdict's score: 1, 0 or -1 (a country's score is their average over its assessed rows)."
    ),
    "assessed_on": _("The day the rationale was written (YYYY-MM-DD): the evidence it weighs is as of then."),
    "rationale": _("Why, for readers, as shown on the commitment's page."),
    "sources": _("The titles of the sources of the verdict, separated by “; ”."),
    "last_checked_on": _("When an editor last checked the verdict against the evidence (YYYY-MM-DD)."),
    "url": _("The verdict on the commitment's page."),
}
ASSESSMENT_FIELDS = (
    "pk",
    "commitment__slug",
    "commitment__title",
    "country__name",
    "country__slug",
    "verdict",
    "assessed_on",
    "rationale",
    "last_reviewed_on",
)
EXPORTS = [
    (_("Commitments"), "tracker:commitment_export", COMMITMENT_COLUMNS),
    (_("Agreements"), "tracker:agreement_export", AGREEMENT_COLUMNS),
    (_("Status history"), "tracker:change_export", CHANGE_COLUMNS),
    (_("Each country's verdicts on shared commitments"), "tracker:assessment_export", ASSESSMENT_COLUMNS),
]


def bad_filter(filterset):
    reasons = {field: [str(error) for error in errors] for field, errors in filterset.errors.items()}
    body = json.dumps({"error": "invalid filter", "fields": reasons}, indent=2)
    return HttpResponse(body, status=400, content_type="application/json")


CHUNK_ROWS = 500  # rows written out per chunk: a chunk per row cost more than writing them


def chunked(rows):
    rows = iter(rows)
    while chunk := list(islice(rows, CHUNK_ROWS)):
        yield chunk


def csv_lines(columns, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # A byte-order mark: without it Excel reads UTF-8 as the local code page (Cyrillic and
    # Japanese names garbled). Then a header row, even when nothing matches.
    writer.writerow(list(columns))
    yield "\ufeff" + buffer.getvalue()
    for chunk in chunked(rows):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([csv_cell(row[column]) for column in columns] for row in chunk)
        yield buffer.getvalue()


# Dates, times and decimals written as Django's own JSON encoder writes them (a time to the
# millisecond, UTC as "Z"; a decimal as text, so no digit is lost).
DJANGO_JSON = DjangoJSONEncoder()
AS_DJANGO_WRITES_DATES = orjson.OPT_PASSTHROUGH_DATETIME


def json_lines(rows):
    """The rows as a JSON array, one row a line, in UTF-8. orjson, not the standard library's
    encoder: that was a tenth of a short export's instructions."""
    yield b"["
    separator = b"\n"
    for chunk in chunked(rows):
        lines = [
            orjson.dumps(row, default=DJANGO_JSON.default, option=AS_DJANGO_WRITES_DATES) for row in chunk
        ]
        yield separator + b",\n".join(lines)
        separator = b",\n"
    yield b"\n]\n"


class SlotStream:
    """A long export's lines, holding an export slot and its query's cursor until the server
    closes the response (which WSGI servers always do, whether the client read to the end or went
    away). The cursor is closed then, in the request's thread, not whenever the garbage collector
    gets to it: by then the connection may be inside another request's transaction."""

    def __init__(self, lines, records):
        self.lines, self.records = lines, records
        self.released = False

    def __iter__(self):
        try:
            yield from self.lines
        finally:
            self.close()

    def close(self):
        if not self.released:
            self.released = True
            try:
                self.records.close()
            finally:
                export_slots.release()


def busy():
    response = HttpResponse(
        "Too many exports are running; try again in a few seconds.\n", status=503, content_type="text/plain"
    )
    response["Retry-After"] = "10"
    return response


def export(columns, rows, fmt, name, *, records):
    """`rows` (made from `records`, a Batches) as CSV or JSON. A long export streams and takes a
    slot; a short one (all its rows read ahead) is written whole, in one response with its length:
    streamed, its few chunks were each a write to the socket, an eighth of a short export's time."""
    stamp = timezone.localdate().isoformat()
    lines = json_lines(rows) if fmt == "json" else csv_lines(columns, rows)
    content_type = "application/json" if fmt == "json" else "text/csv; charset=utf-8"
    if not records.long:
        response = HttpResponse((b"" if fmt == "json" else "").join(lines), content_type=content_type)
    elif export_slots.acquire(blocking=False):
        response = StreamingHttpResponse(SlotStream(lines, records), content_type=content_type)
    else:
        records.close()
        return busy()
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{fmt}"'
    return response


class Batches:
    """The filter set's records as dicts of `fields`, a batch at a time: plain rows, not models
    (building two model objects per exported row was a quarter of a 100,000-row export), read
    through FilterSet.rows (its query compiled once per shape), in `order` where no sort is asked.

    The first READ_AHEAD rows are read at once: an export with fewer is short and needs no slot,
    known without a COUNT(*) (with a country filter, a correlated EXISTS over every agreement)
    before the rows' own query."""

    def __init__(self, filterset, fields, order=()):
        self.records = rows = None  # records: a streaming query's rows, open until read or closed
        if connections[filterset.queryset.db].vendor == "postgresql":
            # Its streaming (server-side) cursor costs three round trips more than a plain one,
            # and keeps the whole result: a short export is read with a plain cursor and a
            # LIMIT, and only a long one is read again, streaming (+100,000, the JSON mix: 11 %).
            rows = list(filterset.rows(fields, order=order, limit=READ_AHEAD))
        if rows is None or len(rows) == READ_AHEAD:
            rows = self.records = filterset.rows(fields, order=order, chunked=True)
        self.rows = (dict(zip(fields, row, strict=True)) for row in rows)
        self.first = list(islice(self.rows, READ_AHEAD))
        self.long = len(self.first) == READ_AHEAD

    def __iter__(self):
        for start in range(0, len(self.first), BATCH):
            yield self.first[start : start + BATCH]
        while batch := list(islice(self.rows, BATCH)):
            yield batch

    def close(self):
        if self.records:  # its cursor (a short export's is closed already: it was read to the end)
            self.records.close()


def joined(items):
    return "; ".join(items)


def links(through, owner, target, *extra, owners, names=None, among=None):
    """{owner id: [name of target, …]} (tuples with `extra` columns), sorted, for the `owners`
    ids, in one query per batch: a prefetch per relation would build a queryset per row.
    `names` ({id: name}, loaded once per export) turns target ids into text for the small
    tables; without it `target` is a joined text column. `among` (a Q) keeps only some links."""
    rows = owned_rows(through, owner, (owner, target, *extra), among=among)
    found = {}
    for owner_id, target_id, *more in rows(owners):
        if names is None:
            name = target_id
        elif target_id in names:
            name = names[target_id]
        else:  # a record added since the request read its names: of the next version
            continue
        found.setdefault(owner_id, []).append((name, *more) if more else name)
    for items in found.values():
        items.sort()
    return found


def status_since(subject, batch):
    """{record id: (date, accuracy)} of the step that set each record's current status (the latest
    recorded step to it), for a batch of plain rows. The steps come oldest first, so the last one
    to the current status wins; the database orders them (reading and sorting their timestamps
    in Python was a tenth of a 100,000-row export on PostgreSQL)."""
    current = {row["pk"]: row["status"] for row in batch}
    steps = owned_rows(
        StatusChange,
        subject,
        (subject, "new_status", "effective_on", "date_accuracy"),
        order=("recorded_at", "pk"),
    )
    since = {}
    for pk, status, effective_on, accuracy in steps(current):
        if status == current[pk]:
            since[pk] = (effective_on, accuracy)
    return since


def since_columns(since, pk):
    effective_on, accuracy = since.get(pk, (None, None))
    return {"status_since": effective_on, "status_since_accuracy": accuracy}


def labels(vocabulary):
    """{code: label} of a vocabulary (TextChoices) in the request's language, translated once per
    process and language, not once per row or export (and before the response streams, when the
    request's language may no longer be active)."""
    return _labels(vocabulary, get_language())


@functools.lru_cache(maxsize=64)
def _labels(vocabulary, language):
    with translation.override(language):
        return {value: str(label) for value, label in vocabulary.choices}


def names(model, *fields):
    """{id: its `fields`' value (a tuple of them where several)} for every row of a small table
    (parties, sectors, sources), kept for the data version and remembered by the process: a short
    export needed three such queries more than its own rows."""

    def read():
        rows = model.objects.order_by().values_list("pk", *fields)
        return {pk: values[0] if len(values) == 1 else tuple(values) for pk, *values in rows}

    return freshness.kept_in_process("names", read, model._meta.label, *fields)


def url_maker(request, name):
    """Absolute URLs of detail pages by slug, the address worked out once for the whole export."""
    before, after = slug_url_parts(name)
    before = request.build_absolute_uri(before)
    return lambda slug: f"{before}{slug}{after}"


@freshness.one_version_per_request
def commitments_export(request, fmt):
    queryset = Commitment.objects.public()
    filterset = CommitmentFilter(request.GET, queryset=queryset, request=request, rendered=False)
    if not filterset.is_valid():
        return bad_filter(filterset)
    url = url_maker(request, "tracker:commitment_detail")
    origins, statuses = labels(Commitment.Origin), labels(Commitment.Status)

    party_names, source_titles = names(Party, "name"), names(Source, "title")
    records = Batches(filterset, COMMITMENT_FIELDS)  # its cursor stays open: nothing may fail after it

    def rows():
        for batch in records:
            ids = [commitment["pk"] for commitment in batch]
            countries = links(
                Commitment.countries.through, "commitment", "party", owners=ids, names=party_names
            )
            organizations = links(
                Commitment.organizations.through, "commitment", "party", owners=ids, names=party_names
            )
            sources = links(
                Commitment.sources.through, "commitment", "source", owners=ids, names=source_titles
            )
            since = status_since("commitment", batch)
            for commitment in batch:
                pk, chapter = commitment["pk"], commitment["chapter__number"]
                yield {
                    "slug": commitment["slug"],
                    "title": commitment["title"],
                    "origin": origins[commitment["origin"]],
                    "same_pledge_as": commitment["same_pledge_as__slug"],
                    "proposed_by": commitment["proposed_by__name"],
                    "priority_area": commitment["priority_area__name"],
                    "priority_area_basis": commitment["priority_area_basis"] or None,
                    "chapter_of_analysis_004": f"{chapter}. {commitment['chapter__title']}"
                    if chapter
                    else None,
                    "status": commitment["status"],
                    "status_label": statuses[commitment["status"]],
                    **since_columns(since, pk),
                    "progress_percent": commitment["progress_percent"],
                    "target_date": commitment["target_date"],
                    "countries": joined(countries.get(pk, ())),
                    "organizations": joined(organizations.get(pk, ())),
                    "sources": joined(sources.get(pk, ())),
                    "last_checked_on": commitment["last_reviewed_on"],
                    "is_synthetic": commitment["is_synthetic"],
                    "url": url(commitment["slug"]),
                }

    return export(COMMITMENT_COLUMNS, rows(), fmt, "commitments", records=records)


# The list's newest-first order (Agreement.Meta.ordering), written so that no index serves it. An
# export has no LIMIT: walking PostgreSQL's newest-first index (migration 0025) to find a filter's
# few rows read the whole index (44 -> 119 ms at +100,000), and on SQLite the full export's walk of
# the signing-date index took 662 ms against 393 for a scan and a sort. Same rows, same order.
AGREEMENTS_NEWEST_FIRST_BY_SORTING = (
    Case(When(signed_on__isnull=True, then=Value(1)), default=Value(0), output_field=IntegerField()),
    F("signed_on").desc(),
    "title",
    "pk",
)


@freshness.one_version_per_request
def agreements_export(request, fmt):
    queryset = Agreement.objects.public()
    filterset = AgreementFilter(request.GET, queryset=queryset, request=request, rendered=False)
    if not filterset.is_valid():
        return bad_filter(filterset)
    url = url_maker(request, "tracker:agreement_detail")
    roles = labels(AgreementParty.Role)
    instruments, statuses = labels(Agreement.Instrument), labels(Agreement.Status)
    target_links = labels(Agreement.TargetLink)

    parties = names(Party, "name", "kind")  # one read: each party's name and kind together
    party_names = {pk: name for pk, (name, _kind) in parties.items()}
    country_names = {name for name, kind in parties.values() if kind == Party.Kind.COUNTRY}
    sector_names, source_titles = names(Sector, "name"), names(Source, "title")
    # As the agreement's page lists them; a condition on the row joined for the slug (an IN over
    # every public commitment was probed once for each link: 0.9 ms a short export at +10,000).
    published = shown_to_readers("commitment__")
    # Without a `sort`, the list's default order. Its cursor stays open: nothing may fail after it.
    records = Batches(filterset, AGREEMENT_FIELDS, order=AGREEMENTS_NEWEST_FIRST_BY_SORTING)

    def rows():
        for batch in records:
            ids = [agreement["pk"] for agreement in batch]
            parties = links(AgreementParty, "agreement", "party", "role", owners=ids, names=party_names)
            sectors = links(Agreement.sectors.through, "agreement", "sector", owners=ids, names=sector_names)
            commitments = links(
                AgreementCommitment, "agreement", "commitment__slug", "basis", owners=ids, among=published
            )
            sources = links(Agreement.sources.through, "agreement", "source", owners=ids, names=source_titles)
            since = status_since("agreement", batch)
            for agreement in batch:
                pk = agreement["pk"]
                yield {
                    "slug": agreement["slug"],
                    "title": agreement["title"],
                    "instrument": instruments[agreement["instrument"]],
                    "status": agreement["status"],
                    "status_label": statuses[agreement["status"]],
                    **since_columns(since, pk),
                    "signed_on": agreement["signed_on"],
                    "signed_on_accuracy": agreement["signed_on_accuracy"],
                    "amount": agreement["amount"],
                    "currency": agreement["currency"] or None,
                    "value_exactness": agreement["value_exactness"] or None,
                    "value_in_yen": agreement["yen_value"],
                    "value_as_reported": agreement["value_as_reported"],
                    "value_reading": agreement["value_reading"],
                    "target_link": agreement["target_link"],
                    "target_link_label": target_links[agreement["target_link"]],
                    "is_aggregate": agreement["is_aggregate"],
                    "part_of": agreement["part_of__slug"],
                    "part_of_basis": agreement["part_of_basis"] or None,
                    "countries": joined(
                        sorted({name for name, _role in parties.get(pk, ()) if name in country_names})
                    ),
                    "parties": joined(f"{name} ({roles[role]})" for name, role in parties.get(pk, ())),
                    "sectors": joined(sectors.get(pk, ())),
                    "commitments": joined(f"{slug} ({basis})" for slug, basis in commitments.get(pk, ())),
                    "sources": joined(sources.get(pk, ())),
                    "last_checked_on": agreement["last_reviewed_on"],
                    "is_synthetic": agreement["is_synthetic"],
                    "url": url(agreement["slug"]),
                }

    return export(AGREEMENT_COLUMNS, rows(), fmt, "agreements", records=records)


@freshness.one_version_per_request
def changes_export(request, fmt):
    """Every public status record (the history behind the timelines), oldest first."""
    queryset = StatusChange.objects.public().order_by("recorded_at", "pk")
    filterset = ChangeFilter(request.GET, queryset=queryset, request=request, rendered=False)
    if not filterset.is_valid():
        return bad_filter(filterset)
    commitment_url = url_maker(request, "tracker:commitment_detail")
    agreement_url = url_maker(request, "tracker:agreement_detail")
    status_labels = {
        "commitment": labels(Commitment.Status),
        "agreement": labels(Agreement.Status),
    }

    source_titles = names(Source, "title")
    records = Batches(filterset, CHANGE_FIELDS)  # its cursor stays open: nothing may fail after it

    def rows():
        for batch in records:
            sources = links(
                StatusChange.sources.through,
                "statuschange",
                "source",
                owners=[change["pk"] for change in batch],
                names=source_titles,
            )
            for change in batch:
                kind = "commitment" if change["commitment__slug"] else "agreement"
                url = commitment_url if kind == "commitment" else agreement_url
                yield {
                    "subject_kind": kind,
                    "subject_slug": change[f"{kind}__slug"],
                    "subject_title": change[f"{kind}__title"],
                    "old_status": change["old_status"] or None,
                    "old_status_label": status_labels[kind].get(change["old_status"]),
                    "new_status": change["new_status"],
                    "new_status_label": status_labels[kind][change["new_status"]],
                    "effective_on": change["effective_on"],
                    "date_accuracy": change["date_accuracy"],
                    "note": change["note"],
                    "sources": joined(sources.get(change["pk"], ())),
                    "recorded_at": change["recorded_at"],
                    "url": f"{url(change[f'{kind}__slug'])}#change-{change['uid']}",
                }

    return export(CHANGE_COLUMNS, rows(), fmt, "status-history", records=records)


@freshness.one_version_per_request
def assessments_export(request, fmt):
    """Every country's verdict on the shared commitments naming it."""
    queryset = compliance.standing_assessments().order_by("commitment__slug", "country__slug")
    filterset = AssessmentFilter(request.GET, queryset=queryset, request=request, rendered=False)
    if not filterset.is_valid():
        return bad_filter(filterset)
    url = url_maker(request, "tracker:commitment_detail")
    verdicts = labels(Verdict)

    source_titles = names(Source, "title")
    records = Batches(filterset, ASSESSMENT_FIELDS)  # its cursor stays open: nothing may fail after it

    def rows():
        for batch in records:
            sources = links(
                CountryAssessment.sources.through,
                "countryassessment",
                "source",
                owners=[assessment["pk"] for assessment in batch],
                names=source_titles,
            )
            for assessment in batch:
                yield {
                    "commitment_slug": assessment["commitment__slug"],
                    "commitment_title": assessment["commitment__title"],
                    "country": assessment["country__name"],
                    "country_slug": assessment["country__slug"],
                    "verdict": assessment["verdict"],
                    "verdict_label": verdicts[assessment["verdict"]],
                    "score": SCORES[assessment["verdict"]],
                    "assessed_on": assessment["assessed_on"],
                    "rationale": assessment["rationale"],
                    "sources": joined(sources.get(assessment["pk"], ())),
                    "last_checked_on": assessment["last_reviewed_on"],
                    "url": f"{url(assessment['commitment__slug'])}#assessment-{assessment['country__slug']}",
                }

    return export(ASSESSMENT_COLUMNS, rows(), fmt, "country-assessments", records=records)
