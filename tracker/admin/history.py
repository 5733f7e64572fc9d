"""Each record's audit trail in words, for editors: who changed what and when, labels not codes,
old and new values, a status step's note and sources, read-only on one screen; and a comparison
of any two versions. Built on django-simple-history's records."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from ..models import StatusChange

TYPES = {"+": "created", "~": "changed", "-": "deleted"}
# Bookkeeping an editor never reads: versions, timestamps, and the digests that date a translation.
HIDDEN = {
    "version",
    "updated_at",
    "created_at",
    "history_id",
    "is_synthetic",
    "translated_from_ja",
    "translated_from_ru",
}


def label_of(model, name):
    try:
        return str(model._meta.get_field(name).verbose_name).capitalize()
    except Exception:  # a field since removed from the model  # noqa: BLE001
        return name


def shown(model, name, value):
    """A stored value in words: a choice's label, a related record's name, a list's names."""
    if value in (None, "", []):
        return "—"
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001
        return str(value)
    if isinstance(value, list):  # many-to-many: rows of the through table
        related = field.related_model
        ids = [next((v for k, v in row.items() if k != model._meta.model_name), None) for row in value]
        names = related._default_manager.filter(pk__in=ids) if related else ids
        return ", ".join(sorted(str(name) for name in names)) or "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        return str(field.related_model._base_manager.filter(pk=value).first() or value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def changes_between(model, older, newer):
    """[(label, old, new)] of the fields that differ between two audit records."""
    if older is None:
        fields = [f.name for f in model._meta.concrete_fields if f.name not in HIDDEN and not f.primary_key]
        return [
            (label_of(model, name), "—", shown(model, name, getattr(newer, _attname(model, name), None)))
            for name in fields
            if getattr(newer, _attname(model, name), None) not in (None, "")
        ]
    excluded = [name for name in HIDDEN if hasattr(newer, name)]
    delta = newer.diff_against(older, excluded_fields=excluded)
    return [
        (
            label_of(model, change.field),
            shown(model, change.field, change.old),
            shown(model, change.field, change.new),
        )
        for change in delta.changes
    ]


def _attname(model, name):
    field = model._meta.get_field(name)
    return field.attname


def steps_by_time(record):
    """The record's status steps, to show beside the audit records that wrote them."""
    field = record._meta.model_name
    if field not in ("commitment", "agreement"):
        return []
    return list(
        StatusChange.objects.filter(**{field: record})
        .prefetch_related("sources")
        .select_related("reviewed_by")
    )


def step_for(steps, row):
    """The status step written with this audit record (same status, within a few seconds)."""
    status = getattr(row, "status", None)
    for step in steps:
        if step.new_status == status and abs((step.recorded_at - row.history_date).total_seconds()) < 5:
            return step
    return None


def history_page(model_admin, request, object_id):
    """The readable audit trail of one record (replaces django-simple-history's list)."""
    model = model_admin.model
    record = model_admin.get_object(request, unquote(object_id))
    if record is None:
        raise Http404
    if not model_admin.has_view_or_change_permission(request, record):
        raise PermissionDenied
    rows = list(record.history.select_related("history_user").order_by("-history_date", "-history_id"))
    steps = steps_by_time(record)
    entries = []
    for index, row in enumerate(rows):
        older = rows[index + 1] if index + 1 < len(rows) else None
        entries.append(
            {
                "row": row,
                "type": _(TYPES.get(row.history_type, "changed")),
                "changes": changes_between(model, older, row),
                "step": step_for(steps, row),
            }
        )
    comparison = None
    first, second = request.GET.get("from"), request.GET.get("to")
    if first and second:
        by_id = {str(row.history_id): row for row in rows}
        if first in by_id and second in by_id:
            older, newer = sorted((by_id[first], by_id[second]), key=lambda row: row.history_date)
            comparison = {"older": older, "newer": newer, "changes": changes_between(model, older, newer)}
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("History of “%(record)s”") % {"record": record},
        "opts": model._meta,
        "record": record,
        "entries": entries,
        "rows": rows,
        "comparison": comparison,
        "compare_from": first,
        "compare_to": second,
    }
    return TemplateResponse(request, "admin/tracker/history.html", context)
