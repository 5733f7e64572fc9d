"""FilterSets for the public lists and their exports: every filter state is a shareable URL."""

import re
from datetime import timedelta
from decimal import Decimal

import django_filters
from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .models import Agreement, Commitment, CountryAssessment, Party, PriorityArea, Sector, StatusChange

SEARCH_MAX_WORDS = 10
# The texts a search looks through, translations included, so a Japanese or Russian reader can
# search in their own language where editors translated a record.
COMMITMENT_SEARCH = ("title", "description", "title_ja", "title_ru", "description_ja", "description_ru")
AGREEMENT_SEARCH = (*COMMITMENT_SEARCH, "value_as_reported")


def search_words(text):
    """The words of a search, at most SEARCH_MAX_WORDS of them (each one costs a condition)."""
    return (text or "").split()[:SEARCH_MAX_WORDS]


def spaceless_script(word):
    # Japanese and Chinese write no spaces between words: there a word is matched as a part of the text.
    return any(ord(char) >= 0x2E80 for char in word)


WHOLE_WORD_UP_TO = 3  # letters: "AI", "UN", "gas" match only as whole words
SEARCH_HELP = _(
    "Every word must appear. A word finds its longer forms (corridor: corridors); "
    "short words (AI) only whole."
)


def word_pattern(word):
    """A word at the start of a word of the text; a short one as a whole word. The lookarounds
    read the same in Python's re (Django's REGEXP on SQLite) and in PostgreSQL's expressions."""
    end = r"(?!\w)" if len(word) <= WHOLE_WORD_UP_TO else ""
    return rf"(?<!\w){re.escape(word)}{end}"


def word_match(fields, text):
    """Records where every word of `text` starts a word of one of `fields`, ignoring case: "AI"
    finds "AI" but not "chain", "corridor" finds "corridors". icontains first lets the database
    drop most rows before running the expression."""
    query = Q()
    for word in search_words(text):
        either = Q()
        for field in fields:
            if spaceless_script(word):
                either |= Q(**{f"{field}__icontains": word})
            else:
                either |= Q(**{f"{field}__icontains": word, f"{field}__iregex": word_pattern(word)})
        query &= either
    return query


class SearchFilter(django_filters.CharFilter):
    def __init__(self, *fields, **kwargs):
        self.search_fields = fields
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("help_text", SEARCH_HELP)
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if not search_words(value):
            return qs
        return qs.filter(word_match(self.search_fields, value))


class Ordering(django_filters.OrderingFilter):
    """Unknown dates and values sort last either way, on SQLite and PostgreSQL alike. A field with
    a vocabulary (a status) sorts in the vocabulary's order, from first step to last, not by code."""

    def __init__(self, *args, vocabularies=None, **kwargs):
        self.vocabularies = vocabularies or {}
        super().__init__(*args, **kwargs)

    def build_choices(self, fields, labels):
        """The choices with labels that follow the page's language: django-filter formats its
        "(descending)" once, at import, in English."""
        ascending = [(param, labels.get(field, param)) for field, param in fields.items()]
        descending = [
            (f"-{param}", format_lazy(_("{label} (descending)"), label=label)) for param, label in ascending
        ]
        return [choice for pair in zip(ascending, descending, strict=True) for choice in pair]

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        name = self.param_map[param.lstrip("-")]
        if name in self.vocabularies:
            steps = [When(**{name: value}, then=Value(i)) for i, value in enumerate(self.vocabularies[name])]
            field = Case(*steps, default=Value(len(steps)), output_field=IntegerField())
        else:
            field = F(name)
        return field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "pk") if value else qs


def yen_bound(lookup, label):
    """One end of the value range, in whole yen, bounded so no number can overflow the query."""
    return django_filters.NumberFilter(
        field_name="yen_value",  # stored by tracker.money: the figure the pages show
        lookup_expr=lookup,
        label=label,
        max_digits=20,
        decimal_places=0,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(10) ** 19)],
    )


class ReviewFilter(django_filters.ChoiceFilter):
    """Records by their editors' last check: due (never checked, or longer ago than the review
    interval) or checked within it."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=[("due", _("Check due")), ("checked", _("Checked within the review interval"))],
            label=_("Editors' check"),
            empty_label=_("Any"),
            **kwargs,
        )

    def filter(self, qs, value):
        if not value:
            return qs
        recent = Q(last_reviewed_on__gt=timezone.localdate() - timedelta(days=settings.REVIEW_INTERVAL_DAYS))
        return qs.filter(recent) if value == "checked" else qs.exclude(recent)


def slug_choice(queryset, label, **kwargs):
    return django_filters.ModelChoiceFilter(
        queryset=queryset, to_field_name="slug", label=label, empty_label=_("Any"), **kwargs
    )


class CommitmentFilter(django_filters.FilterSet):
    q = SearchFilter(*COMMITMENT_SEARCH)
    priority_area = slug_choice(PriorityArea.objects.all(), _("Priority area"))
    status = django_filters.ChoiceFilter(
        choices=Commitment.Status.choices, label=_("Status"), empty_label=_("Any")
    )
    country = slug_choice(Party.objects.countries(), _("Country"), field_name="countries")
    origin = django_filters.ChoiceFilter(
        choices=Commitment.Origin.choices, label=_("Origin"), empty_label=_("Any")
    )
    review = ReviewFilter()
    sort = Ordering(
        fields=(
            ("title", "title"),
            ("status", "status"),
            ("target_date", "target"),
            ("priority_area__order", "area"),
            ("last_reviewed_on", "checked"),
        ),
        field_labels={
            "title": _("Title"),
            "status": _("Status"),
            "target_date": _("Target date"),
            "priority_area__order": _("Priority area"),
            "last_reviewed_on": _("Last checked"),
        },
        label=_("Sort by"),
        empty_label=_("Priority area, then title"),
        vocabularies={"status": Commitment.Status.values},
    )

    class Meta:
        model = Commitment
        fields = []


class PartyFilter(django_filters.ModelChoiceFilter):
    """Agreements a party takes part in, in any role, each agreement once."""

    def filter(self, qs, value):
        return qs.with_party(value) if value else qs


class AgreementFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        low, high = data.get("min_yen"), data.get("max_yen")
        if low is not None and high is not None and low > high:
            self.add_error("max_yen", _("The upper value must not be below the lower one."))
        return data


class AgreementFilter(django_filters.FilterSet):
    q = SearchFilter(*AGREEMENT_SEARCH)
    country = PartyFilter(
        queryset=Party.objects.countries(), to_field_name="slug", label=_("Country"), empty_label=_("Any")
    )
    organization = PartyFilter(
        queryset=Party.objects.organizations(),
        to_field_name="slug",
        label=_("Organization"),
        empty_label=_("Any"),
    )
    sector = slug_choice(Sector.objects.all(), _("Sector"), field_name="sectors")
    instrument = django_filters.ChoiceFilter(
        choices=Agreement.Instrument.choices, label=_("Kind of document"), empty_label=_("Any")
    )
    status = django_filters.ChoiceFilter(
        choices=Agreement.Status.choices, label=_("Status"), empty_label=_("Any")
    )
    year = django_filters.NumberFilter(
        field_name="signed_on",
        lookup_expr="year",
        label=_("Year signed"),
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    min_yen = yen_bound("gte", _("Value from (¥)"))
    max_yen = yen_bound("lte", _("Value to (¥)"))
    target_link = django_filters.ChoiceFilter(
        choices=Agreement.TargetLink.choices, label=_("Tie to the target"), empty_label=_("Any")
    )
    review = ReviewFilter()
    sort = Ordering(
        fields=(
            ("signed_on", "date"),
            ("yen_value", "value"),
            ("title", "title"),
            ("status", "status"),
            ("last_reviewed_on", "checked"),
        ),
        field_labels={
            "signed_on": _("Date signed"),
            "yen_value": _("Value in yen"),
            "title": _("Title"),
            "status": _("Status"),
            "last_reviewed_on": _("Last checked"),
        },
        label=_("Sort by"),
        empty_label=_("Newest first"),
        vocabularies={"status": Agreement.Status.values},
    )

    class Meta:
        model = Agreement
        fields = []
        form = AgreementFilterForm


class InvolvingFilter(django_filters.ModelChoiceFilter):
    def filter(self, qs, value):
        return qs.involving(value) if value else qs


class ChangeFilter(django_filters.FilterSet):
    """The status history export: every step, or those of one country or one kind of record."""

    country = InvolvingFilter(
        queryset=Party.objects.countries(), to_field_name="slug", label=_("Country"), empty_label=_("Any")
    )
    kind = django_filters.ChoiceFilter(
        choices=[("commitment", _("Commitments")), ("agreement", _("Agreements"))],
        method="of_kind",
        label=_("Records"),
        empty_label=_("Any"),
    )

    class Meta:
        model = StatusChange
        fields = []

    def of_kind(self, queryset, name, value):
        return queryset.filter(**{f"{value}__isnull": False})


class AssessmentFilter(django_filters.FilterSet):
    """The verdicts export: all of them, or one country's, or one verdict's."""

    country = slug_choice(Party.objects.countries(), _("Country"))
    verdict = django_filters.ChoiceFilter(
        choices=CountryAssessment.Verdict.choices, label=_("Verdict"), empty_label=_("Any")
    )

    class Meta:
        model = CountryAssessment
        fields = []
