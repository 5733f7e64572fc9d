from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .base import SlugQuerySet, choices_check


class CommitmentOrigin(models.TextChoices):
    DECLARATION = "declaration", "Tokyo Declaration"
    INITIATIVE = "initiative", "CA+JAD Tokyo Initiative"
    LEADER_PROPOSAL = "leader_proposal", "Leader's proposal"
    SUMMIT_OUTCOME = "summit_outcome", "Leaders' joint statement at the summit"


class CommitmentStatus(models.TextChoices):
    # Unresearched is the default so that no item is ever shown as inaction by accident.
    NOT_ASSESSED = "not_assessed", "Not yet assessed"
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    STALLED = "stalled", "Stalled"
    PARTIALLY_ACHIEVED = "partially_achieved", "Partially achieved"
    ACHIEVED = "achieved", "Achieved"
    NOT_ACHIEVED = "not_achieved", "Not achieved"


class Commitment(models.Model):
    """A discrete promise made at the summit: in the declaration, the initiative, or by a leader."""

    Origin = CommitmentOrigin

    Status = CommitmentStatus

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=300)
    description = models.TextField()
    origin = models.CharField(max_length=20, choices=Origin.choices)
    proposed_by = models.ForeignKey(
        "Leader",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        help_text="Required for a leader's proposal, and only then.",
    )
    priority_area = models.ForeignKey(
        "PriorityArea", null=True, blank=True, on_delete=models.PROTECT, related_name="commitments"
    )
    chapter = models.ForeignKey(
        "Chapter", null=True, blank=True, on_delete=models.PROTECT, related_name="commitments"
    )
    countries = models.ManyToManyField(
        "Party",
        blank=True,
        related_name="commitments_as_country",
        limit_choices_to={"kind": "country"},
    )
    organizations = models.ManyToManyField(
        "Party",
        blank=True,
        related_name="commitments_as_organization",
        limit_choices_to=~Q(kind="country"),
    )
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.NOT_ASSESSED,
        help_text="The latest status-history record; change it through a dated, sourced status change.",
    )
    progress_percent = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="0–100, only where progress can be measured."
    )
    sources = models.ManyToManyField("Source", related_name="commitments")
    is_synthetic = models.BooleanField(
        default=False, help_text="Generated for tests or benchmarks; never real data."
    )
    last_reviewed_on = models.DateField(
        null=True, blank=True, help_text="When an editor last checked the status against the evidence."
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SlugQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[countries, organizations, sources])

    class Meta:
        ordering = ["priority_area__order", "title"]
        constraints = [
            choices_check("origin", CommitmentOrigin.choices, name="commitment_origin_valid"),
            choices_check("status", CommitmentStatus.choices, name="commitment_status_valid"),
            models.CheckConstraint(
                condition=Q(progress_percent__isnull=True) | Q(progress_percent__lte=100),
                name="commitment_progress_0_100",
            ),
            models.CheckConstraint(
                condition=(Q(origin="leader_proposal") & Q(proposed_by__isnull=False))
                | (~Q(origin="leader_proposal") & Q(proposed_by__isnull=True)),
                name="commitment_proposer_iff_proposal",
            ),
            models.CheckConstraint(
                condition=~Q(status="not_achieved") | Q(target_date__isnull=False),
                name="commitment_not_achieved_needs_target_date",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="commitment_status_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("tracker:commitment_detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)
