from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import TextRecord, choices_check


class ProposalKind(models.TextChoices):
    """What readers see that a change moves: each waits for a second editor."""

    STATUS = "status", _("Status")
    VALUE = "value", _("Value, signing date and package")
    TARGET_LINK = "target_link", _("Tie to the target")
    VERDICT = "verdict", _("A country's verdict")
    PUBLICATION = "publication", _("New records")


class ProposalState(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved: public")
    RETURNED = "returned", _("Returned to its author")
    WITHDRAWN = "withdrawn", _("Withdrawn by its author")


class ProposalQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=ProposalState.PENDING)

    def for_review_by(self, user):
        """Waiting for `user`: pending, and proposed by someone else."""
        return self.pending().exclude(proposed_by=user)


class Proposal(TextRecord, models.Model):
    """A change to what readers see (a status, a value, a tie to the target, a country's verdict,
    new records), held until a second editor approves it (tracker.services.reviews).

    `payload` holds the proposed values, `before` what they replace as the author saw them: an
    approval is refused if the record no longer holds `before`, so no approval undoes a change
    made meanwhile. Public pages, exports and feeds read only the records, which an approval
    writes; a proposal itself is never public."""

    Kind = ProposalKind
    State = ProposalState

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING)
    commitment = models.ForeignKey(
        "Commitment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("commitment"),
    )
    agreement = models.ForeignKey(
        "Agreement",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("agreement"),
    )
    country = models.ForeignKey(
        "Party",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "country"},
        verbose_name=_("country"),
    )
    payload = models.JSONField(_("proposed values"), default=dict)
    before = models.JSONField(_("values it replaces"), default=dict)
    note = models.TextField(_("note"), help_text=_("Why, and how the sources show it."))
    sources = models.ManyToManyField(
        "Source", blank=True, related_name="proposals", verbose_name=_("sources")
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ProposalQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            choices_check("kind", ProposalKind.choices, name="proposal_kind_valid"),
            choices_check("state", ProposalState.choices, name="proposal_state_valid"),
            models.CheckConstraint(
                condition=Q(state="pending") | Q(state="withdrawn") | Q(reviewed_at__isnull=False),
                name="proposal_reviewed_when_decided",
            ),
            models.CheckConstraint(
                condition=~Q(state="returned") | ~Q(review_comment=""),
                name="proposal_returned_with_comment",
            ),
        ]
        indexes = [models.Index(fields=["state", "-proposed_at"], name="proposal_state_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject or _('new records')}"

    def get_absolute_url(self):
        return reverse("admin:tracker_proposal_review", args=[self.pk])

    @property
    def subject(self):
        return self.commitment or self.agreement

    @property
    def is_pending(self):
        return self.state == ProposalState.PENDING
