from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..addresses import slug_url
from .base import (
    STATUS_HELP,
    VALUE_EXACTNESS,
    ClaimBasis,
    DateAccuracy,
    TextRecord,
    TrackedQuerySet,
    TrackedRecord,
    TranslatedModel,
    choices_check,
    date_accuracy_check,
    translations,
)
from .commitments import Commitment
from .currencies import validate_currency


class FencedExists(Exists):
    """EXISTS that PostgreSQL keeps as a probe per row. It turns a plain EXISTS into a semi-join,
    and for a country hashed all its links (33,442 at +100,000) even where a sector and a status
    had left a few hundred agreements: 27 ms for such an export's rows. OFFSET 0 is PostgreSQL's
    way to keep a subquery as written (then 9.6 ms); SQLite probes as written already."""

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = self.as_sql(compiler, connection, **extra_context)
        return f"{sql[:-1]} OFFSET 0)", params


class AgreementQuerySet(TrackedQuerySet):
    def with_party(self, party, *, probe=False, fenced=False):
        """The agreements `party` takes part in. By default an IN over the link table's index: the
        database reads the party's links once instead of probing them for every agreement (the
        paginator's count over 100,000 agreements took 137 ms as a correlated EXISTS). With `probe`,
        that EXISTS: right where another, narrower condition leads the query (a sector, a status)
        and a country, linked to a sixth of all agreements or more, is only checked. SQLite follows
        the form it is given; +100,000, country, status and sector: 18 ms as IN, 5 ms probed.
        `fenced` keeps the probe a probe on PostgreSQL too (FencedExists), for when a sector has
        narrowed the rows (+100,000: a country, a status and a sector, an export's rows 27 -> 9.6
        ms). Not otherwise: after a status, a year or an organization (11,000 links each in the
        synthetic data), PostgreSQL's own semi-join was faster (21 against 27 ms, 26 against 44,
        46 against 56)."""
        from .agreements import AgreementParty

        if probe:
            links = AgreementParty.objects.filter(party=party, agreement=OuterRef("pk"))
            return self.filter(FencedExists(links) if fenced else Exists(links))
        return self.filter(pk__in=AgreementParty.objects.filter(party=party).values("agreement"))

    # What an agreement's row in a table shows (tracker_tables.agreement_rows).
    TABLE_FIELDS = (
        "slug",
        "title",
        "title_ja",
        "title_ru",
        "status",
        "signed_on",
        "signed_on_accuracy",
        "amount",
        "currency",
        "value_exactness",
        "value_reading",
        "yen_rate",
        "yen_value",
        "is_aggregate",
        "is_synthetic",
    )

    def for_table(self):
        """Only TABLE_FIELDS: the descriptions and notes stay in the database, as does the yen
        rate's record (its id says whether there is a yen value)."""
        return self.only(*self.TABLE_FIELDS)

    def in_sector(self, sector):
        """The agreements of `sector`, as an IN over the link table (not a join): a sector's few
        agreements can lead the query."""
        return self.filter(pk__in=Agreement.sectors.through.objects.filter(sector=sector).values("agreement"))


class AgreementStatus(models.TextChoices):
    # For what a source mentions (presented, launched, ongoing) without saying how far it has got.
    REPORTED = "reported", _("Reported; stage not stated")
    SIGNED = "signed", _("Signed")
    IN_PREPARATION = "in_preparation", _("In preparation")
    FINANCING_COMMITTED = "financing_committed", _("Financing committed")
    IN_IMPLEMENTATION = "in_implementation", _("In implementation")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")
    TERMINATED_EARLY = "terminated_early", _("Terminated early")


class AgreementInstrument(models.TextChoices):
    MOU = "mou", _("Memorandum of understanding")
    AGREEMENT = "agreement", _("Intergovernmental agreement")
    TREATY = "treaty", _("Treaty or convention")
    LOAN = "loan", _("Loan")
    GRANT = "grant", _("Grant")
    CONTRACT = "contract", _("Contract")
    INVESTMENT = "investment", _("Investment")
    PROJECT = "project", _("Business project")
    PACKAGE = "package", _("Package of documents")
    UNSPECIFIED = "unspecified", _("Not stated in the sources")


class TargetLink(models.TextChoices):
    """How a source ties an agreement to the Tokyo Initiative's target."""

    STATED = "stated", _("Stated by a source to be under the Initiative")
    REPORTED = "reported", _("Reported around the summit; not confirmed as part of the Initiative")
    NOT_PART = "not_part", _("Not part of the Initiative")
    # Where a record starts unless an editor says otherwise: it counts toward neither figure.
    NOT_STATED = "not_stated", _("No source ties it to the Initiative or reports it around the summit")


PartOfBasis = ClaimBasis
COUNTED = ("yen_value", "yen_rate_id", "counted_yen", "exclusion")  # written by tracker.counting only


class Agreement(TranslatedModel, TrackedRecord):
    """A signed document or announced business project, or a reported package of them."""

    Status = AgreementStatus
    Instrument = AgreementInstrument
    TargetLink = TargetLink
    PartOfBasis = PartOfBasis

    instrument = models.CharField(verbose_name=_("instrument"), max_length=20, choices=Instrument.choices)
    signed_on = models.DateField(
        verbose_name=_("signed on"),
        null=True,
        blank=True,
        help_text=_("Blank when no source dates the signing."),
    )
    signed_on_accuracy = models.CharField(
        _("accuracy of the signing date"),
        max_length=20,
        choices=DateAccuracy.choices,
        default=DateAccuracy.UNKNOWN,
        help_text=_("“Around this day” for a date the sources give only loosely (e.g. “on the sidelines”)."),
    )
    status = models.CharField(
        verbose_name=_("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.REPORTED,
        help_text=STATUS_HELP,
    )
    amount = models.DecimalField(
        verbose_name=_("amount"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(
        verbose_name=_("currency"),
        max_length=3,
        blank=True,
        validators=[validate_currency],
        help_text=_("ISO 4217 code, e.g. JPY, USD."),
    )
    value_exactness = models.CharField(
        verbose_name=_("value exactness"),
        max_length=20,
        choices=VALUE_EXACTNESS,
        blank=True,
        help_text=_("Blank only when there is no amount."),
    )
    value_as_reported = models.CharField(
        verbose_name=_("value as reported"),
        max_length=300,
        blank=True,
        help_text=_("The source's own words for the value, e.g. “over 11 billion”; quoted as they stand."),
    )
    value_as_reported_ja, value_as_reported_ru = translations(
        models.CharField, _("value as reported"), max_length=300
    )
    value_reading = models.TextField(
        verbose_name=_("value reading"),
        blank=True,
        help_text=_(
            "Where amount or currency is our reading rather than the source's words: what we read "
            "and why. Shown beside the figure wherever it appears."
        ),
    )
    value_reading_ja, value_reading_ru = translations(models.TextField, _("value reading"))
    yen_value = models.DecimalField(
        verbose_name=_("yen value"),
        max_digits=24,
        decimal_places=0,
        null=True,
        blank=True,
        editable=False,
        help_text=_("Derived by tracker.money from amount, currency and rate; never edited."),
    )
    yen_rate = models.ForeignKey(
        "ExchangeRate",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("yen rate"),
    )
    counted_yen = models.DecimalField(
        _("counted yen"),
        max_digits=24,
        decimal_places=0,
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "What it adds to its figure for the target: its yen, less what its itemized parts cover; "
            "blank when excluded. Derived by tracker.counting; never edited."
        ),
    )
    exclusion = models.CharField(
        _("why not counted"),
        max_length=20,
        blank=True,
        editable=False,
        help_text=_("The code of the reason it is not counted toward the target; blank when it counts."),
    )
    target_link = models.CharField(
        _("tie to the target"),
        max_length=20,
        choices=TargetLink.choices,
        default=TargetLink.NOT_STATED,
        help_text=_("What the sources say about this agreement and the Tokyo Initiative's target."),
    )
    target_link_sources = models.ManyToManyField(
        "Source",
        blank=True,
        related_name="target_links",
        verbose_name=_("sources for the tie to the target"),
    )
    target_link_note = models.CharField(
        _("note on the tie to the target"),
        max_length=500,
        blank=True,
        help_text=_("What the sources say, briefly."),
    )
    target_link_note_ja, target_link_note_ru = translations(
        models.CharField, _("note on the tie to the target"), max_length=500
    )
    is_aggregate = models.BooleanField(
        verbose_name=_("is aggregate"),
        default=False,
        help_text=_("A reported package whose value covers several documents."),
    )
    part_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts",
        limit_choices_to={"is_aggregate": True},
        help_text=_("The package this agreement is itemized from; never counted twice."),
        verbose_name=_("part of"),
    )
    part_of_basis = models.CharField(
        _("basis of “part of”"),
        max_length=20,
        choices=PartOfBasis.choices,
        blank=True,
        help_text=_("Whether a source says it is part of the package, or we infer it."),
    )
    part_of_note = models.CharField(
        verbose_name=_("part of note"), max_length=300, blank=True, help_text=_("Why, in a sentence.")
    )
    part_of_note_ja, part_of_note_ru = translations(models.CharField, _("part of note"), max_length=300)
    composition_note = models.TextField(
        _("how the record joins its sources"),
        blank=True,
        help_text=_(
            "Where this record joins reports that do not say they describe the same documents, or "
            "rests on one source for what others report only in general: what each source says, and "
            "that the joining is our inference. Shown to readers as our inference."
        ),
    )
    translated_fields = (
        "title",
        "description",
        "value_as_reported",
        "value_reading",
        "target_link_note",
        "part_of_note",
        "composition_note",
    )
    composition_note_ja, composition_note_ru = translations(
        models.TextField, _("how the record joins its sources")
    )
    parties = models.ManyToManyField(
        "Party", through="AgreementParty", related_name="agreements", verbose_name=_("parties")
    )
    sectors = models.ManyToManyField(
        "Sector", blank=True, related_name="agreements", verbose_name=_("sectors")
    )
    commitments = models.ManyToManyField(
        "Commitment",
        through="AgreementCommitment",
        blank=True,
        related_name="agreements",
        verbose_name=_("commitments"),
    )
    sources = models.ManyToManyField("Source", related_name="agreements", verbose_name=_("sources"))

    objects = AgreementQuerySet.as_manager()
    # The yen figure is derived from audited fields; auditing it again would only repeat them.
    history = HistoricalRecords(
        m2m_fields=[sectors, sources, target_link_sources],
        excluded_fields=["yen_value", "yen_rate", "counted_yen", "exclusion"],
    )

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = [F("signed_on").desc(nulls_last=True), "title", "pk"]
        constraints = [
            choices_check("status", AgreementStatus.choices, name="agreement_status_valid"),
            choices_check("instrument", AgreementInstrument.choices, name="agreement_instrument_valid"),
            choices_check(
                "value_exactness",
                VALUE_EXACTNESS,
                name="agreement_exactness_valid",
                allow_blank=True,
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="agreement_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=(Q(amount__isnull=True) & Q(currency="") & Q(value_exactness=""))
                | (Q(amount__isnull=False) & Q(currency__regex=r"^[A-Z]{3}$") & ~Q(value_exactness="")),
                name="agreement_amount_currency_exactness_together",
            ),
            models.CheckConstraint(
                condition=Q(part_of__isnull=True) | ~Q(part_of=F("pk")),
                name="agreement_not_part_of_itself",
            ),
            choices_check("target_link", TargetLink.choices, name="agreement_target_link_valid"),
            choices_check("signed_on_accuracy", DateAccuracy.choices, name="agreement_signed_accuracy_valid"),
            date_accuracy_check("signed_on", "signed_on_accuracy", name="agreement_signed_on_accuracy"),
            models.CheckConstraint(
                condition=(Q(part_of__isnull=True) & Q(part_of_basis=""))
                | (Q(part_of__isnull=False) & Q(part_of_basis__in=PartOfBasis.values)),
                name="agreement_part_of_has_basis",
            ),
        ]
        indexes = [
            # With the id: a status checked for the agreements another filter leads with (measured
            # with a sector's) is found in the index, and only the matches are read from the table
            # (PostgreSQL, +100,000, a sector, a status and a country: 9.5 -> 6.2 ms under EXPLAIN
            # ANALYZE). SQLite's indexes hold the id already.
            models.Index(fields=["status", "id"], name="agreement_status_id_idx"),
            # On PostgreSQL only, migration 0029 adds (id, status), for a sector's agreements probed
            # by id; with it SQLite probed the table by rowid instead of this index, 8 % slower.
            models.Index(fields=["signed_on"], name="agreement_signed_on_idx"),
            models.Index(fields=["yen_value"], name="agreement_yen_value_idx"),
            # "Last updated" on the home and country pages: the newest write, found without a scan.
            models.Index(fields=["updated_at"], name="agreement_updated_at_idx"),
            # The target page's examples of each reason an agreement is not counted, by title.
            models.Index(fields=["exclusion", "title"], name="agreement_exclusion_title_idx"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.signed_on and self.signed_on_accuracy == DateAccuracy.UNKNOWN:
            errors["signed_on_accuracy"] = "Say how exact the signing date is, or leave the date blank."
        if not self.signed_on and self.signed_on_accuracy != DateAccuracy.UNKNOWN:
            errors["signed_on_accuracy"] = "Without a signing date, its accuracy is “unknown”."
        if self.part_of_id and not self.part_of_basis:
            errors["part_of_basis"] = (
                "Say whether a source states this is part of the package, or we infer it."
            )
        if not self.part_of_id and self.part_of_basis:
            errors["part_of_basis"] = "Leave this blank when the agreement is not part of a package."
        if errors:
            raise ValidationError(errors)

    def save(self, *args, recount=True, **kwargs):
        """Saved with its figures for the target, and its package's, restated in the same
        transaction (tracker.counting). A bulk writer passes recount=False and restates all it
        wrote at once."""
        from ..counting import recount as restate  # tracker.counting reads the models

        using = kwargs.get("using") or "default"
        if not recount:
            super().save(*args, **kwargs)
            return
        before = type(self)._base_manager.using(using).filter(pk=self.pk).values_list("part_of", flat=True)
        old_package = before.first() if self.pk else None
        super().save(*args, **kwargs)
        restate([self.pk, old_package, self.part_of_id], using=using)
        stored = type(self)._base_manager.using(using).filter(pk=self.pk).values(*COUNTED).get()
        for name, value in stored.items():
            setattr(self, name, value)

    def delete(self, *args, **kwargs):
        from ..counting import recount

        package = self.part_of_id
        deleted = super().delete(*args, **kwargs)
        if package:
            recount([package], using=kwargs.get("using") or "default")
        return deleted

    def get_absolute_url(self):
        return slug_url("tracker:agreement_detail", self.slug)

    def natural_key(self):
        return (self.slug,)

    @property
    def has_value(self):
        return self.amount is not None


class AgreementPartyQuerySet(models.QuerySet):
    def get_by_natural_key(self, agreement_slug, party_slug, role):
        return self.get(agreement__slug=agreement_slug, party__slug=party_slug, role=role)

    def public(self):
        """Roles in the agreements readers see."""
        return self.filter(agreement__in=Agreement.objects.public())

    def prefetch(self, *, with_sources=False):
        """An agreement's parties and roles, for `prefetch_related` on agreements."""
        roles = self.select_related("party")
        if with_sources:
            roles = roles.prefetch_related("sources")
        return models.Prefetch("party_roles", queryset=roles)


class PartyRole(models.TextChoices):
    SIGNATORY = "signatory", _("Signatory")
    # "With support from JBIC and NEXI": the kind of support is not stated, so no narrower role.
    SUPPORTER = "supporter", _("Supporter (kind of support not stated)")
    HOST_COUNTRY = "host_country", _("Host country")
    IMPLEMENTER = "implementer", _("Implementer")
    FINANCIER = "financier", _("Financier")
    INSURER = "insurer", _("Insurer")
    PARTNER = "partner", _("Partner")


class AgreementParty(TextRecord, models.Model):
    """The part a country or organization plays in an agreement."""

    Role = PartyRole

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="party_roles", verbose_name=_("agreement")
    )
    party = models.ForeignKey(
        "Party", on_delete=models.PROTECT, related_name="agreement_roles", verbose_name=_("party")
    )
    role = models.CharField(verbose_name=_("role"), max_length=20, choices=Role.choices)
    sources = models.ManyToManyField(
        "Source",
        related_name="party_roles",
        help_text=_("The sources that name this party in this role."),
        verbose_name=_("sources"),
    )

    objects = AgreementPartyQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        verbose_name = _("party to an agreement")
        verbose_name_plural = _("parties to agreements")
        ordering = ["agreement", "role", "party__name"]
        constraints = [
            choices_check("role", PartyRole.choices, name="agreement_party_role_valid"),
            models.UniqueConstraint(
                fields=["agreement", "party", "role"], name="agreement_party_role_unique"
            ),
        ]
        # A party's agreements read from the index alone: the country filter's list of ids at
        # +100,000 agreements (a filtered list a third faster).
        indexes = [models.Index(fields=["party", "agreement"], name="agreement_party_by_party_idx")]

    def __str__(self):
        return f"{self.party} — {self.get_role_display()}"

    def natural_key(self):
        return (self.agreement.slug, self.party.slug, self.role)

    natural_key.dependencies = ["tracker.agreement", "tracker.party"]


class AgreementCommitmentQuerySet(models.QuerySet):
    def get_by_natural_key(self, agreement_slug, commitment_slug):
        return self.get(agreement__slug=agreement_slug, commitment__slug=commitment_slug)

    def public(self):
        return self.filter(
            agreement__in=Agreement.objects.public(), commitment__in=Commitment.objects.public()
        )


class AgreementCommitment(TextRecord, TranslatedModel, models.Model):
    """That an agreement carries out a commitment: a claim like any other, either stated by a
    source (cited) or our inference (with the reason). An agreement's tie to the Tokyo
    Initiative's target is not one of these: it is the agreement's own target-link field."""

    Basis = ClaimBasis

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="commitment_links", verbose_name=_("agreement")
    )
    commitment = models.ForeignKey(
        "Commitment",
        on_delete=models.CASCADE,
        related_name="agreement_links",
        verbose_name=_("commitment"),
    )
    basis = models.CharField(_("basis"), max_length=20, choices=ClaimBasis.choices)
    note = models.CharField(
        _("note"),
        max_length=500,
        help_text=_("What the source says that links them, or why we infer the link."),
    )
    translated_fields = ("note",)
    note_ja, note_ru = translations(models.CharField, _("note"), max_length=500)
    sources = models.ManyToManyField(
        "Source",
        blank=True,
        related_name="commitment_links",
        verbose_name=_("sources"),
        help_text=_("Required when a source states the link."),
    )

    objects = AgreementCommitmentQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        verbose_name = _("link to a commitment")
        verbose_name_plural = _("links to commitments")
        ordering = ["agreement", "commitment__title"]
        constraints = [
            choices_check("basis", ClaimBasis.choices, name="agreement_commitment_basis_valid"),
            models.UniqueConstraint(fields=["agreement", "commitment"], name="agreement_commitment_unique"),
            models.CheckConstraint(condition=~Q(note=""), name="agreement_commitment_note_given"),
        ]

    def __str__(self):
        return f"{self.agreement} → {self.commitment} ({self.get_basis_display()})"

    def natural_key(self):
        return (self.agreement.slug, self.commitment.slug)

    natural_key.dependencies = ["tracker.agreement", "tracker.commitment"]

    @property
    def is_inferred(self):
        return self.basis == ClaimBasis.INFERRED
