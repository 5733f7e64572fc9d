from django.db import models
from django.db.models import Case, DecimalField, Exists, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .base import Exactness, SlugQuerySet, choices_check


class AgreementQuerySet(SlugQuerySet):
    def with_yen_value(self):
        """Annotate `yen_value` for filtering and sorting in SQL.

        Same rule as tracker.progress (the latest rate on or before signing, else today), so
        lists sort and filter by the figures the pages show.
        """
        from .figures import ExchangeRate

        rate = (
            ExchangeRate.objects.filter(
                currency=OuterRef("currency"),
                effective_on__lte=Coalesce(OuterRef("signed_on"), timezone.localdate()),
            )
            .order_by("-effective_on")
            .values("rate_to_jpy")[:1]
        )
        return self.annotate(
            yen_value=Case(
                When(currency="JPY", then=F("amount")),
                When(amount__isnull=False, then=F("amount") * Subquery(rate)),
                default=None,
                output_field=DecimalField(max_digits=32, decimal_places=8),
            )
        )

    def with_party(self, party):
        from .agreements import AgreementParty

        return self.filter(Exists(AgreementParty.objects.filter(agreement=OuterRef("pk"), party=party)))


class AgreementStatus(models.TextChoices):
    SIGNED = "signed", "Signed"
    IN_PREPARATION = "in_preparation", "In preparation"
    FINANCING_COMMITTED = "financing_committed", "Financing committed"
    IN_IMPLEMENTATION = "in_implementation", "In implementation"
    COMPLETED = "completed", "Completed"
    SUSPENDED = "suspended", "Suspended"
    CANCELLED = "cancelled", "Cancelled"
    TERMINATED_EARLY = "terminated_early", "Terminated early"


class AgreementInstrument(models.TextChoices):
    MOU = "mou", "Memorandum of understanding"
    AGREEMENT = "agreement", "Intergovernmental agreement"
    TREATY = "treaty", "Treaty or convention"
    LOAN = "loan", "Loan"
    GRANT = "grant", "Grant"
    CONTRACT = "contract", "Contract"
    INVESTMENT = "investment", "Investment"
    PROJECT = "project", "Business project"
    PACKAGE = "package", "Package of documents"
    UNSPECIFIED = "unspecified", "Not stated in the sources"


class Agreement(models.Model):
    """A signed document or announced business project, or a reported package of them."""

    Status = AgreementStatus

    Instrument = AgreementInstrument

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=300)
    description = models.TextField()
    instrument = models.CharField(max_length=20, choices=Instrument.choices)
    signed_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.SIGNED,
        help_text="The latest status-history record; change it through a dated, sourced status change.",
    )
    amount = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217 code, e.g. JPY, USD.")
    value_exactness = models.CharField(
        max_length=20,
        choices=Exactness.choices,
        blank=True,
        help_text="Blank only when there is no amount.",
    )
    value_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="How the source states the value, e.g. “over $11 billion”.",
    )
    counts_toward_target = models.BooleanField(
        default=True, help_text="Whether this is a business project under the five-year target."
    )
    is_aggregate = models.BooleanField(
        default=False, help_text="A reported package whose value covers several documents."
    )
    part_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts",
        limit_choices_to={"is_aggregate": True},
        help_text="The package this agreement is itemized from; never counted twice.",
    )
    parties = models.ManyToManyField("Party", through="AgreementParty", related_name="agreements")
    sectors = models.ManyToManyField("Sector", blank=True, related_name="agreements")
    commitments = models.ManyToManyField("Commitment", blank=True, related_name="agreements")
    sources = models.ManyToManyField("Source", related_name="agreements")
    is_synthetic = models.BooleanField(
        default=False, help_text="Generated for tests or benchmarks; never real data."
    )
    last_reviewed_on = models.DateField(
        null=True, blank=True, help_text="When an editor last checked the status against the evidence."
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgreementQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sectors, commitments, sources])

    class Meta:
        ordering = [F("signed_on").desc(nulls_last=True), "title", "pk"]
        constraints = [
            choices_check("status", AgreementStatus.choices, name="agreement_status_valid"),
            choices_check("instrument", AgreementInstrument.choices, name="agreement_instrument_valid"),
            choices_check(
                "value_exactness",
                Exactness.choices,
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
        ]
        indexes = [
            models.Index(fields=["status"], name="agreement_status_idx"),
            models.Index(fields=["signed_on"], name="agreement_signed_on_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("tracker:agreement_detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    @property
    def has_value(self):
        return self.amount is not None

    def countries(self):
        """Countries among the parties, from prefetched party roles when available."""
        seen = {}
        for role in self.party_roles.all():
            if role.party.is_country:
                seen.setdefault(role.party.pk, role.party)
        return list(seen.values())


class AgreementPartyQuerySet(models.QuerySet):
    def get_by_natural_key(self, agreement_slug, party_slug, role):
        return self.get(agreement__slug=agreement_slug, party__slug=party_slug, role=role)


class PartyRole(models.TextChoices):
    SIGNATORY = "signatory", "Signatory"
    HOST_COUNTRY = "host_country", "Host country"
    IMPLEMENTER = "implementer", "Implementer"
    FINANCIER = "financier", "Financier"
    INSURER = "insurer", "Insurer"
    PARTNER = "partner", "Partner"


class AgreementParty(models.Model):
    """The part a country or organization plays in an agreement."""

    Role = PartyRole

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="party_roles")
    party = models.ForeignKey("Party", on_delete=models.PROTECT, related_name="agreement_roles")
    role = models.CharField(max_length=20, choices=Role.choices)

    objects = AgreementPartyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "role", "party__name"]
        verbose_name = "party to an agreement"
        verbose_name_plural = "parties to agreements"
        constraints = [
            choices_check("role", PartyRole.choices, name="agreement_party_role_valid"),
            models.UniqueConstraint(
                fields=["agreement", "party", "role"], name="agreement_party_role_unique"
            ),
        ]

    def __str__(self):
        return f"{self.party} — {self.get_role_display()}"

    def natural_key(self):
        return (self.agreement.slug, self.party.slug, self.role)

    natural_key.dependencies = ["tracker.agreement", "tracker.party"]
