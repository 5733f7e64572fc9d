"""The agreements' CSV import and export in the admin: a plain form around
tracker.services.imports, whose rules these pages only show. The file is kept (as its text, with
its digest) between the preview and the confirmation, which writes exactly what was previewed.

django-import-export did this before; it took about a dozen overridden hooks to keep our rules,
re-read the uploaded file from disk at confirmation, and checked a row at a time (about 80 ms
each). Reading the file ourselves and checking it in bulk is shorter and about 50 times faster.
"""

import csv
import io

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Agreement, AgreementParty, DateAccuracy, Party, Sector, Source
from ..models.currencies import ISO_4217
from ..services import imports
from ..services.reviews import StaleProposal
from ..spreadsheet import csv_cell


class ImportForm(forms.Form):
    file = forms.FileField(required=False, label=gettext_lazy("CSV file (UTF-8, comma-separated)"))
    # The previewed file, carried to the confirmation; its digest proves it is what was shown.
    text = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)
    digest = forms.CharField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload:
            try:
                cleaned["text"] = imports.decode(upload)
            except imports.ImportProblem as problem:
                raise ValidationError(str(problem)) from None
            cleaned["name"] = upload.name
        if not cleaned.get("text"):
            raise ValidationError(_("Choose a CSV file."))
        return cleaned


def vocabulary(choices):
    return [(value, label) for value, label in choices]


def import_columns():
    """Every column, in the file's order, with what it takes: the format page and the template."""
    described = {
        "slug": (
            _(
                "Required. The record's identifier: lower-case letters, digits and hyphens. An existing slug "
                "updates that agreement."
            ),
            None,
        ),
        "version": (
            _(
                "For an existing agreement, the version the export gave: a row from an older version is "
                "refused, so no import undoes another editor's save. Blank for a new agreement."
            ),
            None,
        ),
        "title": (_("Required. In our own words."), None),
        "description": (_("Required. In our own words."), None),
        "instrument": (_("Required. One of the codes below."), vocabulary(Agreement.Instrument.choices)),
        "status": (
            _(
                "Required for a new agreement (its first timeline step, dated by the signing date or "
                "“unknown”). An existing agreement's status cannot change here."
            ),
            vocabulary(Agreement.Status.choices),
        ),
        "signed_on": (_("YYYY-MM-DD only, e.g. 2026-02-01; blank when no source dates the signing."), None),
        "signed_on_accuracy": (
            _("How exact the signing date is; “unknown” with a blank date (the default)."),
            vocabulary(DateAccuracy.choices),
        ),
        "amount": (
            _(
                "Digits and at most one decimal point (1200000 or 1200000.50): no spaces, separators or "
                "currency signs. Blank when no source gives a value."
            ),
            None,
        ),
        "currency": (_("With an amount: an ISO 4217 code in capitals (listed below)."), None),
        "value_exactness": (
            _("With an amount: how exact it is. A source's “over” or “more than” is a lower bound."),
            vocabulary(Agreement._meta.get_field("value_exactness").choices),
        ),
        "value_as_reported": (_("The source's own words for the value, quoted as they stand."), None),
        "value_reading": (
            _("Where amount or currency is our reading of the source: what we read and why."),
            None,
        ),
        "target_link": (
            _(
                "How a source ties it to the target. Blank: “no source ties it” for a new agreement (it "
                "counts toward neither figure), unchanged for an existing one. Anything but “reported” "
                "needs target_link_sources."
            ),
            vocabulary(Agreement.TargetLink.choices),
        ),
        "target_link_sources": (_("Slugs of the sources that state the tie, separated by “;”."), None),
        "target_link_note": (_("What the sources say about the tie, briefly."), None),
        "is_aggregate": (_("1 for a package other agreements may be part of, else 0 or blank."), None),
        "part_of": (
            _("The slug of the package it is itemized from (in the tracker, or earlier in this file)."),
            None,
        ),
        "part_of_basis": (
            _("With part_of: whether a source states it, or it is our inference."),
            vocabulary(Agreement.PartOfBasis.choices),
        ),
        "part_of_note": (_("With part_of: why, in a sentence."), None),
        "sectors": (_("Sector slugs separated by “;” (listed below)."), None),
        "sources": (_("Required. Slugs of its sources, separated by “;”, not an opinion piece alone."), None),
        "parties": (
            _(
                "Countries and organizations with their role: slug:role separated by “;”, e.g. "
                "uzbekistan:signatory; jbic:supporter. Each role cites the row's sources. Roles are added, "
                "never removed."
            ),
            vocabulary(AgreementParty.Role.choices),
        ),
        "commitments": (
            _(
                "Read only: written by the export as slug:basis and ignored on import. A link to a "
                "commitment is a claim with its own basis and source, added on the agreement's page."
            ),
            None,
        ),
    }
    return [(name, *described[name]) for name in imports.COLUMNS]


def export_rows(queryset):
    """The header and one row per agreement, in the import's columns: an export reads back
    unchanged (its formula guard is taken off again on import)."""
    yield imports.COLUMNS
    agreements = queryset.select_related("part_of").prefetch_related(
        "sources", "sectors", "target_link_sources", "commitment_links__commitment", "party_roles__party"
    )
    for agreement in agreements.order_by("pk").iterator(chunk_size=500):
        values = {
            **{
                name: getattr(agreement, name)
                for name in (
                    "slug",
                    "version",
                    "title",
                    "description",
                    "instrument",
                    "status",
                    "signed_on_accuracy",
                    "currency",
                    "value_exactness",
                    "value_as_reported",
                    "value_reading",
                    "target_link",
                    "target_link_note",
                    "part_of_basis",
                    "part_of_note",
                )
            },
            "signed_on": agreement.signed_on.isoformat() if agreement.signed_on else "",
            "amount": "" if agreement.amount is None else f"{agreement.amount:f}",
            "is_aggregate": "1" if agreement.is_aggregate else "0",
            "part_of": agreement.part_of.slug if agreement.part_of else "",
            "sectors": "; ".join(sorted(s.slug for s in agreement.sectors.all())),
            "sources": "; ".join(sorted(s.slug for s in agreement.sources.all())),
            "target_link_sources": "; ".join(sorted(s.slug for s in agreement.target_link_sources.all())),
            "parties": "; ".join(sorted(f"{r.party.slug}:{r.role}" for r in agreement.party_roles.all())),
            "commitments": "; ".join(
                sorted(f"{link.commitment.slug}:{link.basis}" for link in agreement.commitment_links.all())
            ),
        }
        yield [csv_cell(values[name]) for name in imports.COLUMNS]


class Echo:
    def write(self, value):
        return value


class AgreementImportExport:
    """The agreements admin's import, its format page and template, and the export of its list."""

    def import_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="tracker_agreement_import"),
            path("import/format/", view(self.import_format_view), name="tracker_agreement_import_format"),
            path(
                "import/template.csv",
                view(self.import_template_view),
                name="tracker_agreement_import_template",
            ),
            path("export.csv", view(self.export_view), name="tracker_agreement_export"),
        ]

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        rows, problem, ready = None, None, False
        if request.method == "POST" and form.is_valid():
            text, name = form.cleaned_data["text"], form.cleaned_data["name"]
            confirming = "confirm" in request.POST
            if confirming and form.cleaned_data["digest"] != imports.digest(text):
                problem = _("The file changed since its preview: nothing was imported. Preview it again.")
                confirming = False
            try:
                rows = imports.read(text)
            except imports.ImportProblem as error:
                problem = str(error)
            else:
                ready = not any(row.problems for row in rows)
                if confirming and ready:
                    try:
                        created, updated, proposals = imports.write(rows, user=request.user)
                    except (ValidationError, StaleProposal) as error:
                        problem = _("Nothing was imported: %(problem)s") % {
                            "problem": " ".join(getattr(error, "messages", [str(error)]))
                        }
                    else:
                        waiting = sum(proposal.is_pending for proposal in proposals)
                        self.message_user(
                            request,
                            _(
                                "Imported: %(created)d new, %(updated)d updated; %(waiting)d changes wait "
                                "for a second editor's review."
                            )
                            % {"created": len(created), "updated": updated, "waiting": waiting},
                        )
                        return HttpResponseRedirect(reverse("admin:tracker_agreement_changelist"))
            form = ImportForm(initial={"text": text, "digest": imports.digest(text), "name": name})
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import agreements from CSV"),
            "opts": self.model._meta,
            "form": form,
            "rows": rows,
            "problem": problem,
            "ready": ready,
            "file_name": form.initial.get("name", ""),
            "problem_count": sum(len(row.problems) for row in rows or []),
            "max_rows": imports.MAX_ROWS,
        }
        return TemplateResponse(request, "admin/tracker/agreement/import.html", context)

    def import_format_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("The CSV format for importing agreements"),
            "opts": self.model._meta,
            "columns": import_columns(),
            "sectors": Sector.objects.order_by("slug").values_list("slug", "name"),
            "sources": Source.objects.public().order_by("slug").values_list("slug", "title", "kind"),
            "parties": Party.objects.order_by("kind", "slug").values_list("slug", "name", "kind"),
            "currencies": sorted(ISO_4217),
            "max_rows": imports.MAX_ROWS,
            "separator": imports.SEPARATOR,
        }
        return TemplateResponse(request, "admin/tracker/agreement/import_format.html", context)

    def import_template_view(self, request):
        """A CSV with the header row only: the columns, in order, to fill in a spreadsheet."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        buffer = io.StringIO()
        csv.writer(buffer).writerow(imports.COLUMNS)
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="agreements-import-template.csv"'
        return response

    def export_view(self, request):
        """The list as filtered on screen, in the import's columns."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        queryset = self.get_changelist_instance(request).get_queryset(request)
        writer = csv.writer(Echo())
        lines = (writer.writerow(row) for row in export_rows(queryset))
        response = StreamingHttpResponse(
            (line for chunk in (["\ufeff"], lines) for line in chunk), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="agreements.csv"'
        return response
