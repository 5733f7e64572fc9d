"""The second editor in the admin: short forms that propose a change readers would see (a status,
a value, a tie to the target, a country's verdict), and the page where another editor approves
or returns it. The rules are the services' (tracker.services.reviews); these forms collect input
and put each problem beside its field."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..method import VERDICTS
from ..models import (
    SHARED_ORIGINS,
    Agreement,
    Commitment,
    CountryAssessment,
    DateAccuracy,
    Party,
    Proposal,
    Source,
)
from ..services import reviews
from ..services.status import undated_sources
from ..templatetags.tracker_format import known_date
from .forms import DATE_ACCURACY_HELP, definitions_help, use_source_picker

# Dates are written and read as YYYY-MM-DD only, in the browser's own date picker: 01/02/2026
# could be 1 February or 2 January, and the CSV import takes that form only too.
ISO = "%Y-%m-%d"


def iso_date_field(**kwargs):
    """A date typed as YYYY-MM-DD, the one form the import reads too (a browser's date picker
    shows each reader's own order, which is how 01/02/2026 gets misread)."""
    widget = forms.DateInput(
        attrs={
            "placeholder": "YYYY-MM-DD",
            "pattern": r"\d{4}-\d{2}-\d{2}",
            "size": 10,
            "autocomplete": "off",
        },
        format=ISO,
    )
    return forms.DateField(widget=widget, input_formats=[ISO], **kwargs)


class ProposalForm(forms.Form):
    """What every proposal carries: a note for readers and reviewers, and its sources."""

    # Not required here: the services' rules say what is missing, each in its own words, at once.
    note = forms.CharField(
        required=False,
        label=gettext_lazy("Note"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=gettext_lazy("What changed and how the sources show it. Readers see it once approved."),
    )
    sources = forms.ModelMultipleChoiceField(
        queryset=Source.objects.all(), required=False, label=gettext_lazy("Sources")
    )

    def __init__(self, *args, model, can_add_sources=False, **kwargs):
        super().__init__(*args, **kwargs)
        use_source_picker(self.fields["sources"], model, can_add=can_add_sources)

    def add_problems(self, problems):
        """The services' problems, each beside its field (the rest above the form)."""
        for name, message in problems.items():
            self.add_error(name if name in self.fields else None, message)


class StatusStepForm(ProposalForm):
    status = forms.ChoiceField(label=gettext_lazy("New status"))
    effective_on = iso_date_field(
        required=False,
        label=gettext_lazy("Took effect on"),
        help_text=gettext_lazy(
            "The day a source gives, YYYY-MM-DD. A source published before that day cannot report it."
        ),
    )
    date_accuracy = forms.ChoiceField(
        choices=DateAccuracy.choices,
        initial=DateAccuracy.EXACT,
        label=gettext_lazy("Accuracy of that date"),
        help_text=DATE_ACCURACY_HELP,
    )
    field_order = ["status", "effective_on", "date_accuracy", "note", "sources"]

    def __init__(self, *args, model, **kwargs):
        super().__init__(*args, model=model, **kwargs)
        self.fields["status"].choices = [("", _("— choose the new status —")), *model.Status.choices]
        self.fields["status"].help_text = definitions_help(model)


class ValueForm(ProposalForm):
    """An agreement's figure and what decides how it counts, with the model's own fields."""

    field_order = [*reviews.VALUE_FIELDS, "note", "sources"]

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, model=Agreement, **kwargs)
        own = forms.models.fields_for_model(Agreement, fields=reviews.VALUE_FIELDS)
        own["signed_on"] = iso_date_field(
            required=False, label=own["signed_on"].label, help_text=own["signed_on"].help_text
        )
        own["part_of"].queryset = Agreement.objects.filter(is_aggregate=True).exclude(pk=agreement.pk)
        self.fields = {**own, **self.fields}
        self.order_fields(self.field_order)
        if not self.is_bound:
            for name in reviews.VALUE_FIELDS:
                self.initial.setdefault(name, getattr(agreement, name))


class TieForm(ProposalForm):
    target_link = forms.ChoiceField(
        choices=Agreement.TargetLink.choices, label=gettext_lazy("Tie to the target")
    )
    field_order = ["target_link", "note", "sources"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, model=Agreement, **kwargs)
        self.fields["note"].label = gettext_lazy("What the sources say, briefly")
        self.fields["note"].help_text = gettext_lazy("Shown to readers beside the tie.")
        self.fields["sources"].required = False
        self.fields["sources"].help_text = gettext_lazy(
            "The sources that state the tie; required for anything but “reported”."
        )


class VerdictForm(ProposalForm):
    commitment = forms.ModelChoiceField(
        queryset=Commitment.objects.filter(origin__in=SHARED_ORIGINS), label=gettext_lazy("Commitment")
    )
    country = forms.ModelChoiceField(queryset=Party.objects.countries(), label=gettext_lazy("Country"))
    verdict = forms.ChoiceField(choices=CountryAssessment.Verdict.choices, label=gettext_lazy("Verdict"))
    assessed_on = iso_date_field(label=gettext_lazy("Assessed on"))
    field_order = ["commitment", "country", "verdict", "assessed_on", "note", "sources"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, model=CountryAssessment, **kwargs)
        self.fields["verdict"].help_text = definitions_help(CountryAssessment.Verdict.choices, VERDICTS)
        self.fields["note"].label = gettext_lazy("Rationale")
        self.fields["note"].help_text = gettext_lazy(
            "For readers: what the country has done, and how the sources show it."
        )

    def add_problems(self, problems):
        super().add_problems({"note" if name == "rationale" else name: m for name, m in problems.items()})


class DecisionForm(forms.Form):
    loaded_version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        required=False,
        label=gettext_lazy("Comment for the author"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=gettext_lazy("Required to return it: what to check or change."),
    )


def short_form_page(model_admin, request, *, record, form, title, intro, button):
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "record": record,
        "form": form,
        "intro": intro,
        "button": button,
        "media": model_admin.media + form.media,
        "pending": record.proposals.pending().select_related("proposed_by") if record else [],
    }
    return TemplateResponse(request, "admin/tracker/short_form.html", context)


def proposed_message(proposal):
    if proposal.is_pending:
        return _("Your change waits for a second editor's review; readers see it once approved.")
    return _("Your change is public.")


class ProposingAdmin:
    """The short forms of a commitment's or an agreement's admin: each proposes one change readers
    would see, on a page of its own reached in one click from the list or the record."""

    def proposal_urls(self):
        prefix = f"{self.model._meta.app_label}_{self.model._meta.model_name}"
        urls = [
            path(
                "<path:object_id>/status/",
                self.admin_site.admin_view(self.status_view),
                name=f"{prefix}_status",
            )
        ]
        if self.model is Agreement:
            urls += [
                path(
                    "<path:object_id>/value/",
                    self.admin_site.admin_view(self.value_view),
                    name=f"{prefix}_value",
                ),
                path(
                    "<path:object_id>/tie/",
                    self.admin_site.admin_view(self.tie_view),
                    name=f"{prefix}_tie",
                ),
            ]
        return urls

    def record_for(self, request, object_id):
        record = self.get_object(request, object_id)
        if record is None:
            raise Http404
        if not self.has_change_permission(request, record):
            raise PermissionDenied
        return record

    def after_proposal(self, request, record, proposal, extra=""):
        self.message_user(request, f"{proposed_message(proposal)} {extra}".strip())
        return HttpResponseRedirect(
            reverse(f"admin:tracker_{self.model._meta.model_name}_change", args=[record.pk])
        )

    def status_view(self, request, object_id):
        record = self.record_for(request, object_id)
        form = StatusStepForm(
            request.POST or None,
            model=self.model,
            can_add_sources=self.can_add_sources(request),
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                proposal = reviews.propose_status(
                    subject=record,
                    new_status=data["status"],
                    effective_on=data["effective_on"],
                    date_accuracy=data["date_accuracy"],
                    note=data["note"],
                    sources=data["sources"],
                    user=request.user,
                )
            except ValidationError as error:
                form.add_problems(error.message_dict)
            else:
                undated = undated_sources(data["sources"]) if data["effective_on"] else []
                extra = (
                    _("These sources give no date, so they cannot confirm the day: %(sources)s.")
                    % {"sources": "; ".join(str(source) for source in undated)}
                    if undated
                    else ""
                )
                return self.after_proposal(request, record, proposal, extra)
        return short_form_page(
            self,
            request,
            record=record,
            form=form,
            title=_("Change the status of “%(record)s”") % {"record": record},
            intro=_(
                "Now: %(status)s. The new status, the day it took effect and its sources become a "
                "step on the public timeline once a second editor approves it."
            )
            % {"status": record.get_status_display()},
            button=_("Propose this status"),
        )

    def value_view(self, request, object_id):
        record = self.record_for(request, object_id)
        form = ValueForm(
            request.POST or None, agreement=record, can_add_sources=self.can_add_sources(request)
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                proposal = reviews.propose_value(
                    agreement=record,
                    values={name: data[name] for name in reviews.VALUE_FIELDS},
                    note=data["note"],
                    sources=data["sources"],
                    user=request.user,
                )
            except ValidationError as error:
                form.add_problems(error.message_dict)
            else:
                return self.after_proposal(request, record, proposal)
        return short_form_page(
            self,
            request,
            record=record,
            form=form,
            title=_("Change the value of “%(record)s”") % {"record": record},
            intro=_(
                "The figure as the sources give it, and what decides how it counts toward the target "
                "(its signing date, and the package it is itemized from)."
            ),
            button=_("Propose this value"),
        )

    def tie_view(self, request, object_id):
        record = self.record_for(request, object_id)
        form = TieForm(
            request.POST or None,
            can_add_sources=self.can_add_sources(request),
            initial={
                "target_link": record.target_link,
                "note": record.target_link_note,
                "sources": list(record.target_link_sources.all()),
            },
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                proposal = reviews.propose_target_link(
                    agreement=record,
                    target_link=data["target_link"],
                    target_link_note=data["note"],
                    sources=data["sources"],
                    user=request.user,
                )
            except ValidationError as error:
                form.add_problems(
                    {
                        {"target_link_sources": "sources", "target_link_note": "note"}.get(k, k): v
                        for k, v in error.message_dict.items()
                    }
                )
            else:
                return self.after_proposal(request, record, proposal)
        return short_form_page(
            self,
            request,
            record=record,
            form=form,
            title=_("Change how “%(record)s” is tied to the target") % {"record": record},
            intro=_("Now: %(tie)s.") % {"tie": record.get_target_link_display()},
            button=_("Propose this tie"),
        )


def change_rows(proposal):
    """[(label, before, after)] of a proposal, in words: field labels and choice labels, never codes."""
    kind = proposal.kind
    if kind == Proposal.Kind.STATUS:
        model = Commitment if proposal.commitment_id else Agreement
        labels = dict(model.Status.choices)
        day = proposal.payload["effective_on"]
        when = known_date(
            datetime.date.fromisoformat(day) if day else None, proposal.payload["date_accuracy"]
        )
        return [
            (_("Status"), labels.get(proposal.before["status"]), labels.get(proposal.payload["status"])),
            (_("Took effect"), "", when),
        ]
    if kind == Proposal.Kind.VALUE:
        rows = []
        for name in reviews.VALUE_FIELDS:
            old, new = proposal.before.get(name), proposal.payload.get(name)
            if old != new:
                rows.append(
                    (
                        _field_label(Agreement, name),
                        _shown(Agreement, name, old),
                        _shown(Agreement, name, new),
                    )
                )
        return rows
    if kind == Proposal.Kind.TARGET_LINK:
        labels = dict(Agreement.TargetLink.choices)
        before_sources = ", ".join(
            str(s) for s in Source.objects.filter(pk__in=proposal.before.get("sources", []))
        )
        return [
            (
                _("Tie to the target"),
                labels.get(proposal.before["target_link"]),
                labels.get(proposal.payload["target_link"]),
            ),
            (
                _("What the sources say"),
                proposal.before["target_link_note"],
                proposal.payload["target_link_note"],
            ),
            (_("Sources for the tie"), before_sources, ", ".join(str(s) for s in proposal.sources.all())),
        ]
    if kind == Proposal.Kind.VERDICT:
        labels = dict(CountryAssessment.Verdict.choices)
        return [
            (_("Country"), "", str(proposal.country)),
            (
                _("Verdict"),
                labels.get(proposal.before.get("verdict"), "—"),
                labels.get(proposal.payload["verdict"]),
            ),
            (_("Assessed on"), "", proposal.payload["assessed_on"]),
        ]
    records = [
        *Commitment.objects.filter(pk__in=proposal.payload.get("commitments", [])),
        *Agreement.objects.filter(pk__in=proposal.payload.get("agreements", [])),
    ]
    return [(_("New record"), "", format_html('<a href="{}">{}</a>', _change_url(r), r)) for r in records]


def _change_url(record):
    return reverse(f"admin:tracker_{record._meta.model_name}_change", args=[record.pk])


def _field_label(model, name):
    return str(model._meta.get_field(name).verbose_name).capitalize()


def _shown(model, name, value):
    field = model._meta.get_field(name)
    if value in (None, ""):
        return "—"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.is_relation:
        return str(field.related_model.objects.filter(pk=value).first() or value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    """Proposed changes: each opens on its review page, where another editor approves it or
    returns it with a comment, and its author may withdraw it."""

    list_display = ["__str__", "kind", "state", "proposed_by", "proposed_at", "reviewed_by"]
    list_filter = ["state", "kind"]
    list_select_related = ["commitment", "agreement", "proposed_by", "reviewed_by"]
    search_fields = ["note", "commitment__title", "agreement__title"]
    date_hierarchy = "proposed_at"

    class Media:
        css = {"all": ["css/badges.css", "css/admin.css"]}

    def has_add_permission(self, request):
        return False  # proposed from the records' own short forms

    def has_delete_permission(self, request, obj=None):
        return False  # a decided proposal is part of the audit trail

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("tracker.change_proposal")

    def get_urls(self):
        return [
            path(
                "<int:pk>/review/",
                self.admin_site.admin_view(self.review_view),
                name="tracker_proposal_review",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:tracker_proposal_review", args=[object_id]))

    def review_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        proposal = get_object_or_404(
            Proposal.objects.select_related(
                "commitment", "agreement", "country", "proposed_by", "reviewed_by"
            ),
            pk=pk,
        )
        form = DecisionForm(request.POST or None, initial={"loaded_version": proposal.version})
        if request.method == "POST" and form.is_valid():
            if not self.has_change_permission(request, proposal):
                raise PermissionDenied
            decision, version = request.POST.get("decision"), form.cleaned_data["loaded_version"]
            try:
                if decision == "approve":
                    reviews.approve(proposal=proposal, reviewer=request.user, loaded_version=version)
                    self.message_user(request, _("Approved: the change is public."))
                elif decision == "return":
                    reviews.return_to_author(
                        proposal=proposal,
                        reviewer=request.user,
                        comment=form.cleaned_data["comment"],
                        loaded_version=version,
                    )
                    self.message_user(request, _("Returned to its author with your comment."))
                elif decision == "withdraw":
                    reviews.withdraw(proposal=proposal, user=request.user, loaded_version=version)
                    self.message_user(request, _("Withdrawn."))
                else:
                    raise ValidationError(_("Choose to approve or to return it."))
            except ValidationError as error:
                for name, problems in (
                    error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
                ):
                    form.add_error(name if name in form.fields else None, " ".join(problems))
            except reviews.StaleProposal as stale:
                self.message_user(request, str(stale), messages.ERROR)
                return HttpResponseRedirect(request.path)
            else:
                return HttpResponseRedirect(reverse("admin:index"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Review: %(proposal)s") % {"proposal": proposal},
            "opts": self.model._meta,
            "proposal": proposal,
            "rows": change_rows(proposal),
            "sources": proposal.sources.all(),
            "form": form,
            "is_author": proposal.proposed_by_id == request.user.pk,
            "second_editor_required": reviews.second_editor_required(),
            "subject_url": _change_url(proposal.subject) if proposal.subject else None,
        }
        return TemplateResponse(request, "admin/tracker/review.html", context)


def sources_line(sources):
    return format_html_join("; ", "{} ({})", ((s, s.published_on or _("date unknown")) for s in sources))
