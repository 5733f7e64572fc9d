"""Admin for the records editors keep true: commitments, agreements and their status history."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..models import (
    Agreement,
    AgreementCommitment,
    AgreementParty,
    Commitment,
    Source,
    StatusChange,
)
from ..services import StaleEdit, mark_reviewed, reviews, save_record
from ..services.reviews import VALUE_FIELDS
from ..templatetags.tracker_format import qualified_money
from ..templatetags.tracker_format import status_badge as public_status_badge
from .assessments import assess_selected
from .base import VersionedAdmin, translation_fieldset
from .filters import AgreementAreaFilter, AgreementCountryFilter, NeedsAttentionFilter
from .forms import (
    STATUS_FIELDS,
    AgreementCommitmentForm,
    BulkStatusForm,
    ReviewForm,
    TrackedRecordForm,
    describe_changes,
    encode_versions,
)
from .imports import AgreementImportExport
from .reviews import ProposingAdmin


def status_badge(record):
    """The public site's badge, from the one function that writes it."""
    return public_status_badge(record.status, record.get_status_display())


def describe_row_errors(row):
    return "; ".join(f"{field}: {' '.join(errors)}" for field, errors in row.error_dict.items())


class StatusChangeInline(admin.TabularInline):
    """The timeline, read-only here: a status changes through the form above, notes are
    corrected on the record's own page."""

    model = StatusChange
    fields = [
        "effective_on",
        "date_accuracy",
        "old_status_label",
        "new_status_label",
        "note",
        "recorded_by",
        "reviewed_by",
        "recorded_at",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["-effective_on", "-recorded_at"]

    def has_add_permission(self, request, obj=None):
        return False


# What readers see that a change of a second editor's approval moves: shown read-only on a
# record's form, each changed through its own short form (tracker.admin.reviews).
GATED = {
    Commitment: ["status"],
    Agreement: ["status", *VALUE_FIELDS, "target_link", "target_link_note", "target_link_sources"],
}


class TrackedRecordAdmin(ProposingAdmin, VersionedAdmin):
    form = TrackedRecordForm
    inlines = [StatusChangeInline]
    actions = ["change_status_of_selected", "mark_reviewed_today", "confirm_translations"]
    history_list_display = ["status"]
    # The record's own fields on an existing record's form, in order; the rarely changed folded.
    record_fields = []
    rarely_changed = []

    class Media:
        css = {"all": ["css/badges.css", "css/admin.css"]}

    def can_add_sources(self, request):
        return self.admin_site.get_model_admin(Source).has_add_permission(request)

    def get_urls(self):
        return self.proposal_urls() + super().get_urls()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.can_add_sources = self.can_add_sources(request)
        return form

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj)]
        if obj is not None:
            readonly += ["readers_see", *GATED[self.model]]
        return readonly

    def get_fieldsets(self, request, obj=None):
        translations = translation_fieldset(self.model, obj)
        rarely = (_("Rarely changed"), {"classes": ["collapse"], "fields": self.rarely_changed})
        if obj is not None:
            return [
                (_("What readers see"), {"fields": ["readers_see", "loaded_version"]}),
                (_("The record"), {"fields": self.record_fields}),
                translations,
                rarely,
            ]
        gated = [name for name in GATED[self.model] if name != "status"]
        sets = [
            (None, {"fields": ["title", "slug", *self.record_fields[1:]]}),
            (
                _("Status"),
                {
                    "fields": ["status", *STATUS_FIELDS, "loaded_version"],
                    "description": _(
                        "The first step of its public timeline: the date it took effect (or unknown), a note "
                        "and at least one source that is not an opinion piece alone."
                    ),
                },
            ),
        ]
        if gated:
            sets.append((_("Value and tie to the target"), {"fields": gated}))
        extra = [
            name for name in self.rarely_changed if name not in ("slug", "last_reviewed_on", "is_synthetic")
        ]
        return [*sets, translations, (_("Rarely changed"), {"classes": ["collapse"], "fields": extra})]

    @admin.display(description=gettext_lazy("Now"))
    def readers_see(self, record):
        """The status, value and tie readers see, each with the one link that changes it, and
        what already waits for review."""
        name = self.model._meta.model_name
        lines = [
            (
                _("Status"),
                status_badge(record),
                reverse(f"admin:tracker_{name}_status", args=[record.pk]),
                _("Change status"),
            )
        ]
        if self.model is Agreement:
            lines += [
                (
                    _("Value"),
                    qualified_money(record.amount, record.currency, record.value_exactness)
                    if record.amount is not None
                    else _("not stated"),
                    reverse("admin:tracker_agreement_value", args=[record.pk]),
                    _("Change value"),
                ),
                (
                    _("Tie to the target"),
                    record.get_target_link_display(),
                    reverse("admin:tracker_agreement_tie", args=[record.pk]),
                    _("Change tie"),
                ),
            ]
        rows = format_html_join(
            "",
            '<li><span class="now-label">{}:</span> {} <a class="button now-change" href="{}">{}</a></li>',
            lines,
        )
        pending = format_html_join(
            "",
            '<li><a href="{}">{}</a> ({})</li>',
            (
                (reverse("admin:tracker_proposal_review", args=[p.pk]), p.get_kind_display(), p.proposed_by)
                for p in record.proposals.pending().select_related("proposed_by")
            ),
        )
        unpublished = (
            format_html(
                '<p class="unpublished">{}</p>', _("Not public yet: it waits for a second editor's approval.")
            )
            if not record.is_published
            else ""
        )
        waiting = (
            format_html('<p>{}</p><ul class="pending">{}</ul>', _("Waiting for review:"), pending)
            if pending
            else ""
        )
        return format_html('{}<ul class="readers-see">{}</ul>{}', unpublished, rows, waiting)

    @admin.display(description=gettext_lazy("Status"), ordering="status")
    def status_badge(self, record):
        """The badge, and under it the one link to the record's status form."""
        url = reverse(f"admin:tracker_{self.model._meta.model_name}_status", args=[record.pk])
        return format_html(
            '{}<br><a class="change-status" href="{}">{}</a>', status_badge(record), url, _("change")
        )

    @admin.display(description=gettext_lazy("Reviewed"), ordering="last_reviewed_on")
    def reviewed(self, record):
        return record.last_reviewed_on

    def save_model(self, request, obj, form, change):
        if not change:  # a new record is public once a second editor approves it
            obj.is_published = not reviews.unpublished_unless_reviewed()
        save_record(
            subject=obj,
            loaded_version=form.cleaned_data["loaded_version"],
            status_step=form.status_step() if form.status_changing else None,
            user=request.user,
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        record = form.instance
        if not change and not record.is_published:
            reviews.propose_publication(
                records=[record],
                note=_("Added in the admin."),
                user=request.user,
                sources=record.sources.all(),
            )
            self.message_user(request, _("It is not public yet: a second editor approves new records."))

    def confirmation_page(self, request, records, form, *, action, title, button, help_text):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "records": records,
            "form": form,
            "action": action,
            "button": button,
            "help_text": help_text,
            "media": self.media + form.media,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/tracker/bulk_status.html", context)

    @admin.action(description=gettext_lazy("Change the status of the selected items"), permissions=["change"])
    def change_status_of_selected(self, request, queryset):
        records = list(queryset.order_by("pk"))
        if "apply" in request.POST:
            form = BulkStatusForm(
                request.POST, model=self.model, can_add_sources=self.can_add_sources(request)
            )
            if form.is_valid():
                data = form.cleaned_data
                try:
                    proposals = reviews.propose_status_of_many(
                        model=self.model,
                        versions=data["versions"],
                        new_status=data["new_status"],
                        effective_on=data["effective_on"],
                        date_accuracy=data["date_accuracy"],
                        note=data["note"],
                        sources=data["sources"],
                        user=request.user,
                    )
                except (StaleEdit, ValidationError) as problem:
                    self.message_user(request, self._bulk_problem(problem), messages.ERROR)
                else:
                    waiting = sum(proposal.is_pending for proposal in proposals)
                    self.message_user(
                        request,
                        ngettext(
                            "A new status for %(count)d item waits for a second editor's review.",
                            "A new status for %(count)d items waits for a second editor's review, one "
                            "proposal each.",
                            waiting,
                        )
                        % {"count": waiting}
                        if waiting
                        else ngettext(
                            "Status of %(count)d item changed, with its history record.",
                            "Status of %(count)d items changed, with one history record each.",
                            len(proposals),
                        )
                        % {"count": len(proposals)},
                    )
                return None
        else:
            form = BulkStatusForm(
                model=self.model,
                can_add_sources=self.can_add_sources(request),
                initial={"versions": encode_versions(records)},
            )
        return self.confirmation_page(
            request,
            records,
            form,
            action="change_status_of_selected",
            title=_("Change the status of several items"),
            button=_("Change status"),
            help_text=_(
                "One history record is written for each of these %(count)d items, with the date, "
                "note and sources below, all in one transaction: if any cannot change, none does."
            )
            % {"count": len(records)},
        )

    @admin.action(
        description=gettext_lazy("Mark the selected items as reviewed today"), permissions=["change"]
    )
    def mark_reviewed_today(self, request, queryset):
        records = list(queryset.order_by("pk"))
        if "apply" in request.POST:
            form = ReviewForm(request.POST)
            if form.is_valid():
                try:
                    marked = mark_reviewed(model=self.model, versions=form.cleaned_data["versions"])
                except StaleEdit as stale:
                    self.message_user(request, self._bulk_problem(stale), messages.ERROR)
                else:
                    self.message_user(
                        request, _("Items marked as reviewed today: %(count)d.") % {"count": len(marked)}
                    )
                return None
        else:
            form = ReviewForm(initial={"versions": encode_versions(records)})
        return self.confirmation_page(
            request,
            records,
            form,
            action="mark_reviewed_today",
            title=_("Mark several items as reviewed today"),
            button=_("Mark reviewed"),
            help_text=_(
                "Records that you checked these %(count)d items against the evidence today, without "
                "changing their status. If someone changed one of them since you opened the list, none is "
                "marked."
            )
            % {"count": len(records)},
        )

    def _bulk_problem(self, problem):
        if isinstance(problem, StaleEdit):
            return (
                describe_changes(problem.subject, problem.changes)
                + " "
                + _("(%(record)s) Nothing was changed.") % {"record": problem.subject}
            )
        return _("Nothing was changed.") + " " + " ".join(problem.messages)


@admin.register(Commitment)
class CommitmentAdmin(TrackedRecordAdmin):
    actions = [*TrackedRecordAdmin.actions, assess_selected]
    list_display = [
        "title",
        "origin",
        "priority_area",
        "status_badge",
        "due",
        "reviewed",
    ]
    record_fields = [
        "title",
        "description",
        "origin",
        "proposed_by",
        "priority_area",
        "priority_area_basis",
        "priority_area_note",
        "countries",
        "organizations",
        "target_date",
        "progress_percent",
        "sources",
    ]
    rarely_changed = ["slug", "chapter", "same_pledge_as", "last_reviewed_on", "is_synthetic"]
    list_filter = [NeedsAttentionFilter, "status", "origin", "priority_area", "countries", "is_synthetic"]
    search_fields = ["title", "description", "slug"]
    autocomplete_fields = ["proposed_by", "same_pledge_as", "countries", "organizations", "sources"]
    list_select_related = ["priority_area"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["last_reviewed_on", "is_synthetic"]

    @admin.display(description=gettext_lazy("Due"), ordering="target_date")
    def due(self, commitment):
        return commitment.target_date


class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    autocomplete_fields = ["party", "sources"]
    extra = 1


class AgreementCommitmentInline(admin.TabularInline):
    """A link to a commitment is a claim: stated with its source, or our inference with the reason."""

    model = AgreementCommitment
    form = AgreementCommitmentForm
    autocomplete_fields = ["commitment", "sources"]
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(AgreementImportExport, TrackedRecordAdmin):
    change_list_template = "admin/tracker/agreement/change_list.html"
    list_display = [
        "title",
        "instrument",
        "status_badge",
        "signed_on",
        "value",
        "reviewed",
    ]
    record_fields = ["title", "description", "instrument", "sectors", "sources", "composition_note"]
    rarely_changed = ["slug", "last_reviewed_on", "is_synthetic"]
    list_filter = [
        NeedsAttentionFilter,
        "status",
        AgreementCountryFilter,
        AgreementAreaFilter,
        "sectors",
        "instrument",
        "target_link",
        "is_aggregate",
        "is_synthetic",
    ]
    search_fields = ["title", "description", "slug", "parties__name"]
    autocomplete_fields = ["part_of", "sectors", "sources", "target_link_sources"]
    date_hierarchy = "signed_on"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["last_reviewed_on", "is_synthetic"]
    inlines = [AgreementPartyInline, AgreementCommitmentInline, StatusChangeInline]

    def get_urls(self):
        return self.import_urls() + super().get_urls()

    @admin.display(description=gettext_lazy("Value"), ordering="yen_value")
    def value(self, agreement):
        return qualified_money(agreement.amount, agreement.currency, agreement.value_exactness)


@admin.register(StatusChange)
class StatusChangeAdmin(VersionedAdmin):
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
        "date_accuracy",
        "old_status",
        "new_status",
        "note",
        "note_ja",
        "note_ru",
        "sources",
        "recorded_by",
        "recorded_at",
        "loaded_version",
    ]
    readonly_fields = [
        "commitment",
        "agreement",
        "effective_on",
        "date_accuracy",
        "old_status",
        "new_status",
        "recorded_by",
        "recorded_at",
    ]

    def has_add_permission(self, request):
        return False  # a status change is made from its commitment or agreement

    def view_on_site(self, change):
        return f"{change.subject.get_absolute_url()}#change-{change.uid}"
