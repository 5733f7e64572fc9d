from django.contrib import admin
from django.db.models import Count

from .models import (
    Agreement,
    AgreementParty,
    Chapter,
    Commitment,
    ExchangeRate,
    Leader,
    Party,
    PriorityArea,
    ReportedFigure,
    Sector,
    Source,
    StatusChange,
    Summit,
    Target,
)

admin.site.site_header = "CA+JAD summit tracker: editors"
admin.site.site_title = "Summit tracker admin"
admin.site.index_title = "Commitments, agreements and their evidence"
admin.site.site_url = "/"


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "kind", "published_on", "date_note"]
    list_filter = ["kind"]
    search_fields = ["title", "publisher", "note", "slug"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "iso_code", "based_in"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "iso_code", "slug"]
    autocomplete_fields = ["based_in", "sources"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Leader)
class LeaderAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "country"]
    search_fields = ["name", "country__name"]
    autocomplete_fields = ["country", "sources"]
    list_select_related = ["country"]


@admin.register(Summit)
class SummitAdmin(admin.ModelAdmin):
    list_display = ["name", "number", "host", "city", "held_on"]
    search_fields = ["name"]
    autocomplete_fields = ["host", "leaders", "sources"]
    list_select_related = ["host"]


@admin.register(PriorityArea)
class PriorityAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    search_fields = ["name"]
    autocomplete_fields = ["sources"]


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "priority_area"]
    search_fields = ["title"]
    autocomplete_fields = ["sources"]
    list_select_related = ["priority_area"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "agreement_count"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(agreement_count=Count("agreements"))

    @admin.display(ordering="agreement_count", description="Agreements")
    def agreement_count(self, sector):
        return sector.agreement_count


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    fields = ["effective_on", "old_status", "new_status", "note", "recorded_by", "recorded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["-effective_on", "-recorded_at"]

    def has_add_permission(self, request, obj=None):
        return False


class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    autocomplete_fields = ["party"]
    extra = 1


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ["title", "origin", "priority_area", "status", "progress_percent", "target_date"]
    list_filter = ["status", "origin", "priority_area", "countries", "is_synthetic"]
    search_fields = ["title", "description", "slug"]
    autocomplete_fields = ["proposed_by", "countries", "organizations", "sources"]
    list_select_related = ["priority_area"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [StatusChangeInline]


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "instrument",
        "status",
        "signed_on",
        "amount",
        "currency",
        "value_exactness",
    ]
    list_filter = [
        "status",
        "instrument",
        "counts_toward_target",
        "is_aggregate",
        "sectors",
        "is_synthetic",
    ]
    search_fields = ["title", "description", "slug", "parties__name"]
    autocomplete_fields = ["part_of", "sectors", "commitments", "sources"]
    date_hierarchy = "signed_on"
    prepopulated_fields = {"slug": ["title"]}
    inlines = [AgreementPartyInline, StatusChangeInline]


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "effective_on", "new_status", "recorded_by", "recorded_at"]
    list_filter = ["new_status"]
    search_fields = ["note", "commitment__title", "agreement__title"]
    autocomplete_fields = ["commitment", "agreement", "sources"]
    date_hierarchy = "effective_on"
    list_select_related = ["commitment", "agreement", "recorded_by"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["name", "amount", "currency", "starts_on", "duration_years"]
    autocomplete_fields = ["sources"]


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["currency", "rate_to_jpy", "effective_on", "source"]
    list_filter = ["currency"]
    search_fields = ["currency", "note"]
    autocomplete_fields = ["source"]
    list_select_related = ["source"]


@admin.register(ReportedFigure)
class ReportedFigureAdmin(admin.ModelAdmin):
    list_display = ["label", "value", "upper_value", "unit", "exactness", "country"]
    list_filter = ["exactness", "unit"]
    search_fields = ["label", "note"]
    autocomplete_fields = ["country", "sources"]
    list_select_related = ["country"]
