"""What every admin page of the tracker shares: an audit trail that cannot be used to revert,
and, where a model carries a version, refusal of stale saves."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.admin import SimpleHistoryAdmin

from ..models.base import TRANSLATED_LANGUAGES, Translatable
from ..services import StaleEdit, claim_version
from .filters import TranslationFilter
from .forms import VersionedForm, describe_changes
from .history import history_page


def translation_field_names(model):
    return [f"{field}_{language}" for field in model.translated_fields for language in TRANSLATED_LANGUAGES]


def translation_fieldset(model, obj):
    """The folded "Translations" section of a record's form, with a line on each out-of-date one."""
    stale = [
        language
        for language in TRANSLATED_LANGUAGES
        if obj is not None and obj.translation_is_stale(language)
    ]
    names = {"ja": _("Japanese"), "ru": _("Russian")}
    description = " ".join(
        _(
            "The %(language)s translation was made from English that has changed since: update it, "
            "or confirm it still matches."
        )
        % {"language": names[language]}
        for language in stale
    )
    classes = [] if stale else ["collapse"]
    return (
        _("Translations"),
        {"classes": classes, "fields": translation_field_names(model), "description": description},
    )


class AuditedAdmin(SimpleHistoryAdmin):
    """History pages tell each change in words (tracker.admin.history), read-only. Reverting is
    refused, not just hidden: a revert would change a status without its dated, sourced record."""

    def get_list_filter(self, request):
        filters = [*super().get_list_filter(request)]
        if issubclass(self.model, Translatable):
            filters.append(TranslationFilter)
        return filters

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not issubclass(self.model, Translatable) or not self.has_change_permission(request):
            actions.pop("confirm_translations", None)
        return actions

    def get_fieldsets(self, request, obj=None):
        """The translations in a folded section of their own, below the English they translate,
        saying which of them the English has outrun."""
        fieldsets = super().get_fieldsets(request, obj)
        if not issubclass(self.model, Translatable) or self.fieldsets or self.fields:
            return fieldsets
        names = translation_field_names(self.model)
        kept = [
            (title, {**options, "fields": [name for name in options["fields"] if name not in names]})
            for title, options in fieldsets
        ]
        return [*kept, translation_fieldset(self.model, obj)]

    @admin.action(description=gettext_lazy("Confirm that the translations still match the English"))
    def confirm_translations(self, request, queryset):
        confirmed = 0
        for record in queryset:
            for language in TRANSLATED_LANGUAGES:
                if record.has_translation(language):
                    setattr(record, f"translated_from_{language}", record.english_digest())
            record.translation_sources_given = True
            record._change_reason = "Translations confirmed as matching the English"
            record.save()
            confirmed += 1
        self.message_user(
            request,
            ngettext("%(count)d record confirmed.", "%(count)d records confirmed.", confirmed)
            % {"count": confirmed},
        )

    actions = ["confirm_translations"]

    def history_view(self, request, object_id, extra_context=None):
        return history_page(self, request, object_id)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied(_("Reverting from the history is switched off; edit the record instead."))
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_history", args=[object_id])
        return HttpResponseRedirect(f"{url}#version-{version_id}")


class VersionedAdmin(AuditedAdmin):
    """For models with a `version`: a save from a copy older than the stored one is refused,
    with what changed meanwhile, in the form and again (atomically) at save time."""

    form = VersionedForm

    def save_model(self, request, obj, form, change):
        if change:
            claim_version(obj, form.cleaned_data["loaded_version"])
        obj.save()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleEdit as stale:
            # Lost the race between the form's check and the save: the transaction rolled back.
            self.message_user(
                request,
                _("%(changes)s Nothing was saved.")
                % {"changes": describe_changes(stale.subject, stale.changes)},
                messages.ERROR,
            )
            return HttpResponseRedirect(request.path)
