import json
import logging

from django.contrib.sitemaps import Sitemap
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.generic import RedirectView

from ..middleware import unavailable_response
from ..models import Agreement, Commitment, Party, PriorityArea, Sector, Source

STATIC_PAGES = [
    "tracker:home",
    "tracker:commitment_list",
    "tracker:agreement_list",
    "tracker:country_list",
    "tracker:organization_list",
    "tracker:area_list",
    "tracker:sector_list",
    "tracker:target",
    "tracker:dialogue",
    "tracker:source_list",
    "tracker:change_list",
]


class LanguagesSitemap(Sitemap):
    """Every page in each language, each entry naming its other languages (hreflang)."""

    i18n = True
    alternates = True
    x_default = True


class StaticPagesSitemap(LanguagesSitemap):
    def items(self):
        return STATIC_PAGES

    def location(self, name):
        return reverse(name)


class RecordSitemap(LanguagesSitemap):
    def __init__(self, records):
        self.records = records

    def items(self):
        # Built afresh each time: a queryset made when the module is imported would keep its first
        # results, and the settings (such as whether synthetic records show) of that moment.
        return self.records()


SITEMAPS = {
    "pages": StaticPagesSitemap(),
    "commitments": RecordSitemap(lambda: Commitment.objects.public().order_by("slug")),
    "agreements": RecordSitemap(lambda: Agreement.objects.public().order_by("slug")),
    "parties": RecordSitemap(lambda: Party.objects.order_by("slug")),
    "areas": RecordSitemap(lambda: PriorityArea.objects.order_by("slug")),
    "sectors": RecordSitemap(lambda: Sector.objects.order_by("slug")),
    "sources": RecordSitemap(lambda: Source.objects.public().order_by("slug")),
}


logger = logging.getLogger(__name__)


def healthz(request):
    """For load balancers and monitors: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        # The error names the database's host and port: for the log, never for the public.
        logger.warning("Health check: database unavailable: %s", error)
        response = unavailable_response()
        response.content = json.dumps({"status": "unavailable", "database": "unavailable"})
        response["Content-Type"] = "application/json"
        return response
    response = JsonResponse({"status": "ok", "database": "ok"})
    response["Cache-Control"] = "no-store"
    return response


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


class FaviconView(RedirectView):
    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("img/favicon.svg")
