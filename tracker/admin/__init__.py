"""The editors' admin. Every model keeps an audit trail (django-simple-history) shown on its
history page as a field-by-field diff."""

from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ..models import (
    Chapter,
    ExchangeRate,
    Leader,
    Mechanism,
    Party,
    PriorityArea,
    ReportedFigure,
    Sector,
    Source,
    Statement,
    Summit,
    Target,
)
from . import assessments, records  # noqa: F401  (register assessments, commitments, agreements, steps)
from .base import VersionedAdmin

admin.site.site_header = _("CA+JAD summit tracker: editors")
admin.site.site_title = _("Summit tracker admin")
admin.site.index_title = _("Commitments, agreements and their evidence")
admin.site.site_url = "/"
# The lists need the width: at 1280 px the menu beside them cut their columns off. Every model
# is one click away on the admin's home page and in the breadcrumbs.
admin.site.enable_nav_sidebar = False


@admin.register(Source)
class SourceAdmin(VersionedAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "publisher", "kind", "published_on", "date_note"]
    list_filter = ["kind"]
    search_fields = ["title", "publisher", "note", "slug"]
    exclude = ["archived_text"]  # loaded from the archived file, not typed
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Party)
class PartyAdmin(VersionedAdmin):
    list_display = ["name", "short_name", "kind", "iso_code", "based_in"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "iso_code", "slug"]
    autocomplete_fields = ["based_in", "sources"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["based_in"]


@admin.register(Leader)
class LeaderAdmin(VersionedAdmin):
    list_display = ["name", "title", "country"]
    search_fields = ["name", "country__name"]
    autocomplete_fields = ["country", "sources"]
    list_select_related = ["country"]


@admin.register(Summit)
class SummitAdmin(VersionedAdmin):
    list_display = ["name", "number", "host", "city", "held_on"]
    search_fields = ["name"]
    autocomplete_fields = ["host", "leaders", "sources"]
    list_select_related = ["host"]


@admin.register(Mechanism)
class MechanismAdmin(VersionedAdmin):
    list_display = ["name", "kind", "since_year", "order"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["sources"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Statement)
class StatementAdmin(VersionedAdmin):
    list_display = ["text", "subject", "order"]
    list_filter = ["subject"]
    search_fields = ["text", "slug"]
    autocomplete_fields = ["sources"]


@admin.register(PriorityArea)
class PriorityAreaAdmin(VersionedAdmin):
    list_display = ["name", "order"]
    search_fields = ["name"]
    autocomplete_fields = ["sources"]


@admin.register(Chapter)
class ChapterAdmin(VersionedAdmin):
    list_display = ["number", "title", "priority_area"]
    search_fields = ["title"]
    autocomplete_fields = ["sources"]
    list_select_related = ["priority_area"]


@admin.register(Sector)
class SectorAdmin(VersionedAdmin):
    list_display = ["name", "agreement_count"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(agreement_count=Count("agreements"))

    @admin.display(ordering="agreement_count", description=_("Agreements"))
    def agreement_count(self, sector):
        return sector.agreement_count


@admin.register(Target)
class TargetAdmin(VersionedAdmin):
    list_display = ["name", "amount", "currency", "starts_on", "duration_years"]
    autocomplete_fields = ["sources"]


@admin.register(ExchangeRate)
class ExchangeRateAdmin(VersionedAdmin):
    list_display = ["currency", "rate_to_jpy", "effective_on", "source"]
    list_filter = ["currency"]
    search_fields = ["currency", "note"]
    autocomplete_fields = ["source"]
    list_select_related = ["source"]

    def delete_queryset(self, request, queryset):
        for rate in queryset:  # each delete restates the figures converted at it (ExchangeRate.delete)
            rate.delete()


@admin.register(ReportedFigure)
class ReportedFigureAdmin(VersionedAdmin):
    list_display = ["label", "value", "upper_value", "unit", "exactness", "country"]
    list_filter = ["exactness", "unit"]
    search_fields = ["label", "note"]
    autocomplete_fields = ["country", "sources"]
    list_select_related = ["country"]
