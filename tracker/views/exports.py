"""CSV and JSON of the public lists, for the filters in the URL. A bad filter is a 400, never
the unfiltered data.

Exports stream: rows are read in batches, each batch with its links, and written out as they
come, so a worker's memory stays flat whatever the number of rows."""

import csv
import io
import json
import threading
from itertools import islice

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from ..filters import AgreementFilter, CommitmentFilter
from ..models import Agreement, AgreementParty, Commitment, Party, Sector, Source
from ..rows import raw_rows
from ..spreadsheet import csv_cell

BATCH = 2000
# At most this many exports stream at once in a server process, so its other threads stay free
# for pages however many exports a client asks for (`make run`: 4 threads a process).
EXPORTS_AT_ONCE = 2
export_slots = threading.BoundedSemaphore(EXPORTS_AT_ONCE)

COMMITMENT_COLUMNS = [
    "slug",
    "title",
    "origin",
    "same_pledge_as",
    "proposed_by",
    "priority_area",
    "chapter_of_analysis_004",
    "status",
    "status_label",
    "progress_percent",
    "target_date",
    "countries",
    "organizations",
    "sources",
    "is_synthetic",
    "url",
]
COMMITMENT_FIELDS = [
    "pk",
    "slug",
    "title",
    "origin",
    "same_pledge_as__slug",
    "proposed_by__name",
    "priority_area__name",
    "chapter__number",
    "chapter__title",
    "status",
    "progress_percent",
    "target_date",
    "is_synthetic",
]
AGREEMENT_FIELDS = [
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
    "is_synthetic",
]
AGREEMENT_COLUMNS = [
    "slug",
    "title",
    "instrument",
    "status",
    "status_label",
    "signed_on",
    "signed_on_accuracy",
    "amount",
    "currency",
    "value_exactness",
    "value_in_yen",
    "value_as_reported",
    "value_reading",
    "target_link",
    "target_link_label",
    "is_aggregate",
    "part_of",
    "part_of_basis",
    "parties",
    "sectors",
    "commitments",
    "sources",
    "is_synthetic",
    "url",
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
    writer.writerow(columns)
    yield "\ufeff" + buffer.getvalue()
    for chunk in chunked(rows):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([csv_cell(row[column]) for column in columns] for row in chunk)
        yield buffer.getvalue()


def json_lines(rows):
    yield "["
    separator = "\n"
    for chunk in chunked(rows):
        lines = [json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False) for row in chunk]
        yield separator + ",\n".join(lines)
        separator = ",\n"
    yield "\n]\n"


class SlotStream:
    """An export's lines, holding an export slot until the server closes the response (which
    WSGI servers always do, whether the client read to the end or went away)."""

    def __init__(self, lines):
        self.lines = lines
        self.released = False

    def __iter__(self):
        try:
            yield from self.lines
        finally:
            self.close()

    def close(self):
        if not self.released:
            self.released = True
            export_slots.release()


def busy():
    response = HttpResponse(
        "Too many exports are running; try again in a few seconds.\n", status=503, content_type="text/plain"
    )
    response["Retry-After"] = "10"
    return response


def export(columns, rows, fmt, name, *, row_count):
    # Only a long export takes a slot: one batch streams in a fraction of a second.
    needs_slot = row_count > BATCH
    if needs_slot and not export_slots.acquire(blocking=False):
        return busy()
    stamp = timezone.localdate().isoformat()
    lines = json_lines(rows) if fmt == "json" else csv_lines(columns, rows)
    content_type = "application/json" if fmt == "json" else "text/csv; charset=utf-8"
    response = StreamingHttpResponse(SlotStream(lines) if needs_slot else lines, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{fmt}"'
    return response


def batches(queryset, fields):
    """The rows of `queryset` as dicts of `fields`, a batch at a time: plain rows, not models
    (building two model objects per exported row was a quarter of a 100,000-row export)."""
    rows = queryset.values(*fields).iterator(chunk_size=BATCH)
    while batch := list(islice(rows, BATCH)):
        yield batch


def joined(items):
    return "; ".join(items)


def links(through, owner, target, *extra, owners, names=None):
    """{owner id: [name of target, …]} (tuples with `extra` columns), sorted, for the `owners`
    ids, in one query per batch: a prefetch per relation would build a queryset per row.
    `names` ({id: name}, loaded once per export) turns target ids into text for the small
    tables; without it `target` is a joined text column. The ids are our own integers, written
    into the SQL, since binding 2,000 of them one by one through the ORM cost more than the
    query."""
    column = through._meta.get_field(owner).column
    owned_by = f"{connection.ops.quote_name(through._meta.db_table)}.{connection.ops.quote_name(column)}"
    id_list = ",".join(str(int(pk)) for pk in owners) or "NULL"
    rows = (
        through.objects.extra(where=[f"{owned_by} IN ({id_list})"])
        .order_by()
        .values_list(owner, target, *extra)
    )
    found = {}
    for owner_id, target_id, *more in raw_rows(rows):
        name = names[target_id] if names is not None else target_id
        found.setdefault(owner_id, []).append((name, *more) if more else name)
    for items in found.values():
        items.sort()
    return found


def names(model, field):
    return dict(model.objects.order_by().values_list("pk", field))


def url_maker(request, name):
    """Absolute URLs of detail pages by slug, with one reverse() for the whole export."""
    template = request.build_absolute_uri(reverse(name, args=["SLUG-PLACEHOLDER"]))
    before, after = template.split("SLUG-PLACEHOLDER")
    return lambda slug: f"{before}{slug}{after}"


def commitments_export(request, fmt):
    queryset = Commitment.objects.public()
    filterset = CommitmentFilter(request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        return bad_filter(filterset)
    url = url_maker(request, "tracker:commitment_detail")
    origins, statuses = dict(Commitment.Origin.choices), dict(Commitment.Status.choices)

    def rows():
        party_names, source_titles = names(Party, "name"), names(Source, "title")
        for batch in batches(filterset.qs, COMMITMENT_FIELDS):
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
            for commitment in batch:
                pk, chapter = commitment["pk"], commitment["chapter__number"]
                yield {
                    "slug": commitment["slug"],
                    "title": commitment["title"],
                    "origin": origins[commitment["origin"]],
                    "same_pledge_as": commitment["same_pledge_as__slug"],
                    "proposed_by": commitment["proposed_by__name"],
                    "priority_area": commitment["priority_area__name"],
                    "chapter_of_analysis_004": f"{chapter}. {commitment['chapter__title']}"
                    if chapter
                    else None,
                    "status": commitment["status"],
                    "status_label": statuses[commitment["status"]],
                    "progress_percent": commitment["progress_percent"],
                    "target_date": commitment["target_date"],
                    "countries": joined(countries.get(pk, ())),
                    "organizations": joined(organizations.get(pk, ())),
                    "sources": joined(sources.get(pk, ())),
                    "is_synthetic": commitment["is_synthetic"],
                    "url": url(commitment["slug"]),
                }

    return export(COMMITMENT_COLUMNS, rows(), fmt, "commitments", row_count=filterset.qs.count())


def agreements_export(request, fmt):
    queryset = Agreement.objects.public()
    filterset = AgreementFilter(request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        return bad_filter(filterset)
    url = url_maker(request, "tracker:agreement_detail")
    roles = dict(AgreementParty.Role.choices)
    instruments, statuses = dict(Agreement.Instrument.choices), dict(Agreement.Status.choices)
    target_links = dict(Agreement.TargetLink.choices)

    def rows():
        party_names, sector_names = names(Party, "name"), names(Sector, "name")
        source_titles = names(Source, "title")
        for batch in batches(filterset.qs, AGREEMENT_FIELDS):
            ids = [agreement["pk"] for agreement in batch]
            parties = links(AgreementParty, "agreement", "party", "role", owners=ids, names=party_names)
            sectors = links(Agreement.sectors.through, "agreement", "sector", owners=ids, names=sector_names)
            commitments = links(Agreement.commitments.through, "agreement", "commitment__slug", owners=ids)
            sources = links(Agreement.sources.through, "agreement", "source", owners=ids, names=source_titles)
            for agreement in batch:
                pk = agreement["pk"]
                yield {
                    "slug": agreement["slug"],
                    "title": agreement["title"],
                    "instrument": instruments[agreement["instrument"]],
                    "status": agreement["status"],
                    "status_label": statuses[agreement["status"]],
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
                    "parties": joined(f"{name} ({roles[role]})" for name, role in parties.get(pk, ())),
                    "sectors": joined(sectors.get(pk, ())),
                    "commitments": joined(commitments.get(pk, ())),
                    "sources": joined(sources.get(pk, ())),
                    "is_synthetic": agreement["is_synthetic"],
                    "url": url(agreement["slug"]),
                }

    return export(AGREEMENT_COLUMNS, rows(), fmt, "agreements", row_count=filterset.qs.count())
