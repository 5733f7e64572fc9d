"""Django's admin site with the editors' desk as its home page.

Apart from tracker.admin, which registers the models into this site: the site must exist before
that package is imported."""

from django.contrib import admin


class TrackerAdminSite(admin.AdminSite):
    index_template = "admin/desk.html"

    def index(self, request, extra_context=None):
        from .admin.desk import desk  # the desk reads the models

        return super().index(request, {**desk(request), **(extra_context or {})})
