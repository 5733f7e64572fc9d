"""CSV and JSON of the public lists, for the filters in the URL. A bad filter is a 400, never
the unfiltered data.

Exports stream: rows are read in batches, each batch with its links, and written out as they
come, so a worker's memory stays flat whatever the number of rows."""

import csv
import json
import threading
from itertools import islice

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from ..filters import AgreementFilter, CommitmentFilter
from ..models import Agreement, AgreementParty, Commitment
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


class Echo:
    """A file-like object whose write returns what it was given, for a streaming csv.writer."""

    def write(self, value):
        return value


def csv_lines(columns, rows):
    writer = csv.writer(Echo())
    yield writer.writerow(columns)  # a header row even when nothing matches
    for row in rows:
        yield writer.writerow([csv_cell(row[column]) for column in columns])


def json_lines(rows):
    yield "["
    separator = "\n"
    for row in rows:
        yield separator + json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False)
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


def export(columns, rows, fmt, name):
    if not export_slots.acquire(blocking=False):
        return busy()
    stamp = timezone.localdate().isoformat()
    lines = json_lines(rows) if fmt == "json" else csv_lines(columns, rows)
    content_type = "application/json" if fmt == "json" else "text/csv; charset=utf-8"
    response = StreamingHttpResponse(SlotStream(lines), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{fmt}"'
    return response


def batches(queryset):
    rows = queryset.iterator(chunk_size=BATCH)
    while batch := list(islice(rows, BATCH)):
        yield batch


def joined(items):
    return "; ".join(str(item) for item in items)


def links(through, owner, *values, owners):
    """{owner id: [value, …]} (tuples when several `values`) for the `owners` ids, in one query:
    a prefetch per relation would build a queryset per row."""
    found = {}
    rows = through.objects.filter(**{f"{owner}__in": owners}).order_by(owner, *values)
    for owner_id, *items in rows.values_list(owner, *values):
        found.setdefault(owner_id, []).append(items[0] if len(items) == 1 else tuple(items))
    return found


def url_maker(request, name):
    """Absolute URLs of detail pages by slug, with one reverse() for the whole export."""
    template = request.build_absolute_uri(reverse(name, args=["SLUG-PLACEHOLDER"]))
    before, after = template.split("SLUG-PLACEHOLDER")
    return lambda slug: f"{before}{slug}{after}"


def commitments_export(request, fmt):
    queryset = Commitment.objects.public().select_related(
        "priority_area", "chapter", "proposed_by", "same_pledge_as"
    )
    filterset = CommitmentFilter(request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        return bad_filter(filterset)
    url = url_maker(request, "tracker:commitment_detail")
    origins, statuses = dict(Commitment.Origin.choices), dict(Commitment.Status.choices)

    def rows():
        for batch in batches(filterset.qs):
            ids = [commitment.pk for commitment in batch]
            countries = links(Commitment.countries.through, "commitment", "party__name", owners=ids)
            organizations = links(Commitment.organizations.through, "commitment", "party__name", owners=ids)
            sources = links(Commitment.sources.through, "commitment", "source__title", owners=ids)
            for commitment in batch:
                yield {
                    "slug": commitment.slug,
                    "title": commitment.title,
                    "origin": origins[commitment.origin],
                    "same_pledge_as": commitment.same_pledge_as.slug if commitment.same_pledge_as else None,
                    "proposed_by": commitment.proposed_by.name if commitment.proposed_by else None,
                    "priority_area": commitment.priority_area.name if commitment.priority_area else None,
                    "chapter_of_analysis_004": str(commitment.chapter) if commitment.chapter else None,
                    "status": commitment.status,
                    "status_label": statuses[commitment.status],
                    "progress_percent": commitment.progress_percent,
                    "target_date": commitment.target_date,
                    "countries": joined(countries.get(commitment.pk, ())),
                    "organizations": joined(organizations.get(commitment.pk, ())),
                    "sources": joined(sources.get(commitment.pk, ())),
                    "is_synthetic": commitment.is_synthetic,
                    "url": url(commitment.slug),
                }

    return export(COMMITMENT_COLUMNS, rows(), fmt, "commitments")


def agreements_export(request, fmt):
    queryset = Agreement.objects.public().select_related("part_of")
    filterset = AgreementFilter(request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        return bad_filter(filterset)
    url = url_maker(request, "tracker:agreement_detail")
    roles = dict(AgreementParty.Role.choices)
    instruments, statuses = dict(Agreement.Instrument.choices), dict(Agreement.Status.choices)
    target_links = dict(Agreement.TargetLink.choices)

    def rows():
        for batch in batches(filterset.qs):
            ids = [agreement.pk for agreement in batch]
            parties = links(AgreementParty, "agreement", "party__name", "role", owners=ids)
            sectors = links(Agreement.sectors.through, "agreement", "sector__name", owners=ids)
            commitments = links(Agreement.commitments.through, "agreement", "commitment__slug", owners=ids)
            sources = links(Agreement.sources.through, "agreement", "source__title", owners=ids)
            for agreement in batch:
                yield {
                    "slug": agreement.slug,
                    "title": agreement.title,
                    "instrument": instruments[agreement.instrument],
                    "status": agreement.status,
                    "status_label": statuses[agreement.status],
                    "signed_on": agreement.signed_on,
                    "signed_on_accuracy": agreement.signed_on_accuracy,
                    "amount": agreement.amount,
                    "currency": agreement.currency or None,
                    "value_exactness": agreement.value_exactness or None,
                    "value_in_yen": agreement.yen_value,
                    "value_as_reported": agreement.value_as_reported,
                    "value_reading": agreement.value_reading,
                    "target_link": agreement.target_link,
                    "target_link_label": target_links[agreement.target_link],
                    "is_aggregate": agreement.is_aggregate,
                    "part_of": agreement.part_of.slug if agreement.part_of else None,
                    "part_of_basis": agreement.part_of_basis or None,
                    "parties": joined(
                        f"{name} ({roles[role]})" for name, role in parties.get(agreement.pk, ())
                    ),
                    "sectors": joined(sectors.get(agreement.pk, ())),
                    "commitments": joined(commitments.get(agreement.pk, ())),
                    "sources": joined(sources.get(agreement.pk, ())),
                    "is_synthetic": agreement.is_synthetic,
                    "url": url(agreement.slug),
                }

    return export(AGREEMENT_COLUMNS, rows(), fmt, "agreements")
