"""CSV and JSON of the public lists, for the filters in the URL. A bad filter is a 400, never
the unfiltered data."""

import csv
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import timezone

from ..filters import AgreementFilter, CommitmentFilter
from ..models import Agreement, AgreementParty, Commitment
from ..spreadsheet import csv_cell


def bad_filter(filterset):
    reasons = {field: [str(error) for error in errors] for field, errors in filterset.errors.items()}
    body = json.dumps({"error": "invalid filter", "fields": reasons}, indent=2)
    return HttpResponse(body, status=400, content_type="application/json")


def export(request, rows, fmt, name):
    stamp = timezone.localdate().isoformat()
    if fmt == "json":
        response = HttpResponse(
            json.dumps(rows, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
            content_type="application/json",
        )
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.writer(response)
        headers = list(rows[0]) if rows else []
        writer.writerow(headers)
        for row in rows:
            writer.writerow([csv_cell(row[header]) for header in headers])
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{fmt}"'
    return response


def joined(items):
    return "; ".join(str(item) for item in items)


def links(through, owner, *values, owners):
    """{owner id: [value, …]} (tuples when several `values`) for the rows `owners` selects, in
    one query: exports run over thousands of rows, where a prefetch per relation would build a
    queryset per row."""
    found = {}
    rows = through.objects.filter(**{f"{owner}__in": owners}).order_by(owner, *values)
    for owner_id, *items in rows.values_list(owner, *values):
        found.setdefault(owner_id, []).append(items[0] if len(items) == 1 else tuple(items))
    return found


def commitments_export(request, fmt):
    queryset = Commitment.objects.public().select_related(
        "priority_area", "chapter", "proposed_by", "same_pledge_as"
    )
    filterset = CommitmentFilter(request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        return bad_filter(filterset)
    selected = filterset.qs.values("pk")
    countries = links(Commitment.countries.through, "commitment", "party__name", owners=selected)
    organizations = links(Commitment.organizations.through, "commitment", "party__name", owners=selected)
    sources = links(Commitment.sources.through, "commitment", "source__title", owners=selected)
    rows = [
        {
            "slug": commitment.slug,
            "title": commitment.title,
            "origin": commitment.get_origin_display(),
            "same_pledge_as": commitment.same_pledge_as.slug if commitment.same_pledge_as else None,
            "proposed_by": commitment.proposed_by.name if commitment.proposed_by else None,
            "priority_area": commitment.priority_area.name if commitment.priority_area else None,
            "chapter_of_analysis_004": str(commitment.chapter) if commitment.chapter else None,
            "status": commitment.status,
            "status_label": commitment.get_status_display(),
            "progress_percent": commitment.progress_percent,
            "target_date": commitment.target_date,
            "countries": joined(countries.get(commitment.pk, ())),
            "organizations": joined(organizations.get(commitment.pk, ())),
            "sources": joined(sources.get(commitment.pk, ())),
            "is_synthetic": commitment.is_synthetic,
            "url": request.build_absolute_uri(commitment.get_absolute_url()),
        }
        for commitment in filterset.qs
    ]
    return export(request, rows, fmt, "commitments")


def agreements_export(request, fmt):
    queryset = Agreement.objects.public().select_related("part_of")
    filterset = AgreementFilter(request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        return bad_filter(filterset)
    selected = filterset.qs.values("pk")
    roles = dict(AgreementParty.Role.choices)
    parties = links(AgreementParty, "agreement", "party__name", "role", owners=selected)
    sectors = links(Agreement.sectors.through, "agreement", "sector__name", owners=selected)
    commitments = links(Agreement.commitments.through, "agreement", "commitment__slug", owners=selected)
    sources = links(Agreement.sources.through, "agreement", "source__title", owners=selected)
    rows = []
    for agreement in filterset.qs:
        rows.append(
            {
                "slug": agreement.slug,
                "title": agreement.title,
                "instrument": agreement.get_instrument_display(),
                "status": agreement.status,
                "status_label": agreement.get_status_display(),
                "signed_on": agreement.signed_on,
                "signed_on_accuracy": agreement.signed_on_accuracy,
                "amount": agreement.amount,
                "currency": agreement.currency or None,
                "value_exactness": agreement.value_exactness or None,
                "value_in_yen": agreement.yen_value,
                "value_as_reported": agreement.value_as_reported,
                "value_reading": agreement.value_reading,
                "target_link": agreement.target_link,
                "target_link_label": agreement.get_target_link_display(),
                "is_aggregate": agreement.is_aggregate,
                "part_of": agreement.part_of.slug if agreement.part_of else None,
                "part_of_basis": agreement.part_of_basis or None,
                "parties": joined(f"{name} ({roles[role]})" for name, role in parties.get(agreement.pk, ())),
                "sectors": joined(sectors.get(agreement.pk, ())),
                "commitments": joined(commitments.get(agreement.pk, ())),
                "sources": joined(sources.get(agreement.pk, ())),
                "is_synthetic": agreement.is_synthetic,
                "url": request.build_absolute_uri(agreement.get_absolute_url()),
            }
        )
    return export(request, rows, fmt, "agreements")
