"""Pages as they stood: /as-of/<moment>/<address> serves any public page as it was at a past
moment, rebuilt from the audit trail (django-simple-history).

The same views run unchanged against a snapshot: an SQLite file holding each tracker record as
its latest audit record at or before the moment left it, with the many-to-many links that audit
record kept. A database router sends the request's reads there (a context variable says which
snapshot), and the script prefix keeps every link on the page inside the same moment. A snapshot
is named by the latest audit record it holds, so all moments between two edits share one file,
built once and kept (the newest AS_OF_KEEP of them).
"""

import contextlib
import contextvars
import datetime
import os
import re
import threading
import uuid
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.models import Max
from django.http import HttpResponseBadRequest, HttpResponseNotFound, HttpResponseRedirect
from django.urls import get_script_prefix, set_script_prefix
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Agreement, DataVersion

PREFIX = re.compile(r"^/as-of/(?P<moment>[^/]+)(?P<rest>/.*)$")
ADMIN = re.compile(r"^/(ja/|ru/)?admin(/|$)")
active = contextvars.ContextVar("as_of_snapshot", default=None)
_lock = threading.Lock()


def parse_moment(text):
    """The moment an address names: a day (its end, UTC) or a time to the second, UTC."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = datetime.date.fromisoformat(text)
            return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=datetime.UTC)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", text):
            return datetime.datetime.fromisoformat(text[:-1]).replace(tzinfo=datetime.UTC)
    except ValueError:
        pass
    return None


def moment_text(moment):
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def audited_models():
    return [
        model
        for model in apps.get_app_config("tracker").get_models()
        if hasattr(model, "history") and not model._meta.model_name.startswith("historical")
    ]


def latest_audit(moment=None):
    """The time of the latest audit record (at or before `moment`), or None."""
    times = []
    for model in audited_models():
        history = model.history.model.objects.all()
        if moment is not None:
            history = history.filter(history_date__lte=moment)
        times.append(history.aggregate(latest=Max("history_date"))["latest"])
    times = [time for time in times if time is not None]
    return max(times) if times else None


def alias_for(key):
    return f"as_of_{key}"


def register(alias, path):
    if alias not in connections.settings:
        config = connections.configure_settings(
            {
                "default": {"ENGINE": "django.db.backends.sqlite3"},
                alias: {"ENGINE": settings.SQLITE_ENGINE, "NAME": str(path)},
            }
        )[alias]
        connections.settings[alias] = config


def snapshot(moment):
    """The alias of the snapshot for `moment`, built if needed; None before the first record."""
    latest = latest_audit(moment)
    if latest is None:
        return None
    key = latest.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%S%f")
    folder = Path(settings.AS_OF_DIR)
    path = folder / f"{key}.sqlite3"
    alias = alias_for(key)
    with _lock:
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            building = folder / f"{key}.{os.getpid()}.{threading.get_ident()}.building"
            build(building, latest)
            os.replace(building, path)
            prune(folder)
        register(alias, path)
        os.utime(path)  # the most recently used are kept
    return alias


def prune(folder):
    files = sorted(folder.glob("*.sqlite3"), key=lambda file: file.stat().st_mtime, reverse=True)
    for old in files[settings.AS_OF_KEEP :]:
        alias = alias_for(old.stem)
        if alias in connections.settings:
            continue  # open in this process; pruned another time
        old.unlink(missing_ok=True)


def build(path, moment):
    """Write into the SQLite file `path` every tracker record as it stood at `moment`."""
    path.unlink(missing_ok=True)
    alias = f"as_of_building_{uuid.uuid4().hex}"
    register(alias, path)
    try:
        user_model = apps.get_model(settings.AUTH_USER_MODEL)
        models = [*apps.get_app_config("tracker").get_models(), user_model]
        models = [model for model in models if not model._meta.model_name.startswith("historical")]
        with connections[alias].schema_editor() as editor:
            for model in models:
                editor.create_model(model)
        copy_records(alias, moment)
        users = user_model.objects.values("pk", "username", "first_name", "last_name")
        user_model.objects.using(alias).bulk_create(user_model(**user, password="!") for user in users)
        DataVersion.objects.using(alias).create()  # its version is named by the snapshot's alias
    finally:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


def copy_records(alias, moment):
    """Each audited record as its latest audit record before `moment` left it; many-to-many
    links from that audit record where it kept them, else today's links between records that
    both existed then."""
    records = {}
    for model in audited_models():
        rows = model.history.model.objects.filter(history_date__lte=moment).order_by(
            "id", "-history_date", "-history_id"
        )
        latest = {}
        for row in rows.iterator(chunk_size=2000):
            latest.setdefault(row.id, row)
        records[model] = [row for row in latest.values() if row.history_type != "-"]
    order = sorted(records, key=lambda model: dependency_rank(model, records))
    for model in order:
        instances = [row.instance for row in records[model]]
        if model is Agreement:  # figures are not audited: tracker.counting derives them below
            for agreement in instances:
                agreement.yen_rate_id = None
        model._base_manager.using(alias).bulk_create(instances, batch_size=500)
    kept = {model: {row.id for row in rows} for model, rows in records.items()}
    for model, rows in records.items():
        history_m2m = {field.name for field in getattr(model.history.model, "_history_m2m_fields", [])}
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            if not through._meta.auto_created:
                continue  # a model of its own, audited and copied above
            own, other = field.m2m_field_name(), field.m2m_reverse_field_name()
            if field.name in history_m2m:
                pairs = {
                    (getattr(link, f"{own}_id"), getattr(link, f"{other}_id"))
                    for row in rows
                    for link in getattr(row, field.name).all()
                }
            else:
                pairs = set(through.objects.values_list(f"{own}_id", f"{other}_id"))
            targets = kept.get(field.related_model)
            through.objects.using(alias).bulk_create(
                [
                    through(**{f"{own}_id": a, f"{other}_id": b})
                    for a, b in pairs
                    if a in kept[model] and (targets is None or b in targets)
                ],
                batch_size=2000,
            )
    from .counting import recount  # imports the models

    recount(using=alias)  # each agreement's figures, from that moment's values, rates and target


def dependency_rank(model, records):
    """Models referred to by foreign keys come first (SQLite checks them as rows go in)."""
    rank, seen, todo = 0, set(), [model]
    while todo:
        current = todo.pop()
        for field in current._meta.concrete_fields:
            target = field.related_model
            if field.is_relation and target in records and target is not current and target not in seen:
                seen.add(target)
                todo.append(target)
                rank += 1
    return rank


class AsOfRouter:
    """Reads (and any stray write) of an as-of request go to its snapshot."""

    def db_for_read(self, model, **hints):
        return self.snapshot_of(model)

    def db_for_write(self, model, **hints):
        return self.snapshot_of(model)

    @staticmethod
    def snapshot_of(model):
        """The tracker's records and the people they name; sessions and the rest stay put."""
        if model._meta.app_label == "tracker" or model._meta.label == settings.AUTH_USER_MODEL:
            return active.get()
        return None

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, **hints):
        return not db.startswith("as_of_")


class AsOfMiddleware:
    """Serves /as-of/<moment>/<address> as <address> stood at <moment>."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = PREFIX.match(request.path_info)
        if not match:
            return self.get_response(request)
        text, rest = match["moment"], match["rest"]
        moment = parse_moment(text)
        if moment is None:
            # Said in the language of the page asked for: this runs before the locale is chosen.
            with translation.override(translation.get_language_from_path(rest) or settings.LANGUAGE_CODE):
                message = _(
                    "“%(text)s” is not a moment: write a day as 2026-12-02 (its end, UTC) or a time as "
                    "2026-12-02T13:05:12Z."
                ) % {"text": text}
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        if ADMIN.match(rest):  # the admin has no past: the editors' sign-in link goes to today's
            return HttpResponseRedirect(rest)
        if moment > timezone.now() + datetime.timedelta(seconds=1):  # a citation's moment is rounded up
            query = request.META.get("QUERY_STRING")
            return HttpResponseRedirect(rest + (f"?{query}" if query else ""))
        alias = snapshot(moment)
        if alias is None:
            first = earliest_audit()
            return HttpResponseNotFound(
                "The tracker holds no record before "
                + (moment_text(first) if first else "now")
                + ", so it cannot show a page as it stood then.",
                content_type="text/plain; charset=utf-8",
            )
        request.as_of = moment
        request.as_of_text = text
        request.today_path = rest + (
            f"?{request.META['QUERY_STRING']}" if request.META.get("QUERY_STRING") else ""
        )
        request.path_info = rest
        with inside(alias, text):
            response = self.get_response(request)
        if response.streaming:  # an export is written after this returns: in the moment too
            response.streaming_content = streamed_inside(response.streaming_content, alias, text)
        return response


@contextlib.contextmanager
def inside(alias, text):
    """Reads from the snapshot `alias`, links under /as-of/<text>/."""
    prefix = get_script_prefix()
    set_script_prefix(f"{prefix.rstrip('/')}/as-of/{text}/")
    token = active.set(alias)
    try:
        yield
    finally:
        active.reset(token)
        set_script_prefix(prefix)


def streamed_inside(chunks, alias, text):
    chunks = iter(chunks)
    while True:
        with inside(alias, text):
            chunk = next(chunks, None)
        if chunk is None:
            return
        yield chunk


def earliest_audit():
    firsts = [
        model.history.model.objects.order_by("history_date").values_list("history_date", flat=True).first()
        for model in audited_models()
    ]
    firsts = [time for time in firsts if time is not None]
    return min(firsts) if firsts else None
