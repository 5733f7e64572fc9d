"""Addresses of the site's pages, reversed once per page name, language and prefix rather than once
per link: a country page links about 160 records and badges, and reverse() cost some 50 µs a call."""

from functools import lru_cache
from urllib.parse import quote

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

PLACEHOLDER = "SLUG-PLACEHOLDER"


@lru_cache(maxsize=512)
def _reversed(name, args, with_slug, language, prefix, urlconf):
    # The key holds all reverse() depends on: the language (/ja/, /ru/), the script prefix (an
    # as-of page's /as-of/<when>/) and the URL configuration.
    if with_slug:
        return tuple(reverse(name, args=[PLACEHOLDER]).split(PLACEHOLDER))
    return reverse(name, args=args)


def page_url(name, *args):
    """reverse(name, args=args) of a page without a record's slug (`args` a few constants: an
    export's format)."""
    return _reversed(name, args, False, get_language(), get_script_prefix(), get_urlconf())


def slug_url_parts(name):
    """(before, after): what reverse(name, args=[slug]) puts around a record's slug."""
    return _reversed(name, (), True, get_language(), get_script_prefix(), get_urlconf())


def slug_url(name, slug):
    """reverse(name, args=[slug]) of a record's page."""
    before, after = slug_url_parts(name)
    return f"{before}{quote(str(slug), safe='')}{after}"
