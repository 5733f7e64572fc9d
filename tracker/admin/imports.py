"""CSV import of agreements for editors (django-import-export): preview, row-level errors, and
one transaction, so a file with any bad row imports nothing. Writes go through tracker.services:
new agreements start their timeline under the same status rules as the admin form."""

import datetime
import re
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.forms import ImportForm
from import_export.tmp_storages import BaseStorage
from import_export.widgets import DateWidget, DecimalWidget, ForeignKeyWidget, ManyToManyWidget

from ..models import Agreement, AgreementParty, DateAccuracy, Party, Sector, Source
from ..services import change_status, claim_version, status_change_problems, target_link_problems
from ..spreadsheet import csv_cell

IMPORT_NOTE = "Recorded by CSV import."

SEPARATOR = ";"


ROLE_SEPARATOR = ":"
PLAIN_NUMBER = re.compile(r"^\d+(\.\d+)?$")


def slugs(row, column):
    return [value.strip() for value in (row.get(column) or "").split(SEPARATOR) if value.strip()]


def party_roles(row):
    """[(party slug, role)] from the `parties` column: “uzbekistan:signatory; jbic:supporter”."""
    return [
        tuple(part.strip() for part in item.split(ROLE_SEPARATOR, 1))
        if ROLE_SEPARATOR in item
        else (item, "")
        for item in slugs(row, "parties")
    ]


class IsoDateWidget(DateWidget):
    """Dates as YYYY-MM-DD only: the admin reads 01/02/2026 as 1 February, a spreadsheet in
    another country as 2 January, and an import must never guess which."""

    def __init__(self):
        super().__init__(format="%Y-%m-%d")

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if text and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(
                f"“{text}” is not a date written YYYY-MM-DD (for example 2026-02-01); a date such as "
                "01/02/2026 could be 1 February or 2 January, so only that form is read."
            )
        try:
            return super().clean(text, row, **kwargs)
        except ValueError:
            raise ValueError(f"“{text}” is not a real date (YYYY-MM-DD).") from None


class PlainDecimalWidget(DecimalWidget):
    """Amounts as digits with an optional decimal point: “1 200 000” or “1,200.50” is refused
    with a clear message instead of being guessed at (a comma is a decimal sign in many countries)."""

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return None
        if not PLAIN_NUMBER.match(text):
            raise ValueError(
                f"“{text}” is not a plain number: write the amount with digits and at most one decimal "
                "point, without spaces, commas or a currency sign (for example 1200000 or 1200000.50)."
            )
        return super().clean(text, row, **kwargs)


class AgreementResource(resources.ModelResource):
    signed_on = fields.Field(attribute="signed_on", column_name="signed_on", widget=IsoDateWidget())
    amount = fields.Field(attribute="amount", column_name="amount", widget=PlainDecimalWidget())
    # Read and written by this class itself: a role needs its sources, so it is added after the save.
    parties = fields.Field(column_name="parties", readonly=True)
    part_of = fields.Field(
        attribute="part_of", column_name="part_of", widget=ForeignKeyWidget(Agreement, "slug")
    )
    sectors = fields.Field(
        attribute="sectors", column_name="sectors", widget=ManyToManyWidget(Sector, SEPARATOR, "slug")
    )
    # Export only: a link to a commitment is a claim with its own basis, note and sources, which
    # one cell cannot carry; editors add it on the agreement's admin page.
    commitments = fields.Field(column_name="commitments", readonly=True)
    sources = fields.Field(
        attribute="sources", column_name="sources", widget=ManyToManyWidget(Source, SEPARATOR, "slug")
    )
    target_link_sources = fields.Field(
        attribute="target_link_sources",
        column_name="target_link_sources",
        widget=ManyToManyWidget(Source, SEPARATOR, "slug"),
    )

    class Meta:
        model = Agreement
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "title",
            "description",
            "instrument",
            "status",
            "signed_on",
            "signed_on_accuracy",
            "amount",
            "currency",
            "value_exactness",
            "value_as_reported",
            "value_reading",
            "target_link",
            "target_link_sources",
            "is_aggregate",
            "part_of",
            "sectors",
            "commitments",
            "sources",
            "parties",
            "is_synthetic",
        ]
        export_order = fields
        clean_model_instances = True  # full_clean: choices and the database's constraints, per row
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def before_import(self, dataset, **kwargs):
        if len(dataset) > MAX_ROWS:
            raise ValidationError(f"The file has {len(dataset):,} rows; the limit is {MAX_ROWS:,}. Split it.")

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        return csv_cell(value) if isinstance(value, str) else value

    def dehydrate_commitments(self, agreement):
        links = agreement.commitment_links.select_related("commitment").order_by("commitment__slug")
        return f"{SEPARATOR} ".join(f"{link.commitment.slug}{ROLE_SEPARATOR}{link.basis}" for link in links)

    def dehydrate_parties(self, agreement):
        roles = agreement.party_roles.select_related("party").order_by("party__slug", "role")
        return f"{SEPARATOR} ".join(f"{role.party.slug}{ROLE_SEPARATOR}{role.role}" for role in roles)

    def import_instance(self, instance, row, **kwargs):
        """Every problem of the row at once: the columns' own (a date, an amount), the rules
        below, and then the model's (choices, currency, constraints), beside one another."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for column, message in row_problems(row).items():
            errors.setdefault(column, []).append(message)
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # A row that only adds a party role changes no field, but is not "unchanged".
        if instance.pk and missing_roles(instance, row):
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk:
            claim_version(instance, instance.version)  # an editor's open form on it is now stale

    def after_save_instance(self, instance, row, **kwargs):
        if not instance.status_changes.exists():
            change_status(
                subject=instance, new_status=instance.status, user=kwargs.get("user"), **first_step(row)
            )
        # Roles are added, never removed here: a role an editor recorded keeps its own sources.
        sources = list(Source.objects.filter(slug__in=slugs(row, "sources")))
        for party, role in missing_roles(instance, row):
            AgreementParty.objects.create(agreement=instance, party=party, role=role).sources.set(sources)


def row_problems(row):
    """{column: message} for what the columns' widgets cannot see: unknown slugs, the sources a
    row must cite, a status only the status form may change, and the status and tie rules."""
    problems = {}
    for column, model in (
        ("sectors", Sector),
        ("sources", Source),
        ("target_link_sources", Source),
    ):
        wanted = slugs(row, column)
        known = set(model.objects.filter(slug__in=wanted).values_list("slug", flat=True))
        if missing := [slug for slug in wanted if slug not in known]:
            problems[column] = f"unknown {column}: {', '.join(missing)}"
    if not slugs(row, "sources"):
        problems["sources"] = "cite at least one source (slugs separated by “;”)"
    if message := parties_problem(row):
        problems["parties"] = message
    slug = (row.get("slug") or "").strip()
    existing = Agreement.objects.filter(slug=slug).values_list("status", flat=True).first()
    status = (row.get("status") or "").strip()
    if existing is not None and status not in ("", existing):
        problems["status"] = (
            f"differs from the current “{existing}”: change a status with the status form, which "
            "records its date, note and sources"
        )
    if existing is None and "sources" not in problems:
        step = first_step(row)
        for code, message in status_change_problems(subject=Agreement(), new_status=status, **step).items():
            problems.setdefault(code if code in row else "status", message)
    link = (row.get("target_link") or "").strip() or Agreement.TargetLink.REPORTED
    if link in Agreement.TargetLink.values:
        problems.update(target_link_problems(target_link=link, sources=slugs(row, "target_link_sources")))
    return problems


def parties_problem(row):
    roles = party_roles(row)
    known = set(Party.objects.filter(slug__in=[slug for slug, _role in roles]).values_list("slug", flat=True))
    wrong = [
        f"{slug}{ROLE_SEPARATOR}{role}" if role else slug
        for slug, role in roles
        if slug not in known or role not in AgreementParty.Role.values
    ]
    if not wrong:
        return None
    return (
        f"not a known party with a role: {', '.join(wrong)} (write party-slug{ROLE_SEPARATOR}role, "
        f"with a role among {', '.join(AgreementParty.Role.values)})"
    )


def missing_roles(agreement, row):
    """[(party, role)] of the row's `parties` that the agreement does not have yet."""
    roles = party_roles(row)
    parties = Party.objects.in_bulk([slug for slug, _role in roles], field_name="slug")
    have = set(agreement.party_roles.values_list("party__slug", "role")) if agreement.pk else set()
    return [(parties[slug], role) for slug, role in roles if slug in parties and (slug, role) not in have]


def first_step(row):
    """The first status record of an imported agreement: dated by its signing date, if any."""
    try:
        signed_on = datetime.date.fromisoformat((row.get("signed_on") or "").strip())
    except ValueError:
        signed_on = None
    return {
        "effective_on": signed_on,
        "date_accuracy": DateAccuracy.EXACT if signed_on else DateAccuracy.UNKNOWN,
        "note": IMPORT_NOTE,
        "sources": list(Source.objects.filter(slug__in=slugs(row, "sources"))),
    }


MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 200  # a preview validates about 12 rows a second; this many stay well inside the 30 s timeout
UPLOAD_NAME = re.compile(r"^[0-9a-f]{32}$")
UPLOADS_KEPT_FOR = datetime.timedelta(hours=1)


def upload_folder():
    folder = Path(settings.IMPORT_UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class ImportUploadStorage(BaseStorage):
    """Where a previewed file waits for its confirmation. Only names this class made itself are
    accepted back from the confirm form, so a forged name cannot reach another file; waiting
    files are removed after their import, and any left unconfirmed after an hour."""

    def save(self, data):
        self.sweep()
        self.name = uuid.uuid4().hex
        mode = "wb" if isinstance(data, bytes) else "w"
        with open(self.path(), mode, encoding=None if mode == "wb" else self.encoding) as file:
            file.write(data)

    def read(self):
        with open(self.path(), self.read_mode, encoding=self.encoding) as file:
            return file.read()

    def remove(self):
        self.path().unlink(missing_ok=True)

    def path(self):
        if not UPLOAD_NAME.match(self.name or ""):
            raise ValidationError("This import is no longer available; upload the file again.")
        return upload_folder() / self.name

    @staticmethod
    def sweep():
        cutoff = time.time() - UPLOADS_KEPT_FOR.total_seconds()
        for path in upload_folder().iterdir():
            if UPLOAD_NAME.match(path.name) and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)


class AgreementImportForm(ImportForm):
    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is "
                f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB ({MAX_ROWS:,} rows). Split it into smaller files."
            )
        return upload


def vocabulary(choices):
    return [(value, label) for value, label in choices]


def import_columns():
    """Every column an import reads, in the file's order, with what it takes: the format page and
    the template come from here, and the template's header is the resource's own column list."""
    described = {
        "slug": (
            _(
                "Required. The record's identifier: lower-case letters, digits and hyphens. An existing "
                "slug updates that agreement."
            ),
            None,
        ),
        "title": (_("Required. In our own words."), None),
        "description": (_("Required. In our own words."), None),
        "instrument": (_("Required. One of the codes below."), vocabulary(Agreement.Instrument.choices)),
        "status": (
            _(
                "Required for a new agreement (its first status record is written from this row). "
                "An existing agreement's status cannot change here."
            ),
            vocabulary(Agreement.Status.choices),
        ),
        "signed_on": (_("YYYY-MM-DD only, e.g. 2026-02-01; blank when no source dates the signing."), None),
        "signed_on_accuracy": (
            _("How exact the signing date is; “unknown” with a blank date."),
            vocabulary(DateAccuracy.choices),
        ),
        "amount": (
            _(
                "Digits and at most one decimal point (1200000 or 1200000.50): no spaces, thousands "
                "separators or currency signs. Blank when no source gives a value."
            ),
            None,
        ),
        "currency": (_("With an amount: an ISO 4217 code in capitals, such as JPY, USD, EUR."), None),
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
                "How a source ties it to the target; blank means “reported”. Anything else needs "
                "target_link_sources."
            ),
            vocabulary(Agreement.TargetLink.choices),
        ),
        "target_link_sources": (_("Slugs of the sources that state the tie, separated by “;”."), None),
        "is_aggregate": (_("1 for a package other agreements may be part of, else 0."), None),
        "part_of": (_("The slug of the package it belongs to, if a source says so."), None),
        "sectors": (_("Sector slugs separated by “;” (listed below)."), None),
        "commitments": (
            _(
                "Read only: written by the export as slug:basis, ignored on import. A link to a "
                "commitment is added on the agreement's admin page, with its basis and source."
            ),
            None,
        ),
        "sources": (
            _("Required. Slugs of its sources, separated by “;”, not an opinion piece alone (listed below)."),
            None,
        ),
        "parties": (
            _(
                "Countries and organizations with their role: slug:role, separated by "
                "“;”, e.g. uzbekistan:signatory; jbic:supporter. Each role cites the row's sources. "
                "Roles are added, never removed."
            ),
            vocabulary(AgreementParty.Role.choices),
        ),
        "is_synthetic": (_("1 only for made-up test rows, which never reach the public site; else 0."), None),
    }
    columns = AgreementResource().get_import_fields()
    return [(field.column_name, *described[field.column_name]) for field in columns]
