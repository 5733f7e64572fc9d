from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import TRANSLATION_HELP, TextRecord, TranslatedModel, choices_check
from .commitments import CommitmentOrigin

# Commitments the countries made together, or that the Initiative sets for them: each country
# they name has its own record on them. A leader's proposal binds no other country, and a
# decision Japan announced is Japan's own, so their status alone covers them.
SHARED_ORIGINS = [
    CommitmentOrigin.DECLARATION,
    CommitmentOrigin.INITIATIVE,
    CommitmentOrigin.LEADERS_AGREED,
    CommitmentOrigin.CENTRAL_ASIAN_LEADERS,
]


class Verdict(models.TextChoices):
    """A country's compliance with one shared commitment, scored as the G7 Research Group does."""

    FULL = "full", _("Full or nearly full compliance")
    PARTIAL = "partial", _("Partial compliance or work in progress")
    NONE = "none", _("No compliance, or action against it")


SCORES = {Verdict.FULL: 1, Verdict.PARTIAL: 0, Verdict.NONE: -1}


class CountryAssessmentQuerySet(models.QuerySet):
    def get_by_natural_key(self, commitment, country):
        return self.get(commitment__slug=commitment, country__slug=country)

    def public(self):
        verdicts = self.filter(commitment__is_published=True)
        if settings.SHOW_SYNTHETIC_RECORDS:
            return verdicts
        return verdicts.filter(commitment__is_synthetic=False)


class CountryAssessment(TextRecord, TranslatedModel, models.Model):
    """One country's record on one shared commitment: a verdict, its dated rationale for readers
    and its sources. The commitment's own status is judged separately and is not derived from these."""

    Verdict = Verdict

    commitment = models.ForeignKey(
        "Commitment", on_delete=models.CASCADE, related_name="assessments", verbose_name=_("commitment")
    )
    country = models.ForeignKey(
        "Party",
        on_delete=models.PROTECT,
        related_name="assessments",
        limit_choices_to={"kind": "country"},
        verbose_name=_("country"),
    )
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices)
    assessed_on = models.DateField(
        _("assessed on"),
        help_text=_("The day the rationale was written: the evidence it weighs is as of then."),
    )
    rationale = models.TextField(
        _("rationale"), help_text=_("For readers: what the country has done, and how the sources show it.")
    )
    rationale_ja = models.TextField(_("rationale (Japanese)"), blank=True, help_text=TRANSLATION_HELP)
    rationale_ru = models.TextField(_("rationale (Russian)"), blank=True, help_text=TRANSLATION_HELP)
    translated_fields = ("rationale",)
    sources = models.ManyToManyField("Source", related_name="assessments", verbose_name=_("sources"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assessed by"),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
        help_text=_("The second editor who approved the verdict; blank where none was required."),
    )
    last_reviewed_on = models.DateField(
        _("last reviewed on"),
        null=True,
        blank=True,
        help_text=_("When an editor last checked the verdict against the evidence."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CountryAssessmentQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        verbose_name = _("country assessment")
        verbose_name_plural = _("country assessments")
        ordering = ["commitment__title", "country__name"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "country"], name="one_assessment_per_country"),
            choices_check("verdict", Verdict.choices, name="assessment_verdict_valid"),
        ]

    def __str__(self):
        return f"{self.country}: {self.commitment}"

    def get_absolute_url(self):
        return f"{self.commitment.get_absolute_url()}#assessment-{self.country.slug}"

    def natural_key(self):
        return (*self.commitment.natural_key(), *self.country.natural_key())

    natural_key.dependencies = ["tracker.commitment", "tracker.party"]

    @property
    def score(self):
        return SCORES[self.verdict]
