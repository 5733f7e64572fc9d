from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from tracker.views.site import SITEMAPS, FaviconView, healthz, robots_txt

urlpatterns = [
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", FaviconView.as_view()),
]
# English at today's addresses; /ja/… and /ru/… for the other languages, admin included.
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("tracker.urls")),
    prefix_default_language=False,
)
