"""The data's version, and figures kept from one version to the next.

Every save or delete of a tracker record and every change to its many-to-many links gives
DataVersion a new token, in the same transaction as the change (signals, connected in
TrackerConfig.ready); bulk writes that skip signals call bump() themselves. A figure kept for
one token is therefore valid until the next committed write, in every server process, and an
editor's save shows on the next request.
"""

import threading
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone

from .models import DataVersion
from .models.version import new_token

_lock = threading.Lock()
_kept = {}  # name -> (key, value): the latest value of each figure, in this process


def current_token():
    """The data's version now, or None if the table holds no row yet (nothing is kept then)."""
    return DataVersion.objects.filter(pk=1).values_list("token", flat=True).first()


def bump():
    token = new_token()
    if DataVersion.objects.filter(pk=1).update(token=token, changed_at=timezone.now()):
        return
    try:
        with transaction.atomic():
            DataVersion.objects.create(pk=1, token=token)
    except IntegrityError:  # another writer created the row first
        DataVersion.objects.filter(pk=1).update(token=token, changed_at=timezone.now())


def kept(name, compute, *key):
    """compute(), or its value kept from an earlier call with the same data version and `key`.

    One computation at a time per process: requests arriving while it runs wait for its result
    rather than each computing the same thing."""
    token = current_token()
    if token is None:
        return compute()
    full_key = (token, *key)
    entry = _kept.get(name)
    if entry is not None and entry[0] == full_key:
        return entry[1]
    with _lock:
        entry = _kept.get(name)
        if entry is not None and entry[0] == full_key:
            return entry[1]
        value = compute()
        _kept[name] = (full_key, value)
        return value


class PageCache:
    """Rendered public pages of one data version, least recently used dropped first beyond a
    size limit (so no query string can make it grow without bound)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.token = None
        self.pages = OrderedDict()
        self.size = 0

    def get(self, token, key):
        with self.lock:
            if token != self.token or key not in self.pages:
                return None
            self.pages.move_to_end(key)
            return self.pages[key]

    def put(self, token, key, page, limit):
        with self.lock:
            if token != self.token:  # a new version: every page kept so far is out of date
                self.token, self.size = token, 0
                self.pages.clear()
            if key in self.pages or len(page[0]) > limit:
                return
            self.pages[key] = page
            self.size += len(page[0])
            while self.size > limit:
                _key, (content, *_rest) = self.pages.popitem(last=False)
                self.size -= len(content)

    def clear(self):
        with self.lock:
            self.token, self.size = None, 0
            self.pages.clear()


pages = PageCache()


def per_version(view):
    """Serve a public page rendered once per data version, day and address.

    The pages say the same to every reader (no session, no form token) and change only with
    the data or the date, so a repeat costs one query for the version instead of a render."""

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        limit = settings.PUBLIC_PAGE_CACHE_MIB * 2**20
        token = current_token() if limit and request.method in ("GET", "HEAD") else None
        if token is None:
            return view(request, *args, **kwargs)
        key = (request.get_full_path(), timezone.localdate(), settings.SHOW_SYNTHETIC_RECORDS)
        page = pages.get(token, key)
        if page is not None:
            content, status, headers = page
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            pages.put(token, key, (response.content, 200, list(response.items())), limit)
        return response

    return cached_view


def forget():
    """Drop every kept figure and page (tests that swap databases or settings under one token)."""
    _kept.clear()
    pages.clear()


def tracked_models(app_config):
    """The app's models whose changes move the version: all but the version itself and the
    audit copies (those are written beside a change that already moves it)."""
    return [
        model
        for model in app_config.get_models()
        if model is not DataVersion and not model._meta.model_name.startswith("historical")
    ]


def record_saved_or_deleted(sender, **kwargs):
    bump()


def links_changed(sender, action, **kwargs):
    if sender._meta.app_label == "tracker" and action in {"post_add", "post_remove", "post_clear"}:
        bump()
