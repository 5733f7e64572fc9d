"""What every admin page of the tracker shares: an audit trail that cannot be used to revert,
and, where a model carries a version, refusal of stale saves."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from ..services import StaleEdit, claim_version
from .forms import VersionedForm, describe_changes
from .history import history_page


class AuditedAdmin(SimpleHistoryAdmin):
    """History pages tell each change in words (tracker.admin.history), read-only. Reverting is
    refused, not just hidden: a revert would change a status without its dated, sourced record."""

    def history_view(self, request, object_id, extra_context=None):
        return history_page(self, request, object_id)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Reverting from the history is switched off; edit the record instead.")
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
                describe_changes(stale.subject, stale.changes) + " Nothing was saved.",
                messages.ERROR,
            )
            return HttpResponseRedirect(request.path)
