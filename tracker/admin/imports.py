"""CSV import of agreements for editors (django-import-export): preview, row-level errors, and
one transaction, so a file with any bad row imports nothing."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget, ManyToManyWidget

from ..models import Agreement, Commitment, Sector, Source, StatusChange

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
            "amount",
            "currency",
            "value_exactness",
            "value_note",
            "counts_toward_target",
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

    def before_import_row(self, row, **kwargs):
        # Raised as validation errors, so the preview lists every row's problems side by side.
        problems = {}
        for column, model in (("sectors", Sector), ("commitments", Commitment), ("sources", Source)):
            wanted = slugs(row, column)
            known = set(model.objects.filter(slug__in=wanted).values_list("slug", flat=True))
            if missing := [slug for slug in wanted if slug not in known]:
                problems[column] = f"unknown {column}: {', '.join(missing)}"
        if not slugs(row, "sources"):
            problems["sources"] = "cite at least one source (slugs separated by “;”)"
        existing = (
            Agreement.objects.filter(slug=(row.get("slug") or "").strip())
            .values_list("status", flat=True)
            .first()
        )
        if existing is not None and (row.get("status") or "").strip() not in ("", existing):
            problems["status"] = (
                f"differs from the current “{existing}”: change a status with the status form, which "
                "records its date, note and sources"
            )
        if problems:
            raise ValidationError(problems)

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk:
            instance.version += 1  # an editor's open form on this agreement is now stale

    def after_save_instance(self, instance, row, **kwargs):
        if instance.status_changes.exists():
            return
        change = StatusChange.objects.create(
            agreement=instance,
            effective_on=instance.signed_on or timezone.localdate(),
            new_status=instance.status,
            note="Recorded by CSV import.",
            recorded_by=kwargs.get("user"),
        )
        change.sources.set(Source.objects.filter(slug__in=slugs(row, "sources")))
