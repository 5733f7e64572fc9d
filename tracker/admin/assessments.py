"""Admin for each country's record on shared commitments: one form, several commitments at once,
and a CSV import; all three write through tracker.services.record_assessment."""

import csv
import hashlib
import io
import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.dateparse import parse_date
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..method import VERDICTS
from ..models import SHARED_ORIGINS, Commitment, CountryAssessment, Party, Source
from ..services import StaleEdit, assessment_problems, reviews
from .base import VersionedAdmin
from .forms import VersionedForm, definitions_help, describe_changes, use_source_picker
from .reviews import VerdictForm, proposed_message, short_form_page


class AssessmentForm(VersionedForm):
    class Meta:
        model = CountryAssessment
        fields = [
            "commitment",
            "country",
            "verdict",
            "assessed_on",
            "rationale",
            "sources",
            "rationale_ja",
            "rationale_ru",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "verdict" in self.fields:  # read-only on an assessment's page: changed by a proposal
            self.fields["verdict"].help_text = definitions_help(CountryAssessment.Verdict.choices, VERDICTS)
        if "commitment" in self.fields:
            self.fields["commitment"].queryset = Commitment.objects.filter(origin__in=SHARED_ORIGINS)

    def clean(self):
        cleaned = super().clean()
        problems = assessment_problems(
            commitment=cleaned.get("commitment"),
            country=cleaned.get("country"),
            verdict=cleaned.get("verdict"),
            assessed_on=cleaned.get("assessed_on"),
            rationale=cleaned.get("rationale"),
            sources=cleaned.get("sources"),
        )
        for name, message in problems.items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return cleaned


@admin.register(CountryAssessment)
class CountryAssessmentAdmin(VersionedAdmin):
    """A verdict is proposed on a short form of its own and public once a second editor approves
    it; an assessment's page changes only its translations."""

    form = AssessmentForm
    readonly_fields = [
        "commitment",
        "country",
        "verdict",
        "assessed_on",
        "rationale",
        "sources",
        "propose_link",
    ]
    fields = [*readonly_fields, "rationale_ja", "rationale_ru", "loaded_version"]
    list_display = [
        "commitment",
        "country",
        "verdict",
        "assessed_on",
        "assessed_by",
        "reviewed_by",
        "last_reviewed_on",
    ]
    list_filter = ["verdict", "country"]
    search_fields = ["commitment__title", "rationale"]
    autocomplete_fields = ["commitment", "sources"]
    list_select_related = ["commitment", "country", "assessed_by"]
    date_hierarchy = "assessed_on"

    class Media:
        css = {"all": ["css/badges.css", "css/admin.css"]}

    @admin.display(description=gettext_lazy("New verdict"))
    def propose_link(self, assessment):
        url = reverse("admin:tracker_countryassessment_propose")
        query = f"?commitment={assessment.commitment_id}&country={assessment.country_id}"
        return format_html('<a class="button" href="{}{}">{}</a>', url, query, _("Propose a new verdict"))

    def add_view(self, request, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:tracker_countryassessment_propose"))

    def propose_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        initial = {}
        for name in ("commitment", "country"):
            if (request.GET.get(name) or "").isdigit():
                initial[name] = int(request.GET[name])
        current = CountryAssessment.objects.filter(
            commitment=initial.get("commitment"), country=initial.get("country")
        ).first()
        if current:
            initial.update(
                verdict=current.verdict, note=current.rationale, sources=list(current.sources.all())
            )
        can_add = self.admin_site.get_model_admin(Source).has_add_permission(request)
        form = VerdictForm(request.POST or None, initial=initial, can_add_sources=can_add)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                proposal = reviews.propose_verdict(
                    commitment=data["commitment"],
                    country=data["country"],
                    verdict=data["verdict"],
                    assessed_on=data["assessed_on"],
                    rationale=data["note"],
                    sources=data["sources"],
                    user=request.user,
                )
            except ValidationError as error:
                form.add_problems(error.message_dict)
            else:
                self.message_user(request, proposed_message(proposal))
                return HttpResponseRedirect(reverse("admin:tracker_countryassessment_changelist"))
        return short_form_page(
            self,
            request,
            record=None,
            form=form,
            title=_("Propose a country's verdict"),
            intro=_(
                "One country's record on one shared commitment, in the G7 Research Group's manner. It is "
                "public once a second editor approves it."
            ),
            button=_("Propose this verdict"),
        )

    def get_urls(self):
        return [
            path(
                "propose/",
                self.admin_site.admin_view(self.propose_view),
                name="tracker_countryassessment_propose",
            ),
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="tracker_countryassessment_import",
            ),
            path(
                "import/template.csv",
                self.admin_site.admin_view(self.import_template_view),
                name="tracker_countryassessment_import_template",
            ),
            *super().get_urls(),
        ]

    def import_template_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        buffer = io.StringIO()
        csv.writer(buffer).writerow([name for name, _help in IMPORT_COLUMNS])
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="assessments-import-template.csv"'
        return response

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        rows, text, digest, problem = None, "", "", None
        if request.method == "POST":
            form = AssessmentImportForm(request.POST, request.FILES)
            if form.is_valid():
                text = form.cleaned_data["text"]
                digest = digest_of(text)
                if "confirm" in request.POST and request.POST.get("digest") != digest:
                    problem = _("The file changed since its preview: preview it again.")
                    rows = read_rows(text)
                else:
                    rows = read_rows(text)
                    if "confirm" in request.POST and not any(row.problems for row in rows):
                        try:
                            created = import_rows(rows, user=request.user)
                        except (ValidationError, StaleEdit) as error:
                            problem = _("Nothing was imported: %(problem)s") % {"problem": describe(error)}
                        else:
                            self.message_user(request, verdicts_message(created))
                            return HttpResponseRedirect(reverse("admin:tracker_countryassessment_changelist"))
        else:
            form = AssessmentImportForm()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import country assessments from CSV"),
            "opts": self.model._meta,
            "form": form,
            "rows": rows,
            "text": text,
            "digest": digest,
            "problem": problem,
            "columns": IMPORT_COLUMNS,
            "ready": rows is not None and rows and not any(row.problems for row in rows),
            "template_url": reverse("admin:tracker_countryassessment_import_template"),
        }
        return TemplateResponse(request, "admin/tracker/countryassessment/import.html", context)


def verdicts_message(count):
    if reviews.second_editor_required():
        return _("Verdicts proposed: %(count)d; each is public once a second editor approves it.") % {
            "count": count
        }
    return _("Verdicts saved and public: %(count)d.") % {"count": count}


def describe(error):
    if isinstance(error, StaleEdit):
        return describe_changes(error.subject, error.changes)
    return " ".join(error.messages)


IMPORT_COLUMNS = [
    ("commitment", gettext_lazy("The commitment's slug (a shared commitment).")),
    ("country", gettext_lazy("The country's slug (one the commitment names).")),
    ("verdict", gettext_lazy("full, partial or none (+1, 0, −1).")),
    ("assessed_on", gettext_lazy("The day the rationale was written, YYYY-MM-DD.")),
    ("rationale", gettext_lazy("For readers: what the country has done, and the evidence.")),
    ("sources", gettext_lazy("Source slugs, separated by “;”.")),
    (
        "version",
        gettext_lazy(
            "Blank for a new assessment; to change one, its version as the admin shows it now (an older "
            "one is refused, so no import undoes another editor's save)."
        ),
    ),
]
MAX_IMPORT_BYTES = 2 * 2**20


class AssessmentImportForm(forms.Form):
    file = forms.FileField(required=False, label=gettext_lazy("CSV file (UTF-8)"))
    text = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload:
            if upload.size > MAX_IMPORT_BYTES:
                raise ValidationError(_("The file is larger than 2 MiB; split it."))
            try:
                cleaned["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError(_("The file is not UTF-8 text; save it as “CSV UTF-8”.")) from None
        if not cleaned.get("text"):
            raise ValidationError(_("Choose a CSV file."))
        return cleaned


def digest_of(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ImportRow:
    def __init__(self, number, values):
        self.number = number
        self.values = values
        self.problems = []
        self.cleaned = {}


def read_rows(text):
    """Every row of the CSV with all its problems, found in a handful of queries for the whole file."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [name for name, _help in IMPORT_COLUMNS if name not in (reader.fieldnames or [])]
    raw = list(reader)
    if missing:
        row = ImportRow(1, {})
        row.problems.append(_("Columns missing: %(columns)s.") % {"columns": ", ".join(missing)})
        return [row]
    commitments = {
        c.slug: c
        for c in Commitment.objects.filter(
            slug__in={(r["commitment"] or "").strip() for r in raw}
        ).prefetch_related("countries")
    }
    countries = {p.slug: p for p in Party.objects.countries()}
    source_slugs = {s.strip() for r in raw for s in (r.get("sources") or "").split(";") if s.strip()}
    sources = {s.slug: s for s in Source.objects.filter(slug__in=source_slugs)}
    existing = {
        (a.commitment_id, a.country_id): a
        for a in CountryAssessment.objects.filter(commitment__in=commitments.values())
    }
    seen = set()
    rows = []
    for number, values in enumerate(raw, start=2):
        values = {name: (value or "") for name, value in values.items() if name is not None}
        row = ImportRow(number, values)
        commitment = commitments.get(values["commitment"].strip())
        country = countries.get(values["country"].strip())
        if commitment is None:
            row.problems.append(_("No commitment “%(slug)s”.") % {"slug": values["commitment"]})
        if country is None:
            row.problems.append(_("No country “%(slug)s”.") % {"slug": values["country"]})
        assessed_on = None
        day = values["assessed_on"].strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) or (assessed_on := parse_date(day)) is None:
            row.problems.append(_("assessed_on: “%(day)s” is not a date written YYYY-MM-DD.") % {"day": day})
        row_sources = []
        for slug in (values["sources"] or "").split(";"):
            if slug.strip():
                if slug.strip() in sources:
                    row_sources.append(sources[slug.strip()])
                else:
                    row.problems.append(_("No source “%(slug)s”.") % {"slug": slug.strip()})
        version = (values.get("version") or "").strip()
        if commitment and country:
            if (commitment.pk, country.pk) in seen:
                row.problems.append(_("This country and commitment appear twice in the file."))
            seen.add((commitment.pk, country.pk))
            current = existing.get((commitment.pk, country.pk))
            if current and not version:
                row.problems.append(
                    _("Already assessed (version %(version)d): give that version to change it.")
                    % {"version": current.version}
                )
            elif current and version != str(current.version):
                row.problems.append(
                    _("Version %(given)s is not the current one (%(version)d): someone changed it since.")
                    % {"given": version, "version": current.version}
                )
            elif not current and version:
                row.problems.append(_("There is no assessment to change: leave version blank."))
        problems = assessment_problems(
            commitment=commitment,
            country=country,
            verdict=values["verdict"].strip(),
            assessed_on=assessed_on,
            rationale=values["rationale"],
            sources=row_sources,
        )
        if commitment is None or country is None:
            problems.pop("country", None)
        if assessed_on is None:
            problems.pop("assessed_on", None)  # already said, with the text given
        row.problems += [f"{name}: {message}" for name, message in problems.items()]
        row.cleaned = {
            "commitment": commitment,
            "country": country,
            "verdict": values["verdict"].strip(),
            "assessed_on": assessed_on,
            "rationale": values["rationale"],
            "sources": row_sources,
            "loaded_version": int(version) if version.isdigit() else None,
        }
        rows.append(row)
    return rows


@transaction.atomic
def import_rows(rows, *, user):
    """Propose every row, checked again inside the transaction: all or nothing. Each row is a
    proposal, public once a second editor approves it."""
    for row in rows:
        data = dict(row.cleaned)
        data.pop("loaded_version")
        reviews.propose_verdict(user=user, **data)
    return len(rows)


class BulkAssessmentForm(forms.Form):
    """One country's verdict, date, rationale and sources on several commitments."""

    country = forms.ModelChoiceField(queryset=Party.objects.countries(), label=gettext_lazy("Country"))
    verdict = forms.ChoiceField(choices=CountryAssessment.Verdict.choices, label=gettext_lazy("Verdict"))
    assessed_on = forms.DateField(widget=AdminDateWidget, label=gettext_lazy("Assessed on"))
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        label=gettext_lazy("Rationale"),
        help_text=gettext_lazy("For readers, shown on each commitment's page."),
    )
    sources = forms.ModelMultipleChoiceField(queryset=Source.objects.all(), label=gettext_lazy("Sources"))
    versions = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, can_add_sources=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verdict"].help_text = definitions_help(CountryAssessment.Verdict.choices, VERDICTS)
        use_source_picker(self.fields["sources"], CountryAssessment, can_add=can_add_sources)


def assess_selected(model_admin, request, queryset):
    """The commitments list's action: give one country's verdict on the selected commitments."""
    records = list(queryset.order_by("pk"))
    if "apply" in request.POST:
        form = BulkAssessmentForm(request.POST, can_add_sources=model_admin.can_add_sources(request))
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    for commitment in records:
                        try:
                            reviews.propose_verdict(
                                commitment=commitment,
                                country=data["country"],
                                verdict=data["verdict"],
                                assessed_on=data["assessed_on"],
                                rationale=data["rationale"],
                                sources=data["sources"],
                                user=request.user,
                            )
                        except ValidationError as error:
                            raise ValidationError(f"{commitment}: {' '.join(error.messages)}") from error
            except ValidationError as error:
                model_admin.message_user(
                    request, _("Nothing was changed.") + " " + " ".join(error.messages), messages.ERROR
                )
            else:
                model_admin.message_user(request, verdicts_message(len(records)))
            return None
    else:
        form = BulkAssessmentForm(can_add_sources=model_admin.can_add_sources(request))
    return model_admin.confirmation_page(
        request,
        records,
        form,
        action="assess_selected",
        title=_("Assess one country on several commitments"),
        button=_("Save the assessments"),
        help_text=_(
            "One assessment is written for the country on each of these %(count)d commitments, with the "
            "verdict, date, rationale and sources below, all in one transaction: if any cannot be "
            "written (a commitment that is not shared, or does not name the country, or is already "
            "assessed for it), none is."
        )
        % {"count": len(records)},
    )


assess_selected.short_description = gettext_lazy("Assess one country on the selected commitments")
assess_selected.allowed_permissions = ["change"]
