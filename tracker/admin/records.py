"""Admin for the records editors keep true: commitments, agreements and their status history."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from ..models import Agreement, AgreementParty, Commitment, StatusChange
from ..services import StaleEdit, change_status, claim_version
from .filters import AgreementAreaFilter, AgreementCountryFilter, NeedsAttentionFilter
from .forms import STATUS_FIELDS, BulkStatusForm, TrackedRecordForm, describe_changes
from .imports import AgreementResource


def status_badge(record):
    return format_html('<span class="badge badge-{}">{}</span>', record.status, record.get_status_display())


class StatusChangeInline(admin.TabularInline):
    """The timeline, read-only here: a status changes through the form above, notes are
    corrected on the record's own page."""

    model = StatusChange
    fields = ["effective_on", "old_status", "new_status", "note", "recorded_by", "recorded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["-effective_on", "-recorded_at"]

    def has_add_permission(self, request, obj=None):
        return False


class TrackedRecordAdmin(SimpleHistoryAdmin):
    form = TrackedRecordForm
    inlines = [StatusChangeInline]
    actions = ["change_status_of_selected", "mark_reviewed_today"]
    history_list_display = ["status"]

    class Media:
        css = {"all": ["css/badges.css"]}

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        fields = [
            name for name in fieldsets[0][1]["fields"] if name not in (*STATUS_FIELDS, "loaded_version")
        ]
        status_at = fields.index("status")
        return [
            (None, {"fields": fields[:status_at]}),
            (
                "Status",
                {
                    "fields": ["status", *STATUS_FIELDS, "loaded_version"],
                    "description": "Changing the status records a dated, sourced step on the public "
                    "timeline: give the date it took effect, a note and at least one source.",
                },
            ),
            (None, {"fields": fields[status_at + 1 :]}),
        ]

    @admin.display(description="Status", ordering="status")
    def status_badge(self, record):
        return status_badge(record)

    def save_model(self, request, obj, form, change):
        if change:
            claim_version(obj, form.cleaned_data["loaded_version"])
        if form.status_changing:
            change_status(
                subject=obj,
                new_status=form.cleaned_data["status"],
                effective_on=form.cleaned_data["status_effective_on"],
                note=form.cleaned_data["status_note"],
                sources=form.cleaned_data["status_sources"],
                user=request.user,
            )
        else:
            obj.save()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleEdit as stale:
            # Lost the race between the form's check and the save: the transaction rolled back.
            self.message_user(
                request,
                describe_changes(stale.subject, stale.changes) + " Nothing was saved.",
                messages.ERROR,
            )
            return HttpResponseRedirect(request.path)

    @admin.action(description="Change the status of the selected items", permissions=["change"])
    def change_status_of_selected(self, request, queryset):
        records = list(queryset.order_by("pk"))
        if "apply" in request.POST:
            form = BulkStatusForm(request.POST, model=self.model)
            if form.is_valid():
                try:
                    self._apply_bulk_status(request, records, form.cleaned_data)
                except (StaleEdit, ValidationError) as problem:
                    self.message_user(request, self._bulk_problem(problem), messages.ERROR)
                else:
                    self.message_user(
                        request, f"Status of {len(records)} item(s) changed, with one history record each."
                    )
                return None
        else:
            versions = ",".join(f"{record.pk}:{record.version}" for record in records)
            form = BulkStatusForm(model=self.model, initial={"versions": versions})
        context = {
            **self.admin_site.each_context(request),
            "title": "Change the status of several items",
            "opts": self.model._meta,
            "records": records,
            "form": form,
            "media": self.media + form.media,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/tracker/bulk_status.html", context)

    @transaction.atomic
    def _apply_bulk_status(self, request, records, data):
        versions = data["versions"]
        if set(versions) != {record.pk for record in records}:
            raise ValidationError("The selection changed; go back to the list and select again.")
        for record in records:
            claim_version(record, versions[record.pk])
            try:
                change_status(
                    subject=record,
                    new_status=data["new_status"],
                    effective_on=data["effective_on"],
                    note=data["note"],
                    sources=data["sources"],
                    user=request.user,
                )
            except ValidationError as error:
                raise ValidationError(f"{record}: {' '.join(error.messages)}") from error

    def _bulk_problem(self, problem):
        if isinstance(problem, StaleEdit):
            return (
                describe_changes(problem.subject, problem.changes)
                + f" ({problem.subject}) Nothing was changed."
            )
        return f"Nothing was changed. {' '.join(problem.messages)}"

    @admin.action(description="Mark the selected items as reviewed today", permissions=["change"])
    def mark_reviewed_today(self, request, queryset):
        with transaction.atomic():
            for record in queryset:
                record.last_reviewed_on = timezone.localdate()
                record.version += 1
                record.save()  # one by one, so each gets its audit record
        self.message_user(request, f"{queryset.count()} item(s) marked as reviewed today.")


@admin.register(Commitment)
class CommitmentAdmin(TrackedRecordAdmin):
    list_display = ["title", "origin", "priority_area", "status_badge", "target_date", "last_reviewed_on"]
    list_filter = [NeedsAttentionFilter, "status", "origin", "priority_area", "countries", "is_synthetic"]
    search_fields = ["title", "description", "slug"]
    autocomplete_fields = ["proposed_by", "countries", "organizations", "sources"]
    list_select_related = ["priority_area"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["last_reviewed_on"]


class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    autocomplete_fields = ["party"]
    extra = 1


@admin.register(Agreement)
class AgreementAdmin(ImportExportMixin, TrackedRecordAdmin):
    resource_classes = [AgreementResource]
    list_display = ["title", "instrument", "status_badge", "signed_on", "value", "last_reviewed_on"]
    list_filter = [
        NeedsAttentionFilter,
        "status",
        AgreementCountryFilter,
        AgreementAreaFilter,
        "sectors",
        "instrument",
        "counts_toward_target",
        "is_aggregate",
        "is_synthetic",
    ]
    search_fields = ["title", "description", "slug", "parties__name"]
    autocomplete_fields = ["part_of", "sectors", "commitments", "sources"]
    date_hierarchy = "signed_on"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["last_reviewed_on"]
    inlines = [AgreementPartyInline, StatusChangeInline]

    @admin.display(description="Value", ordering="amount")
    def value(self, agreement):
        if agreement.amount is None:
            return "—"
        prefix = {"lower_bound": "≥ ", "approximate": "≈ "}.get(agreement.value_exactness, "")
        return f"{prefix}{agreement.amount:,.0f} {agreement.currency}"


@admin.register(StatusChange)
class StatusChangeAdmin(SimpleHistoryAdmin):
    """Editors correct a record's note or sources here; its date and statuses stay as recorded."""

    list_display = ["__str__", "effective_on", "new_status", "recorded_by", "recorded_at"]
    list_filter = ["new_status"]
    search_fields = ["note", "commitment__title", "agreement__title"]
    autocomplete_fields = ["sources"]
    date_hierarchy = "effective_on"
    list_select_related = ["commitment", "agreement", "recorded_by"]
    fields = [
        "commitment",
        "agreement",
        "effective_on",
        "old_status",
        "new_status",
        "note",
        "sources",
        "recorded_by",
        "recorded_at",
    ]
    readonly_fields = [
        "commitment",
        "agreement",
        "effective_on",
        "old_status",
        "new_status",
        "recorded_by",
        "recorded_at",
    ]

    def has_add_permission(self, request):
        return False  # a status change is made from its commitment or agreement

    def view_on_site(self, change):
        return f"{change.subject.get_absolute_url()}#change-{change.uid}"
