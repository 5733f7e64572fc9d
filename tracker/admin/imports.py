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
from import_export import fields, resources
from import_export.forms import ImportForm
from import_export.tmp_storages import BaseStorage
from import_export.widgets import ForeignKeyWidget, ManyToManyWidget

from ..models import Agreement, Commitment, DateAccuracy, Sector, Source
from ..services import change_status, claim_version, status_change_problems, target_link_problems
from ..spreadsheet import csv_cell

IMPORT_NOTE = "Recorded by CSV import."

SEPARATOR = ";"


def slugs(row, column):
    return [value.strip() for value in (row.get(column) or "").split(SEPARATOR) if value.strip()]


class AgreementResource(resources.ModelResource):
    part_of = fields.Field(
        attribute="part_of", column_name="part_of", widget=ForeignKeyWidget(Agreement, "slug")
    )
    sectors = fields.Field(
        attribute="sectors", column_name="sectors", widget=ManyToManyWidget(Sector, SEPARATOR, "slug")
    )
    commitments = fields.Field(
        attribute="commitments",
        column_name="commitments",
        widget=ManyToManyWidget(Commitment, SEPARATOR, "slug"),
    )
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

    def before_import_row(self, row, **kwargs):
        # Raised as validation errors, so the preview lists every row's problems side by side.
        problems = {}
        for column, model in (
            ("sectors", Sector),
            ("commitments", Commitment),
            ("sources", Source),
            ("target_link_sources", Source),
        ):
            wanted = slugs(row, column)
            known = set(model.objects.filter(slug__in=wanted).values_list("slug", flat=True))
            if missing := [slug for slug in wanted if slug not in known]:
                problems[column] = f"unknown {column}: {', '.join(missing)}"
        if not slugs(row, "sources"):
            problems["sources"] = "cite at least one source (slugs separated by “;”)"
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
            for code, message in status_change_problems(
                subject=Agreement(), new_status=status, **step
            ).items():
                problems.setdefault(code if code in row else "status", message)
        link = (row.get("target_link") or "").strip() or Agreement.TargetLink.REPORTED
        if link in Agreement.TargetLink.values:
            problems.update(target_link_problems(target_link=link, sources=slugs(row, "target_link_sources")))
        if problems:
            raise ValidationError(problems)

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk:
            claim_version(instance, instance.version)  # an editor's open form on it is now stale

    def after_save_instance(self, instance, row, **kwargs):
        if not instance.status_changes.exists():
            change_status(
                subject=instance, new_status=instance.status, user=kwargs.get("user"), **first_step(row)
            )


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
