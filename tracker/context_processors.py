import datetime

from django.conf import settings
from django.urls import translate_url
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .as_of import moment_text

# The site's main sections, in menu order: (URL name, label).
NAV = [
    ("tracker:home", _("Dashboard")),
    ("tracker:commitment_list", _("Commitments")),
    ("tracker:agreement_list", _("Agreements")),
    ("tracker:country_list", _("Countries")),
    ("tracker:area_list", _("Priority areas")),
    ("tracker:target", _("Target & method")),
    ("tracker:method", _("How we assess")),
    ("tracker:source_list", _("Sources")),
    ("tracker:change_list", _("Changes")),
]


SITE_NAME = _("CA+JAD Tokyo summit tracker")
LICENCE = {
    "name": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
    "short": "CC BY 4.0",
    "url": "https://creativecommons.org/licenses/by/4.0/",
    # A name every language keeps in Latin letters: marked so that a page translator leaves it.
    "marked_name": mark_safe('<span translate="no">Creative Commons Attribution 4.0 International</span>'),
}


def local_path(path):
    """`path` as an address on this site: “//evil.example/” would be another host's address to a
    browser, so leading slashes collapse into one."""
    return "/" + path.lstrip("/")


def other_languages(request):
    """This page in every language, filters kept: [(code, name, address, is_current)]."""
    # today_path: reversed inside an as-of prefix.
    here = local_path(getattr(request, "today_path", None) or request.get_full_path())
    current = get_language()
    return [
        {"code": code, "name": name, "url": translate_url(here, code), "current": code == current}
        for code, name in settings.LANGUAGES
    ]


def site(request):
    """What every public page needs: the menu, whether synthetic test records are shown, and what
    its footer offers (the data licence, the contact address for corrections)."""
    return {
        "nav": NAV,
        "showing_synthetic": settings.SHOW_SYNTHETIC_RECORDS,
        "site_name": SITE_NAME,
        "licence": LICENCE,
        "contact_email": settings.CONTACT_EMAIL,
        "page_languages": other_languages(request),
        "as_of": getattr(request, "as_of", None),
        "today_path": getattr(request, "today_path", None),
        "dated_path": dated_path(request),
    }


def dated_path(request):
    """The as-of address that reproduces this page as it reads now (tracker.as_of)."""
    if getattr(request, "as_of", None) is not None:
        return local_path(request.get_full_path())
    # The moment of rendering, rounded up to the second: every change the page shows was
    # recorded before it. (A kept copy of the page keeps its moment; the data it shows is
    # unchanged since, so the address still gives the same page.)
    now = timezone.now()
    moment = now.replace(microsecond=0) + datetime.timedelta(seconds=1 if now.microsecond else 0)
    return f"/as-of/{moment_text(moment)}{local_path(request.get_full_path())}"
