"""Rows straight from the database driver, for code that reads tens of thousands of them
(counting, exports): Django's per-value converters and model objects cost more than the query."""

import datetime
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.db import connections, router


def raw_rows(queryset):
    """The rows of a values_list() queryset as the database driver returns them, without Django's
    per-value converters: they were half the counting time at 100,000 agreements. Callers
    convert what they use (as_decimal, as_date)."""
    sql, params, _converters = compiled(queryset)
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(10_000):
            yield from rows


def as_decimal(value):
    """SQLite returns a NUMERIC column as int or float, PostgreSQL as Decimal."""
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(value) if isinstance(value, int) else Decimal(str(value))


def as_date(value):
    """SQLite returns a date as ISO text, PostgreSQL as a date."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def owner_column(database, model, owner):
    quote = database.ops.quote_name
    return f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(owner).column)}"


def id_items(ids):
    """Integer ids separated by commas: our own integers, safe to write into SQL or JSON."""
    return ",".join(str(int(pk)) for pk in ids)


def ids_in_sql(ids):
    """Integer ids as SQL list items ("NULL" for none, which matches nothing)."""
    return id_items(ids) or "NULL"


# Where the owners' ids go in a query compiled once (owned_rows). On SQLite, a parameter holding
# them all as a JSON array; on PostgreSQL, an id no row has, replaced in the SQL by an array
# constant. Binding 2,000 ids one by one through the ORM cost more than the query.
OWNERS_PARAMETER = "owned_rows: the owners' ids"
OWNERS = -7_000_000_001


@lru_cache(maxsize=256)  # a new as-of copy is a new database: a few kept
def _compiled(alias, model, owner, fields, order, among, show_synthetic):
    # show_synthetic: `among` may say what readers see (models.base.shown_to_readers).
    database = connections[alias]
    column = owner_column(database, model, owner)
    if database.vendor == "postgresql":
        # One array constant: PostgreSQL parses and plans an IN list's 2,000 constants one by one,
        # about 2.5 ms a query more (+100,000 export: five such queries a batch). Bound as a
        # parameter and prepared, the link reads were slower (the README, 7 December late night).
        queryset = model.objects.extra(where=[f"{column} = ANY('{{{OWNERS}}}'::bigint[])"])
    else:
        # The statement's text is the same for every batch, so SQLite's statement cache prepares
        # it once (with the ids in its text, each query was parsed and planned again: a short
        # export's five link reads 342 -> 192 us at +10,000).
        condition = f"{column} IN (SELECT value FROM json_each(%s))"
        queryset = model.objects.extra(where=[condition], params=[OWNERS_PARAMETER])
    if among is not None:
        queryset = queryset.filter(among)
    sql, params, _converters = compiled(queryset.order_by(*order).values_list(*fields))
    return sql, params


def owned_rows(model, owner, fields, *, order=(), among=None):
    """A function of some `owners` ids giving the raw rows (as raw_rows) of `fields` of `model`
    whose `owner` is one of them, filtered by `among` (a Q) and in `order`. The query is built
    and compiled by the ORM once per database and settings, the ids put in at each call:
    building it again for every export batch was a quarter of a short export's time, and for a
    table's countries a tenth of a list page."""
    alias = router.db_for_read(model)
    sql, params = _compiled(alias, model, owner, fields, order, among, settings.SHOW_SYNTHETIC_RECORDS)
    if OWNERS_PARAMETER in params:
        position = params.index(OWNERS_PARAMETER)

        def rows(owners):
            ids = f"[{id_items(owners)}]"
            with connections[alias].cursor() as cursor:
                cursor.execute(sql, (*params[:position], ids, *params[position + 1 :]))
                return cursor.fetchall()

        return rows

    def rows(owners):
        with connections[alias].cursor() as cursor:
            cursor.execute(sql.replace(str(OWNERS), ids_in_sql(owners)), params)
            return cursor.fetchall()

    return rows


def compiled(queryset):
    """(sql, params, converters) of a values_list() queryset, compiled for the database it runs
    on (an as-of copy is SQLite whatever the default; Query.sql_with_params() compiles for the
    default), with the converters Django's values_list() applies to its columns (run_compiled)."""
    compiler = queryset.query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    columns = [select[0] for select in compiler.select[: compiler.col_count]]
    return sql, tuple(params), tuple(compiler.get_converters(columns).items())


def run_compiled(alias, sql, params, converters, *, chunked=False, size=500):
    """The rows of a compiled values_list() query (compiled) run with `params`, as the queryset's
    iterator gives them: tuples, converted (SQLite's dates and decimals). With `chunked`, read
    through the database's chunked cursor (PostgreSQL: a server-side one, so a long export's rows
    are not all held at once); an iterator that keeps its cursor open until it is read to the end
    or closed."""
    connection = connections[alias]
    # As Django's iterator(): no server-side cursor where the settings turn them off (pgbouncer).
    chunked = chunked and not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    with connection.chunked_cursor() if chunked else connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(size):
            if not converters:
                yield from batch
                continue
            for row in batch:
                row = list(row)
                for position, (functions, expression) in converters:
                    value = row[position]
                    for convert in functions:
                        value = convert(value, expression, connection)
                    row[position] = value
                yield tuple(row)
