"""FilterSets for the public lists and their exports: every filter state is a shareable URL."""

from decimal import Decimal

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import F, Q

from .models import Agreement, Commitment, Party, PriorityArea, Sector


class SearchFilter(django_filters.CharFilter):
    def __init__(self, *fields, **kwargs):
        self.search_fields = fields
        kwargs.setdefault("label", "Search")
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        query = Q()
        for field in self.search_fields:
            query |= Q(**{f"{field}__icontains": value.strip()})
        return qs.filter(query)


class Ordering(django_filters.OrderingFilter):
    """Unknown dates and values sort last either way, on SQLite and PostgreSQL alike."""

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        field = F(self.param_map[param.lstrip("-")])
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


def slug_choice(queryset, label, **kwargs):
    return django_filters.ModelChoiceFilter(
        queryset=queryset, to_field_name="slug", label=label, empty_label="Any", **kwargs
    )


class CommitmentFilter(django_filters.FilterSet):
    q = SearchFilter("title", "description")
    priority_area = slug_choice(PriorityArea.objects.all(), "Priority area")
    status = django_filters.ChoiceFilter(choices=Commitment.Status.choices, empty_label="Any")
    country = slug_choice(Party.objects.countries(), "Country", field_name="countries")
    origin = django_filters.ChoiceFilter(choices=Commitment.Origin.choices, empty_label="Any")
    sort = Ordering(
        fields=(
            ("title", "title"),
            ("status", "status"),
            ("target_date", "target"),
            ("priority_area__order", "area"),
        ),
        field_labels={
            "title": "Title",
            "status": "Status",
            "target_date": "Target date",
            "priority_area__order": "Priority area",
        },
        label="Sort by",
        empty_label="Priority area, then title",
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
            self.add_error("max_yen", "The upper value must not be below the lower one.")
        return data


class AgreementFilter(django_filters.FilterSet):
    q = SearchFilter("title", "description", "value_as_reported")
    country = PartyFilter(
        queryset=Party.objects.countries(), to_field_name="slug", label="Country", empty_label="Any"
    )
    organization = PartyFilter(
        queryset=Party.objects.organizations(), to_field_name="slug", label="Organization", empty_label="Any"
    )
    sector = slug_choice(Sector.objects.all(), "Sector", field_name="sectors")
    instrument = django_filters.ChoiceFilter(choices=Agreement.Instrument.choices, empty_label="Any")
    status = django_filters.ChoiceFilter(choices=Agreement.Status.choices, empty_label="Any")
    year = django_filters.NumberFilter(
        field_name="signed_on",
        lookup_expr="year",
        label="Year signed",
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    min_yen = yen_bound("gte", "Value from (¥)")
    max_yen = yen_bound("lte", "Value to (¥)")
    target_link = django_filters.ChoiceFilter(
        choices=Agreement.TargetLink.choices, label="Tie to the target", empty_label="Any"
    )
    sort = Ordering(
        fields=(("signed_on", "date"), ("yen_value", "value"), ("title", "title")),
        field_labels={"signed_on": "Date signed", "yen_value": "Value in yen", "title": "Title"},
        label="Sort by",
        empty_label="Newest first",
    )

    class Meta:
        model = Agreement
        fields = []
        form = AgreementFilterForm
