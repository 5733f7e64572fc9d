from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from tracker.views.site import SITEMAPS, FaviconView, healthz, robots_txt

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", FaviconView.as_view()),
    path("", include("tracker.urls")),
]
