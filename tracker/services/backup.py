"""Backups that restore faithfully: every record, the audit trail and the editors' accounts,
with their own primary keys (so audit records still point at their objects) and natural keys
for what each database numbers differently (content types, permissions, groups)."""

import json
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.db import DatabaseError, IntegrityError, connection, transaction

from .. import freshness
from ..models import DataVersion
from .loading import FixtureProblem


def backed_up_models():
    """Tracker records with their audit trail, accounts and the admin's log. Not sessions,
    login-throttling records or the roles, which every migrate rebuilds."""
    # Not the data version: a restore is a change, and gets a new one.
    models = [model for model in apps.get_app_config("tracker").get_models() if model is not DataVersion]
    return [*models, apps.get_model("auth", "User"), apps.get_model("admin", "LogEntry")]


def dump(path):
    """Write every backed-up record to `path` as JSON; returns the number of records."""
    records = []
    # Referenced records first, so a restore can resolve every natural key as it goes.
    ordered = serializers.sort_dependencies([(None, backed_up_models())], allow_cycles=True)
    for model in ordered:
        queryset = model._base_manager.order_by("pk")
        records.extend(serializers.serialize("python", queryset, use_natural_foreign_keys=True))
    for record in records:
        record["pk"] = record.pop("pk")  # keep "pk" last, like dumpdata, for readable diffs
    Path(path).write_text(json.dumps(records, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    return len(records)


@transaction.atomic
def restore(path):
    """Load a dump into a database that holds no tracker data or accounts, all or nothing,
    writing no new audit records. Returns the number of records restored."""
    if any(model._base_manager.exists() for model in backed_up_models()):
        raise FixtureProblem("The database is not empty: restore only into a freshly migrated database.")
    try:
        records = json.loads(Path(path).read_text(encoding="utf-8"))
        count, deferred = 0, []
        for item in serializers.deserialize("python", records, handle_forward_references=True):
            item.object.skip_history_when_saving = True  # the dump carries the audit trail itself
            item.save()
            if item.deferred_fields:  # a reference to a record later in the file
                deferred.append(item)
            count += 1
        for item in deferred:
            item.save_deferred_fields()
    except (OSError, ValueError, serializers.base.DeserializationError, IntegrityError, DatabaseError) as exc:
        raise FixtureProblem(f"{path}: {exc}") from exc
    # Rows came with their own ids: move each table's id sequence past them (PostgreSQL).
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), backed_up_models()):
            cursor.execute(statement)
    freshness.bump()
    return count
