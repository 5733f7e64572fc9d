import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TextRecord:
    """Every record's text is refused with control characters, wherever it is validated: admin
    forms, the import, the fixture load and a restore all call clean_fields."""

    def clean_fields(self, exclude=None):
        from ..text import control_character_problem  # tracker.text translates its message

        errors = {}
        for field in self._meta.concrete_fields:
            if exclude and field.name in exclude:
                continue
            if isinstance(field, (models.CharField, models.TextField)):
                problem = control_character_problem(getattr(self, field.attname))
                if problem:
                    errors[field.name] = [ValidationError(problem, code="control_character")]
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def _get_FIELD_display(self, field):
        # What get_status_display() and the like call. Django's own makes every choice hashable
        # to look one up, and hashing a lazy label translates it: 0.26 ms a call, 77 calls a
        # tenth of a country page. Our choices' values are plain strings.
        value = getattr(self, field.attname)
        return force_str(dict(field.flatchoices).get(value, value), strings_only=True)


class Versioned(models.Model):
    """Editors change it with stale-edit protection: a save from an older copy is refused
    (tracker.services.claim_version)."""

    version = models.PositiveIntegerField(verbose_name=_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class SlugQuerySet(models.QuerySet):
    """Records loaded from fixtures are found by their slug, so reloading updates, not duplicates."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


def choices_check(field, choices, *, name, allow_blank=False):
    """A CheckConstraint that keeps `field` within `choices`: SQLite does not check choices itself."""
    values = [value for value, _label in choices]
    if allow_blank:
        values.append("")
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": values}), name=name)


class Exactness(models.TextChoices):
    """How exact a number is, as its source states it."""

    EXACT = "exact", _("Exact")
    APPROXIMATE = "approximate", _("Approximate")
    LOWER_BOUND = "lower_bound", _("At least (lower bound)")
    UPPER_BOUND = "upper_bound", _("At most (upper bound)")
    RANGE = "range", _("Range")
    APPROXIMATE_RANGE = "approximate_range", _("About, a range")


RANGES = (Exactness.RANGE, Exactness.APPROXIMATE_RANGE)


# An agreement's value is a single figure: exact, approximate or a lower bound.
VALUE_EXACTNESS = [
    (value, label)
    for value, label in Exactness.choices
    if value in {Exactness.EXACT, Exactness.APPROXIMATE, Exactness.LOWER_BOUND}
]


class ClaimBasis(models.TextChoices):
    """Whether a link between two records is a source's statement or our own inference."""

    STATED = "stated", _("Stated by a source")
    INFERRED = "inferred", _("Our inference")


def basis_check(link_field, basis_field, *, name):
    """A basis is given exactly when the link is made."""
    linked = models.Q(**{f"{link_field}__isnull": False})
    return models.CheckConstraint(
        condition=(~linked & models.Q(**{basis_field: ""}))
        | (linked & models.Q(**{f"{basis_field}__in": ClaimBasis.values})),
        name=name,
    )


class DateAccuracy(models.TextChoices):
    """What a source lets us say about when something happened. Unknown is a real answer."""

    EXACT = "exact", _("Exact day")
    APPROXIMATE = "approximate", _("Around this day")
    UNKNOWN = "unknown", _("Unknown")


def date_accuracy_check(date_field, accuracy_field, *, name):
    """A date is blank exactly when its accuracy is "unknown"."""
    unknown = models.Q(**{accuracy_field: DateAccuracy.UNKNOWN})
    blank = models.Q(**{f"{date_field}__isnull": True})
    return models.CheckConstraint(condition=(unknown & blank) | (~unknown & ~blank), name=name)


def shown_to_readers(prefix=""):
    """The condition for what readers see, on a record or, through `prefix` ("commitment__"), on
    a related one: published; synthetic test records only where the settings show them."""
    condition = models.Q(**{f"{prefix}is_published": True})
    if not settings.SHOW_SYNTHETIC_RECORDS:
        condition &= models.Q(**{f"{prefix}is_synthetic": False})
    return condition


class TrackedManager(models.Manager):
    # What readers see, from a model's own manager: {(model, settings): queryset}, built once and
    # copied for each call (building its condition was a seventieth of a short export's time).
    _public = {}

    def public(self):
        if not any(manager is self for manager in self.model._meta.managers):
            return self.get_queryset().public()  # a related manager's (its own condition) or a copy's
        key = (self.model, settings.SHOW_SYNTHETIC_RECORDS)
        if key not in self._public:
            self._public[key] = self.get_queryset().public()
        return self._public[key].all()


class TrackedQuerySet(SlugQuerySet):
    def public(self):
        """What readers see (shown_to_readers)."""
        return self.filter(shown_to_readers())

    @classmethod
    def as_manager(cls):
        # As QuerySet.as_manager, with the manager's public() (TrackedManager).
        manager = TrackedManager.from_queryset(cls)()
        manager._built_with_as_manager = True
        return manager

    as_manager.__func__.queryset_only = True


STATUS_HELP = _("The latest status-history record; change it through a dated, sourced status change.")


# The languages records can be translated into; English is the record itself and the fallback.
TRANSLATED_LANGUAGES = ("ja", "ru")
TRANSLATION_HELP = _("A faithful translation of the English text; blank shows the English, marked as such.")


class TrackedRecord(TextRecord, models.Model):
    """What commitments and agreements share: a slug, a title and a description (each with its
    translations), and editors track them, review them and edit them with stale-edit
    protection (`version`, claimed by tracker.services)."""

    slug = models.SlugField(verbose_name=_("slug"), max_length=120, unique=True)
    title = models.CharField(verbose_name=_("title"), max_length=300)
    description = models.TextField(verbose_name=_("description"))
    title_ja = models.CharField(_("title (Japanese)"), max_length=300, blank=True, help_text=TRANSLATION_HELP)
    title_ru = models.CharField(_("title (Russian)"), max_length=300, blank=True, help_text=TRANSLATION_HELP)
    description_ja = models.TextField(_("description (Japanese)"), blank=True, help_text=TRANSLATION_HELP)
    description_ru = models.TextField(_("description (Russian)"), blank=True, help_text=TRANSLATION_HELP)
    translated_fields = ("title", "description")

    is_synthetic = models.BooleanField(
        verbose_name=_("is synthetic"),
        default=False,
        editable=False,  # set only by the synthetic-data command: a form could use it to hide a record
        help_text=_("Generated for tests or benchmarks; never real data, never in public figures."),
    )
    last_reviewed_on = models.DateField(
        verbose_name=_("last reviewed on"),
        null=True,
        blank=True,
        help_text=_("When an editor last checked the status against the evidence."),
    )
    is_published = models.BooleanField(
        _("is published"),
        default=True,
        editable=False,  # set when a second editor approves a new record (tracker.services.reviews)
        help_text=_("A record an editor added is public once a second editor approves it."),
    )
    version = models.PositiveIntegerField(verbose_name=_("version"), default=1, editable=False)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        abstract = True

    @property
    def next_review_on(self):
        """The day its next check by an editor falls due; None when it was never checked."""
        if self.last_reviewed_on is None:
            return None
        return self.last_reviewed_on + timedelta(days=settings.REVIEW_INTERVAL_DAYS)

    @property
    def review_due(self):
        return self.next_review_on is None or self.next_review_on <= timezone.localdate()


def translations(field_class, verbose_name, max_length=None):
    """The Japanese and Russian fields beside an English text field: `title_ja, title_ru =
    translations(models.CharField, _("title"), max_length=300)`. A Russian text runs longer than
    its English, so a short field's translation may be twice the English's length."""
    options = {"max_length": max_length * 2} if max_length else {}
    return tuple(
        field_class(
            format_lazy("{} ({})", verbose_name, language_name),
            blank=True,
            help_text=TRANSLATION_HELP,
            **options,
        )
        for language_name in (_("Japanese"), _("Russian"))
    )


class Translatable:
    """Records whose texts editors may translate; each model lists them in `translated_fields`
    (a tuple of field names, each with `_ja` and `_ru` fields beside it). A plain mixin: the
    migrations name it among their models' bases, so it holds no field (TranslatedModel does).

    `translated_from_<language>` holds a digest of the English texts a translation was made
    from: when the English changes afterwards, the translation shows as out of date (to readers
    on the record's page, to editors in the admin's filter) until an editor updates it."""

    def save(self, *args, **kwargs):
        # A translation an editor changes is a translation of the English as it stands now; one
        # left alone keeps the digest of the English it was made from, so it shows as stale when
        # the English changes. The fixture loader states the digests itself.
        # A migration's historical model has the mixin but neither the fields list nor the digests.
        if hasattr(self, "translated_fields") and not getattr(self, "translation_sources_given", False):
            changed = self.changed_translations(kwargs.get("update_fields"))
            for language in changed:
                setattr(self, f"translated_from_{language}", self.english_digest())
            if changed and kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {
                    *kwargs["update_fields"],
                    *(f"translated_from_{lang}" for lang in changed),
                }
        super().save(*args, **kwargs)

    def in_language(self, field, language):
        """(text, its language): the translation into `language` where an editor gave one, else the
        English text, with "en" so that the page can mark it."""
        if language in TRANSLATED_LANGUAGES:
            translated = getattr(self, f"{field}_{language}", "")
            if translated:
                return translated, language
        return getattr(self, field), "en"

    def localized(self, field):
        """The text of `field` in the active language, or its English."""
        return self.in_language(field, get_language())[0]

    def is_translated(self, language):
        return all(
            not getattr(self, field) or getattr(self, f"{field}_{language}", "")
            for field in self.translated_fields
        )

    def has_translation(self, language):
        return any(getattr(self, f"{field}_{language}", "") for field in self.translated_fields)

    def english_digest(self, english=None):
        """A digest of the English texts (or of `english`, {field: text}, where given)."""
        english = english or {}
        texts = [english.get(field, getattr(self, field)) or "" for field in self.translated_fields]
        return hashlib.sha256("\x1f".join(texts).encode()).hexdigest()[:16]

    def translation_state(self, language):
        """ "current", "stale" (made from English that has changed since), "partial" or "missing"."""
        if not self.has_translation(language):
            return "missing"
        if self.translation_is_stale(language):
            return "stale"
        return "current" if self.is_translated(language) else "partial"

    def translation_is_stale(self, language):
        """Its translation was made from English texts that have changed since."""
        return (
            self.has_translation(language)
            and getattr(self, f"translated_from_{language}") != self.english_digest()
        )

    def changed_translations(self, update_fields=None):
        """The languages whose translated texts differ from the database's."""
        deferred = self.get_deferred_fields()
        names = {
            language: [f"{field}_{language}" for field in self.translated_fields]
            for language in TRANSLATED_LANGUAGES
        }
        candidates = [
            language
            for language, fields in names.items()
            if not deferred.intersection(fields)
            and (update_fields is None or set(fields) & set(update_fields))
        ]
        if not candidates:
            return []
        stored = None
        if self.pk is not None:
            stored = (
                type(self)
                ._base_manager.filter(pk=self.pk)
                .values(*(n for lang in candidates for n in names[lang]))
                .first()
            )
        return [
            language
            for language in candidates
            if [getattr(self, name) for name in names[language]]
            != ([stored[name] for name in names[language]] if stored else [""] * len(names[language]))
        ]


class TranslatedModel(Translatable, models.Model):
    """A translatable record with the digests of the English its translations were made from."""

    translated_from_ja = models.CharField(max_length=16, blank=True, default="", editable=False)
    translated_from_ru = models.CharField(max_length=16, blank=True, default="", editable=False)

    class Meta:
        abstract = True
