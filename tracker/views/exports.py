"""CSV and JSON of the public lists, for the filters in the URL. A bad filter is a 400, never
the unfiltered data."""

import csv
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import timezone

from ..filters import AgreementFilter, CommitmentFilter
from ..models import Agreement, Commitment
from .agreements import PARTY_ROLES

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """Text as a spreadsheet shows it, never as a formula it would run."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


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


def commitments_export(request, fmt):
    queryset = Commitment.objects.select_related("priority_area", "chapter", "proposed_by").prefetch_related(
        "countries", "organizations", "sources"
    )
    filterset = CommitmentFilter(request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        return bad_filter(filterset)
    rows = [
        {
            "slug": commitment.slug,
            "title": commitment.title,
            "origin": commitment.get_origin_display(),
            "proposed_by": commitment.proposed_by.name if commitment.proposed_by else None,
            "priority_area": commitment.priority_area.name if commitment.priority_area else None,
            "chapter": str(commitment.chapter) if commitment.chapter else None,
            "status": commitment.status,
            "status_label": commitment.get_status_display(),
            "progress_percent": commitment.progress_percent,
            "target_date": commitment.target_date,
            "countries": joined(commitment.countries.all()),
            "organizations": joined(commitment.organizations.all()),
            "sources": joined(commitment.sources.all()),
            "is_synthetic": commitment.is_synthetic,
            "url": request.build_absolute_uri(commitment.get_absolute_url()),
        }
        for commitment in filterset.qs
    ]
    return export(request, rows, fmt, "commitments")


def agreements_export(request, fmt):
    queryset = (
        Agreement.objects.with_yen_value()
        .select_related("part_of")
        .prefetch_related(PARTY_ROLES, "sectors", "commitments", "sources")
    )
    filterset = AgreementFilter(request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        return bad_filter(filterset)
    rows = [
        {
            "slug": agreement.slug,
            "title": agreement.title,
            "instrument": agreement.get_instrument_display(),
            "status": agreement.status,
            "status_label": agreement.get_status_display(),
            "signed_on": agreement.signed_on,
            "amount": agreement.amount,
            "currency": agreement.currency or None,
            "value_exactness": agreement.value_exactness or None,
            "value_in_yen": agreement.yen_value.quantize(1) if agreement.yen_value is not None else None,
            "value_note": agreement.value_note,
            "counts_toward_target": agreement.counts_toward_target,
            "is_aggregate": agreement.is_aggregate,
            "part_of": agreement.part_of.slug if agreement.part_of else None,
            "parties": joined(
                f"{role.party.name} ({role.get_role_display()})" for role in agreement.party_roles.all()
            ),
            "sectors": joined(agreement.sectors.all()),
            "commitments": joined(commitment.slug for commitment in agreement.commitments.all()),
            "sources": joined(agreement.sources.all()),
            "is_synthetic": agreement.is_synthetic,
            "url": request.build_absolute_uri(agreement.get_absolute_url()),
        }
        for agreement in filterset.qs
    ]
    return export(request, rows, fmt, "agreements")
