"""Django's SQLite backend (settings: ENGINE "tracker.sqlite"), with each query's placeholders
rewritten for the sqlite3 module once per query text, not on every execution.

Django turns its "%s" placeholders into sqlite3's "?" with a regular expression run over the
whole query each time: a short JSON export runs seven queries, and rewriting them was a twentieth
of its instructions. The same few query texts come back request after request."""

from functools import lru_cache

from django.db.backends.sqlite3 import base


@lru_cache(maxsize=512)
def qmark(query):
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


class SQLiteCursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query, *, param_names=None):
        if param_names is None:
            return qmark(query)
        return super().convert_query(query, param_names=param_names)


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name=None):
        return self.connection.cursor(factory=SQLiteCursorWrapper)
