"""Admin forms for the status workflow and stale-edit protection. The rules are the services';
these forms only collect the input and put each problem beside its field."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import (
    AdminDateWidget,
    AutocompleteSelectMultiple,
    RelatedFieldWidgetWrapper,
)
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..method import definitions_for
from ..models import DateAccuracy, Source
from ..services import (
    changes_since,
    commitment_link_problems,
    current_version,
    needs_status_record,
    status_change_problems,
    target_link_problems,
    version_record,
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

DATE_ACCURACY_HELP = _(
    "“Unknown” when no source gives the date: leave the date blank, and the public page says so."
)


def definitions_help(model_or_choices, definitions=None):
    """The method's definitions (tracker.method), for editors beside the field they choose from."""
    if definitions is None:
        choices, definitions = model_or_choices.Status.choices, definitions_for(model_or_choices)
    else:
        choices = model_or_choices
    return format_html(
        '<details class="definitions"><summary>{}</summary><ul class="definitions-help">{}</ul></details>',
        gettext("What each one means, and the evidence it needs"),
        format_html_join(
            "",
            "<li><strong>{}</strong>: {} <em>{}</em></li>",
            (
                (label, definitions[value].meaning, definitions[value].evidence)
                for value, label in choices
                if value in definitions
            ),
        ),
    )


def use_source_picker(field, model, *, can_add):
    """The admin's search-as-you-type widget for sources, on a form field of our own, with the
    "+" that adds a new source in a pop-up without leaving the form (for editors who may)."""
    relation = model._meta.get_field("sources")
    picker = AutocompleteSelectMultiple(relation, admin.site)
    picker.choices = field.choices
    field.widget = RelatedFieldWidgetWrapper(
        picker,
        relation.remote_field,
        admin.site,
        can_add_related=can_add,
        can_change_related=False,
        can_delete_related=False,
        can_view_related=False,
    )


def comparable(value):
    """A cleaned form value as the audit record stores it: ids for records, a set for several."""
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, (list, tuple, set, frozenset)) or hasattr(value, "values_list"):
        return frozenset(item.pk for item in value)
    return value


def value_at(record, field):
    """`field`'s value in an audit record, comparable with `comparable` of a form value."""
    if field.many_to_many:
        target = f"{field.m2m_reverse_field_name()}_id"
        return frozenset(getattr(row, target) for row in getattr(record, field.name).all())
    return getattr(record, field.attname)


def describe_changes(subject, changes):
    if not changes:
        return gettext("Someone else saved this %(thing)s after you opened it.") % {
            "thing": subject._meta.verbose_name
        }
    who, when = changes[0].who, changes[0].when
    listed = "; ".join(f"{change.label}: “{change.old}” → “{change.new}”" for change in changes)
    return gettext(
        "%(who)s saved this %(thing)s at %(when)s, after you opened it. Changed meanwhile: %(listed)s."
    ) % {
        "who": who,
        "thing": subject._meta.verbose_name,
        "when": f"{timezone.localtime(when):%H:%M on %d %b %Y}",
        "listed": listed,
    }


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
            current = current_version(self.instance)
            if submitted is None or submitted != current:
                changes = changes_since(self.instance, submitted) if submitted else []
                self.keep_typing(changes, submitted, current)
                raise ValidationError(
                    describe_changes(self.instance, changes)
                    + " "
                    + gettext(
                        "Nothing was saved. Your typing is kept in the form below: fields only they "
                        "changed now show their value, and where you both changed a field yours is kept "
                        "with theirs beside it. Check them, then save again."
                    ),
                    code="stale",
                )
        return cleaned

    def keep_typing(self, changes, submitted, current):
        """Make the re-shown form a merge: the editor's own typing, the other editor's values in
        the fields the editor had not touched, a note on each field both changed, and the
        current version, so that the next save is judged against what the editor has now seen."""
        self.data = self.data.copy()
        self.data[self.add_prefix("loaded_version")] = str(current)
        base = version_record(self.instance, submitted) if submitted else None
        if base is None:
            return
        for change in changes:
            name = change.field
            if name not in self.fields or name not in self.cleaned_data:
                continue
            if comparable(self.cleaned_data[name]) == value_at(base, self.instance._meta.get_field(name)):
                self.take_theirs(name)
            else:
                self.add_error(
                    name,
                    gettext(
                        "%(who)s changed this meanwhile to “%(new)s” (it was “%(old)s”). "
                        "Your version is kept here: save again to keep it, or change it."
                    )
                    % {"who": change.who, "new": change.new, "old": change.old},
                )

    def take_theirs(self, name):
        field = self.instance._meta.get_field(name)
        key = self.add_prefix(name)
        if field.many_to_many:
            self.data.setlist(
                key, [str(pk) for pk in getattr(self.instance, name).values_list("pk", flat=True)]
            )
            return
        value = getattr(self.instance, field.attname)
        widget = self.fields[name].widget
        if isinstance(widget, forms.CheckboxInput):
            if value:
                self.data[key] = "on"
            else:
                self.data.pop(key, None)
        else:
            shown = widget.format_value(value)
            self.data[key] = "" if shown is None else str(shown)


class TrackedRecordForm(VersionedForm):
    """A commitment or agreement form that also requires a dated, sourced record for every
    change of status."""

    status_effective_on = forms.DateField(
        required=False, widget=AdminDateWidget, label=_("New status took effect on")
    )
    status_date_accuracy = forms.ChoiceField(
        choices=DateAccuracy.choices,
        initial=DateAccuracy.EXACT,
        required=False,
        label=_("Accuracy of that date"),
        help_text=DATE_ACCURACY_HELP,
    )
    status_sources = forms.ModelMultipleChoiceField(
        queryset=Source.objects.all(), required=False, label=_("Status sources")
    )
    status_note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        label=_("Status note"),
        help_text=_("What changed and how you know. Shown on the public timeline."),
    )

    can_add_sources = False  # set per request by the admin (tracker.admin.records)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_source_picker(self.fields["status_sources"], self._meta.model, can_add=self.can_add_sources)
        self.original_status = self.instance.status if self.instance.pk else None
        if "status" in self.fields:
            model = self._meta.model
            self.fields["status"].help_text = format_html(
                "{} {}", model._meta.get_field("status").help_text, definitions_help(model)
            )

    @property
    def status_changing(self):
        if "status" not in self.cleaned_data:  # read-only on an existing record: see the short forms
            return False
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


class AgreementCommitmentForm(forms.ModelForm):
    """A link to a commitment, checked by the same rule as the fixture's links."""

    def clean(self):
        cleaned = super().clean()
        problems = commitment_link_problems(
            commitment=cleaned.get("commitment"),
            basis=cleaned.get("basis"),
            note=cleaned.get("note"),
            sources=cleaned.get("sources"),
        )
        for field, message in problems.items():
            self.add_error(field, message)
        return cleaned


class BulkStatusForm(forms.Form):
    """One status, date, note and sources applied to several records, one history record each."""

    new_status = forms.ChoiceField(label=_("New status"))
    effective_on = forms.DateField(widget=AdminDateWidget, required=False, label=_("Took effect on"))
    date_accuracy = forms.ChoiceField(
        choices=DateAccuracy.choices,
        initial=DateAccuracy.EXACT,
        label=_("Accuracy of that date"),
        help_text=DATE_ACCURACY_HELP,
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        label=_("Note"),
        help_text=_("What changed and how you know. Shown on each item's public timeline."),
    )
    sources = forms.ModelMultipleChoiceField(queryset=Source.objects.all(), label=_("Sources"))
    versions = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, model, can_add_sources=False, **kwargs):
        super().__init__(*args, **kwargs)
        # No status is chosen for the editor: the items' own status would make a step to nowhere.
        self.fields["new_status"].choices = [
            ("", gettext("— choose the new status —")),
            *model.Status.choices,
        ]
        self.fields["new_status"].help_text = definitions_help(model)
        use_source_picker(self.fields["sources"], model, can_add=can_add_sources)

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
        raise ValidationError(_("The selection was damaged; go back to the list and select again.")) from exc
