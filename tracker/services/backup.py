"""Backups that restore faithfully: every record, the audit trail and the editors' accounts,
with their own primary keys (so audit records still point at their objects) and natural keys
for what each database numbers differently (content types, permissions, groups)."""

import contextlib
import json
import os

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import DatabaseError, IntegrityError, connection, transaction

from .. import freshness
from ..counting import recount
from ..models import DataVersion
from .loading import FixtureProblem, format_errors

PRIVATE = 0o600  # a backup holds the editors' password hashes


def backed_up_models():
    """Tracker records with their audit trail, accounts and the admin's log. Not sessions,
    login-throttling records or the roles, which every migrate rebuilds."""
    # Not the data version: a restore is a change, and gets a new one.
    models = [model for model in apps.get_app_config("tracker").get_models() if model is not DataVersion]
    return [*models, apps.get_model("auth", "User"), apps.get_model("admin", "LogEntry")]


@contextlib.contextmanager
def one_snapshot():
    """Every read inside sees the database as it was at one moment, while editors go on writing:
    a repeatable-read transaction on PostgreSQL; on SQLite (WAL) a deferred read transaction,
    which takes no write lock. Inside a caller's transaction, that transaction is the snapshot
    (its isolation level can no longer be changed)."""
    connection.ensure_connection()
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("COMMIT")


def dump(path):
    """Write every backed-up record to `path` as JSON, readable by its owner only; returns the
    number of records. The records are read in one snapshot, so a backup taken during edits holds
    each record with its own audit trail."""
    records = []
    # Referenced records first, so a restore can resolve every natural key as it goes.
    ordered = serializers.sort_dependencies([(None, backed_up_models())], allow_cycles=True)
    with one_snapshot():
        for model in ordered:
            queryset = model._base_manager.order_by("pk")
            records.extend(serializers.serialize("python", queryset, use_natural_foreign_keys=True))
    for record in records:
        record["pk"] = record.pop("pk")  # keep "pk" last, like dumpdata, for readable diffs
    text = json.dumps(records, indent=1, ensure_ascii=False, default=str)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    os.fchmod(descriptor, PRIVATE)  # an existing file keeps no wider mode
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    return len(records)


@transaction.atomic
def restore(path):
    """Load a dump into a database that holds no tracker data or accounts, all or nothing,
    writing no new audit records. Returns the number of records restored."""
    if any(model._base_manager.exists() for model in backed_up_models()):
        raise FixtureProblem("The database is not empty: restore only into a freshly migrated database.")
    try:
        with open(path, encoding="utf-8") as file:
            records = json.load(file)
        count, deferred = 0, []
        for item in serializers.deserialize("python", records, handle_forward_references=True):
            check_fields(item.object)
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
    recount()  # a backup from before the figures were stored on each row has none
    freshness.bump()
    return count


def check_fields(obj):
    """The rules forms apply to each field (lengths, choices, control characters), so a restore
    refuses on SQLite what PostgreSQL would, and what no editor could have written."""
    if obj._meta.app_label != "tracker" or obj._meta.model_name.startswith("historical"):
        return
    try:
        obj.clean_fields(exclude=[field.name for field in obj._meta.fields if field.is_relation])
    except ValidationError as error:
        raise FixtureProblem(f"{obj._meta.label} {obj.pk}: {format_errors(error)}") from error
