"""Admin forms for the status workflow and stale-edit protection."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.utils import timezone

from ..models import Agreement, Commitment, Source
from ..services import changes_since, status_change_errors

STATUS_FIELDS = ("status_effective_on", "status_note", "status_sources")


def use_source_picker(field, model):
    """The admin's search-as-you-type widget for sources, on a form field of our own."""
    field.widget = AutocompleteSelectMultiple(model._meta.get_field("sources"), admin.site)
    field.widget.choices = field.choices


def describe_changes(subject, changes):
    if not changes:
        return f"Someone else saved this {subject._meta.verbose_name} after you opened it."
    who, when = changes[0][3], changes[0][4]
    listed = "; ".join(f"{label}: “{old}” → “{new}”" for label, old, new, _who, _when in changes)
    return (
        f"{who} saved this {subject._meta.verbose_name} at {timezone.localtime(when):%H:%M on %d %b %Y}, "
        f"after you opened it. Changed meanwhile: {listed}."
    )


class TrackedRecordForm(forms.ModelForm):
    """A commitment or agreement form that refuses stale copies and requires a dated, sourced
    record for every change of status."""

    # The version the editor loaded; a save from an older one is refused.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    status_effective_on = forms.DateField(
        required=False, widget=AdminDateWidget, label="New status took effect on"
    )
    status_sources = forms.ModelMultipleChoiceField(
        queryset=Source.objects.all(), required=False, label="Status sources"
    )
    status_note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        label="Status note",
        help_text="What changed and how you know. Shown on the public timeline.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_source_picker(self.fields["status_sources"], self._meta.model)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
        self.original_status = self.instance.status if self.instance.pk else None

    @property
    def status_changing(self):
        status = self.cleaned_data.get("status")
        if self.instance.pk is None:
            # A new agreement always starts its timeline; a new commitment only if it is assessed.
            return isinstance(self.instance, Agreement) or status != Commitment.Status.NOT_ASSESSED
        return status != self.original_status

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            self._refuse_stale_copy(cleaned.get("loaded_version"))
        if "status" in cleaned and self.status_changing:
            self._require_status_record(cleaned)
        return cleaned

    def _refuse_stale_copy(self, submitted):
        current = (
            type(self.instance).objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
        )
        if submitted is None or submitted != current:
            changes = changes_since(self.instance, submitted) if submitted else []
            raise ValidationError(
                describe_changes(self.instance, changes)
                + " Nothing was saved. Reload the page to see the current version, then make your"
                " change again.",
                code="stale",
            )

    def _require_status_record(self, cleaned):
        subject = self.instance
        if "target_date" in cleaned:  # judge "Not achieved" against the date being saved
            subject.target_date = cleaned["target_date"]
        errors = status_change_errors(
            subject=subject,
            new_status=cleaned.get("status"),
            effective_on=cleaned.get("status_effective_on"),
            note=cleaned.get("status_note"),
            sources=cleaned.get("status_sources"),
        )
        for name, message in errors.items():
            self.add_error(name, message)


class BulkStatusForm(forms.Form):
    """One status, date, note and sources applied to several records, one history record each."""

    new_status = forms.ChoiceField(label="New status")
    effective_on = forms.DateField(widget=AdminDateWidget, initial=timezone.localdate, label="Took effect on")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), label="Note")
    sources = forms.ModelMultipleChoiceField(queryset=Source.objects.all(), label="Sources")
    versions = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, model, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_status"].choices = model.Status.choices
        use_source_picker(self.fields["sources"], model)

    def clean_versions(self):
        try:
            return {
                int(pk): int(version)
                for pk, version in (pair.split(":") for pair in self.cleaned_data["versions"].split(","))
            }
        except ValueError as exc:
            raise ValidationError("The selection was damaged; go back to the list and select again.") from exc
