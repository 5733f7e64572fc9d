from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..addresses import slug_url
from .base import (
    STATUS_HELP,
    ClaimBasis,
    TrackedQuerySet,
    TrackedRecord,
    TranslatedModel,
    basis_check,
    choices_check,
    translations,
)


class CommitmentOrigin(models.TextChoices):
    """Who made the pledge, as the sources attribute it."""

    DECLARATION = "declaration", _("Tokyo Declaration")
    INITIATIVE = "initiative", _("CA+JAD Tokyo Initiative")
    JAPAN_ANNOUNCEMENT = "japan_announcement", _("Japan's decision, reported at the summit")
    LEADERS_AGREED = "summit_outcome", _("Agreed by the leaders at the summit")
    CENTRAL_ASIAN_LEADERS = "ca_leaders", _("Affirmed by the Central Asian leaders")
    LEADER_PROPOSAL = "leader_proposal", _("Leader's proposal")
    # What a leader stressed or said he was interested in, without proposing anything.
    LEADER_REMARK = "leader_remark", _("Raised by a leader (not worded as a proposal)")


BY_A_LEADER = [CommitmentOrigin.LEADER_PROPOSAL, CommitmentOrigin.LEADER_REMARK]


class CommitmentStatus(models.TextChoices):
    # Unresearched is the default so that no item is ever shown as inaction by accident.
    NOT_ASSESSED = "not_assessed", _("Not yet assessed")
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    STALLED = "stalled", _("Stalled")
    PARTIALLY_ACHIEVED = "partially_achieved", _("Partially achieved")
    ACHIEVED = "achieved", _("Achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")


class Commitment(TranslatedModel, TrackedRecord):
    """A discrete promise made at the summit: in the declaration, the initiative, or by a leader."""

    Origin = CommitmentOrigin

    Status = CommitmentStatus

    origin = models.CharField(verbose_name=_("origin"), max_length=20, choices=Origin.choices)
    proposed_by = models.ForeignKey(
        "Leader",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        help_text=_("Required for what a leader proposed or raised, and only then."),
        verbose_name=_("proposed by"),
    )
    priority_area = models.ForeignKey(
        "PriorityArea",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name=_("priority area"),
    )
    priority_area_basis = models.CharField(
        _("basis of the priority area"),
        max_length=20,
        choices=ClaimBasis.choices,
        blank=True,
        help_text=_("Whether a source places it in this area, or the classification is ours."),
    )
    priority_area_note = models.CharField(
        _("note on the priority area"),
        max_length=300,
        blank=True,
        help_text=_("The source's words that place it there, or why we classify it so."),
    )
    translated_fields = ("title", "description", "priority_area_note")
    priority_area_note_ja, priority_area_note_ru = translations(
        models.CharField, _("note on the priority area"), max_length=300
    )
    chapter = models.ForeignKey(
        "Chapter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name=_("chapter of the analytical report (source 004)"),
        help_text=_("Where the report on the declaration discusses it; not a chapter of the declaration."),
    )
    same_pledge_as = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="echoes",
        verbose_name=_("same subject as (our reading)"),
        help_text=_(
            "The main record of a subject that also appears elsewhere (e.g. in the declaration and the "
            "Initiative). No source says two records are one pledge: readers see this link as our "
            "reading."
        ),
    )
    countries = models.ManyToManyField(
        "Party",
        blank=True,
        related_name="commitments_as_country",
        limit_choices_to={"kind": "country"},
        verbose_name=_("countries"),
    )
    organizations = models.ManyToManyField(
        "Party",
        blank=True,
        related_name="commitments_as_organization",
        limit_choices_to=~Q(kind="country"),
        verbose_name=_("organizations"),
    )
    target_date = models.DateField(verbose_name=_("target date"), null=True, blank=True)
    status = models.CharField(
        verbose_name=_("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.NOT_ASSESSED,
        help_text=STATUS_HELP,
    )
    progress_percent = models.PositiveSmallIntegerField(
        verbose_name=_("progress percent"),
        null=True,
        blank=True,
        help_text=_("0–100, only where progress can be measured."),
    )
    sources = models.ManyToManyField("Source", related_name="commitments", verbose_name=_("sources"))

    objects = TrackedQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[countries, organizations, sources])

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["priority_area__order", "title", "pk"]  # pk: the same title twice pages alike everywhere
        constraints = [
            choices_check("origin", CommitmentOrigin.choices, name="commitment_origin_valid"),
            choices_check("status", CommitmentStatus.choices, name="commitment_status_valid"),
            models.CheckConstraint(
                condition=Q(progress_percent__isnull=True) | Q(progress_percent__lte=100),
                name="commitment_progress_0_100",
            ),
            models.CheckConstraint(
                condition=(Q(origin__in=BY_A_LEADER) & Q(proposed_by__isnull=False))
                | (~Q(origin__in=BY_A_LEADER) & Q(proposed_by__isnull=True)),
                name="commitment_leader_iff_by_a_leader",
            ),
            basis_check("priority_area", "priority_area_basis", name="commitment_area_has_basis"),
            models.CheckConstraint(
                condition=~Q(status="not_achieved") | Q(target_date__isnull=False),
                name="commitment_not_achieved_needs_target_date",
            ),
            models.CheckConstraint(
                condition=Q(same_pledge_as__isnull=True) | ~Q(same_pledge_as=F("pk")),
                name="commitment_not_same_pledge_as_itself",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="commitment_status_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_url("tracker:commitment_detail", self.slug)

    def natural_key(self):
        return (self.slug,)

    @property
    def area_is_ours(self):
        return self.priority_area_basis == ClaimBasis.INFERRED
