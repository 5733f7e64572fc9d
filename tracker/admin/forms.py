"""Admin forms for the status workflow and stale-edit protection. The rules are the services';
these forms only collect the input and put each problem beside its field."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.utils import timezone

from ..models import DateAccuracy, Source
from ..services import (
    changes_since,
    current_version,
    needs_status_record,
    status_change_problems,
    target_link_problems,
)

STATUS_FIELDS = ("status_effective_on", "status_date_accuracy", "status_note", "status_sources")
# Which field of the change form shows each problem the status rules report.
STATUS_FIELD_FOR = {
    "status": "status",
    "effective_on": "status_effective_on",
    "date_accuracy": "status_date_accuracy",
    "note": "status_note",
    "sources": "status_sources",
}

DATE_ACCURACY_HELP = (
    "“Unknown” when no source gives the date: leave the date blank, and the public page says so."
)


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


class VersionedForm(forms.ModelForm):
    """A form that refuses to save over a change someone else saved after the editor opened it."""

    # The version the editor loaded; a save from an older one is refused.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            submitted = cleaned.get("loaded_version")
            if submitted is None or submitted != current_version(self.instance):
                changes = changes_since(self.instance, submitted) if submitted else []
                raise ValidationError(
                    describe_changes(self.instance, changes)
                    + " Nothing was saved. Reload the page to see the current version, then make your"
                    " change again.",
                    code="stale",
                )
        return cleaned


class TrackedRecordForm(VersionedForm):
    """A commitment or agreement form that also requires a dated, sourced record for every
    change of status."""

    status_effective_on = forms.DateField(
        required=False, widget=AdminDateWidget, label="New status took effect on"
    )
    status_date_accuracy = forms.ChoiceField(
        choices=DateAccuracy.choices,
        initial=DateAccuracy.EXACT,
        required=False,
        label="Accuracy of that date",
        help_text=DATE_ACCURACY_HELP,
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
        self.original_status = self.instance.status if self.instance.pk else None

    @property
    def status_changing(self):
        return needs_status_record(self.instance, self.cleaned_data.get("status"), self.original_status)

    def status_step(self):
        """The arguments of services.change_status for the status being saved."""
        return {
            "new_status": self.cleaned_data["status"],
            "effective_on": self.cleaned_data["status_effective_on"],
            "date_accuracy": self.cleaned_data["status_date_accuracy"] or DateAccuracy.EXACT,
            "note": self.cleaned_data["status_note"],
            "sources": self.cleaned_data["status_sources"],
        }

    def clean(self):
        cleaned = super().clean()
        if "status" in cleaned and self.status_changing:
            subject = self.instance
            if "target_date" in cleaned:  # judge "Not achieved" against the date being saved
                subject.target_date = cleaned["target_date"]
            problems = status_change_problems(subject=subject, **self.status_step())
            for code, message in problems.items():
                self.add_error(STATUS_FIELD_FOR[code], message)
        if "target_link" in cleaned:
            problems = target_link_problems(
                target_link=cleaned["target_link"], sources=cleaned.get("target_link_sources")
            )
            for field, message in problems.items():
                self.add_error(field, message)
        return cleaned


class BulkStatusForm(forms.Form):
    """One status, date, note and sources applied to several records, one history record each."""

    new_status = forms.ChoiceField(label="New status")
    effective_on = forms.DateField(
        widget=AdminDateWidget, initial=timezone.localdate, required=False, label="Took effect on"
    )
    date_accuracy = forms.ChoiceField(
        choices=DateAccuracy.choices,
        initial=DateAccuracy.EXACT,
        label="Accuracy of that date",
        help_text=DATE_ACCURACY_HELP,
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), label="Note")
    sources = forms.ModelMultipleChoiceField(queryset=Source.objects.all(), label="Sources")
    versions = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, model, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_status"].choices = model.Status.choices
        use_source_picker(self.fields["sources"], model)

    def clean_versions(self):
        return parse_versions(self.cleaned_data["versions"])


class ReviewForm(forms.Form):
    """Confirms "mark reviewed" for the records and versions the editor selected."""

    versions = forms.CharField(widget=forms.HiddenInput)

    def clean_versions(self):
        return parse_versions(self.cleaned_data["versions"])


def encode_versions(records):
    return ",".join(f"{record.pk}:{record.version}" for record in records)


def parse_versions(text):
    try:
        return {int(pk): int(version) for pk, version in (pair.split(":") for pair in text.split(","))}
    except ValueError as exc:
        raise ValidationError("The selection was damaged; go back to the list and select again.") from exc
