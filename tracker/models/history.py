import uuid

from django.conf import settings
from django.db import connections, models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .agreements import Agreement, AgreementParty
from .base import (
    TRANSLATION_HELP,
    DateAccuracy,
    TextRecord,
    TranslatedModel,
    choices_check,
    date_accuracy_check,
)
from .commitments import Commitment


def _statuses(choices):
    return [value for value, _label in choices]


class StatusChangeQuerySet(models.QuerySet):
    def get_by_natural_key(self, uid):
        return self.get(uid=uid)

    def latest_first(self):
        """Newest first; a record whose date is unknown sorts by when it was recorded."""
        return self.order_by(F("effective_on").desc(nulls_last=True), "-recorded_at", "-pk")

    def timeline(self):
        """A record's steps as its public timeline shows them, newest first, with their evidence."""
        return self.latest_first().prefetch_related("sources").select_related("recorded_by")

    def involving(self, country):
        """Steps of the commitments naming `country` and of the agreements it takes part in."""
        return self.filter(
            Q(agreement__in=Agreement.objects.with_party(country))
            | Q(commitment__in=Commitment.objects.filter(countries=country))
        )

    def latest_involving(self, country):
        """involving(country), newest first, for reading the first few. On SQLite as an EXISTS per
        step: the newest steps are walked in index order until enough match (0.2 ms at +100,000
        agreements, where collecting and sorting all of a country's steps took 40 ms at +10,000
        and 124 ms at +100,000). PostgreSQL cannot walk that index in this order (NULLS LAST) and
        plans the IN lists better (0.15 s against 0.6 s): it keeps them."""
        if connections[self.db].vendor != "sqlite":
            return self.involving(country).latest_first()
        roles = AgreementParty.objects.filter(agreement=OuterRef("agreement"), party=country)
        naming = Commitment.countries.through.objects.filter(commitment=OuterRef("commitment"), party=country)
        return self.filter(Exists(roles) | Exists(naming)).latest_first()

    def public(self):
        """Steps of the records readers see (synthetic ones only where the settings show them)."""
        steps = self.exclude(commitment__is_published=False).exclude(agreement__is_published=False)
        if settings.SHOW_SYNTHETIC_RECORDS:
            return steps
        return steps.exclude(commitment__is_synthetic=True).exclude(agreement__is_synthetic=True)


class StatusChange(TextRecord, TranslatedModel, models.Model):
    """One dated step in the life of a commitment or an agreement. Never rewritten by a later change."""

    uid = models.UUIDField(verbose_name=_("uid"), default=uuid.uuid4, unique=True, editable=False)
    commitment = models.ForeignKey(
        Commitment,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("commitment"),
    )
    agreement = models.ForeignKey(
        Agreement,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("agreement"),
    )
    effective_on = models.DateField(
        verbose_name=_("effective on"),
        null=True,
        blank=True,
        help_text=_("The date the new status took effect; blank when no source gives it."),
    )
    date_accuracy = models.CharField(
        verbose_name=_("date accuracy"),
        max_length=20,
        choices=DateAccuracy.choices,
        default=DateAccuracy.EXACT,
        help_text=_(
            "“Unknown” when no source dates the step: the page then says when it was first reported."
        ),
    )
    old_status = models.CharField(
        verbose_name=_("old status"), max_length=20, blank=True, help_text=_("Blank for the first record.")
    )
    new_status = models.CharField(verbose_name=_("new status"), max_length=20)
    note = models.TextField(verbose_name=_("note"))
    note_ja = models.TextField(_("note (Japanese)"), blank=True, help_text=TRANSLATION_HELP)
    note_ru = models.TextField(_("note (Russian)"), blank=True, help_text=TRANSLATION_HELP)
    translated_fields = ("note",)
    sources = models.ManyToManyField("Source", related_name="status_changes", verbose_name=_("sources"))
    recorded_at = models.DateTimeField(verbose_name=_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
        help_text=_("The second editor who approved the step; blank where none was required."),
    )
    version = models.PositiveIntegerField(
        verbose_name=_("version"), default=1, editable=False
    )  # its note can be corrected

    objects = StatusChangeQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = [F("effective_on").asc(nulls_first=True), "recorded_at", "pk"]
        get_latest_by = ["recorded_at", "pk"]  # the step recorded last; its date may be unknown
        constraints = [
            choices_check("date_accuracy", DateAccuracy.choices, name="status_change_date_accuracy_valid"),
            date_accuracy_check("effective_on", "date_accuracy", name="status_change_date_iff_known"),
            models.CheckConstraint(
                condition=(
                    Q(commitment__isnull=False)
                    & Q(agreement__isnull=True)
                    & Q(new_status__in=_statuses(Commitment.Status.choices))
                    & Q(old_status__in=["", *_statuses(Commitment.Status.choices)])
                )
                | (
                    Q(agreement__isnull=False)
                    & Q(commitment__isnull=True)
                    & Q(new_status__in=_statuses(Agreement.Status.choices))
                    & Q(old_status__in=["", *_statuses(Agreement.Status.choices)])
                ),
                name="status_change_one_subject_valid_statuses",
            ),
        ]
        indexes = [
            models.Index(fields=["-effective_on", "-recorded_at"], name="status_change_recent_idx"),
            # "Last updated": the newest step recorded, found without a scan.
            models.Index(fields=["recorded_at"], name="status_change_recorded_idx"),
        ]

    def __str__(self):
        return (
            f"{self.subject}: {self.old_status_label or '—'} → {self.new_status_label} ({self.effective_on})"
        )

    def natural_key(self):
        return (str(self.uid),)

    @property
    def subject(self):
        return self.commitment if self.commitment_id else self.agreement

    @property
    def status_choices(self):
        return Commitment.Status if self.commitment_id else Agreement.Status

    def first_reported(self):
        """The earliest dated source of this step, for a step whose own date is unknown.

        Returns (date, source); (None, source) when no source is dated, so the page can show that
        source's own description of its date instead.
        """
        sources = list(self.sources.all())
        dated = [source for source in sources if source.published_on]
        if dated:
            earliest = min(dated, key=lambda source: source.published_on)
            return earliest.published_on, earliest
        return None, (sources[0] if sources else None)

    @property
    def new_status_label(self):
        return dict(self.status_choices.choices).get(self.new_status, self.new_status)

    @property
    def old_status_label(self):
        return dict(self.status_choices.choices).get(self.old_status, self.old_status)
