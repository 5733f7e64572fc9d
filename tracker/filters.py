"""FilterSets for the public lists and their exports: every filter state is a shareable URL."""

import copy
import re
from datetime import timedelta
from decimal import Decimal

import django_filters
import snowballstemmer
from django import forms
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db.models import Case, CharField, F, IntegerField, Model, Q, TextField, Value, When
from django.db.models.expressions import Col
from django.db.models.lookups import Lookup
from django.db.models.sql.where import WhereNode
from django.forms import BoundField
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from . import freshness
from .models import (
    Agreement,
    AgreementParty,
    Commitment,
    CountryAssessment,
    Party,
    PriorityArea,
    Sector,
    StatusChange,
)
from .rows import compiled, run_compiled

SEARCH_MAX_WORDS = 10


def in_every_language(*fields):
    """A text field and its Japanese and Russian translations."""
    return tuple(f"{field}{suffix}" for field in fields for suffix in ("", "_ja", "_ru"))


# The texts a search looks through, translations included, so that a Japanese or Russian reader
# searches in their own language.
COMMITMENT_SEARCH = in_every_language("title", "description")
AGREEMENT_SEARCH = (*in_every_language("title", "description"), "value_as_reported")
PARTY_NAMES = (*in_every_language("name", "short_name"),)
NAMES = in_every_language("name")


def search_words(text):
    """The words of a search, at most SEARCH_MAX_WORDS of them (each one costs a condition)."""
    return (text or "").split()[:SEARCH_MAX_WORDS]


def spaceless_script(word):
    # Japanese and Chinese write no spaces between words: there a word is matched as a part of the text.
    return any(ord(char) >= 0x2E80 for char in word)


CYRILLIC = re.compile(r"[\u0400-\u04ff]")
RUSSIAN = snowballstemmer.stemmer("russian")


def word_stem(word):
    """What a word's forms share: Russian declines its nouns and adjectives ("Узбекистан",
    "Узбекистана"; "солнечные", "солнечных"), so a Russian word is searched by its Snowball stem."""
    if CYRILLIC.search(word) and len(word) > WHOLE_WORD_UP_TO + 1:
        stem = RUSSIAN.stemWord(word.lower())
        if len(stem) > WHOLE_WORD_UP_TO:
            return stem
    return word


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


def word_in(fields, word):
    """Records where `word` starts a word of one of `fields`, ignoring case (a Japanese word: is
    part of one). A cheap containment test first lets the database drop most rows before running
    the expression; SQLite's LIKE ignores case only in ASCII, so other scripts try the word's
    three usual cases."""
    word = word_stem(word)
    either = Q()
    for field in fields:
        if spaceless_script(word):
            either |= Q(**{f"{field}__contains": word})
            continue
        if word.isascii():
            contained = Q(**{f"{field}__icontains": word})
        else:
            contained = Q()
            for form in {word.lower(), word.capitalize(), word.upper()}:
                contained |= Q(**{f"{field}__contains": form})
        either |= contained & Q(**{f"{field}__iregex": word_pattern(word)})
    return either


def word_match(fields, text, named_by=None):
    """Records where every word of `text` starts a word of one of `fields` (or, with `named_by`,
    names a related country, organization, sector or area in any language): "AI" finds "AI" but
    not "chain", "corridor" finds "corridors", "Узбекистан" finds "Узбекистана"."""
    query = Q()
    for word in search_words(text):
        either = word_in(fields, word)
        if named_by is not None:
            either |= named_by(word)
        query &= either
    return query


def commitment_named_by(word):
    """Commitments whose countries or priority area `word` names, in any language."""
    countries = Party.objects.filter(word_in(PARTY_NAMES, word)).values("pk")
    areas = PriorityArea.objects.filter(word_in(NAMES, word)).values("pk")
    bound = Commitment.countries.through.objects.filter(party__in=countries).values("commitment_id")
    return Q(pk__in=bound) | Q(priority_area__in=areas)


def agreement_named_by(word):
    """Agreements whose parties or sectors `word` names, in any language."""
    parties = Party.objects.filter(word_in(PARTY_NAMES, word)).values("pk")
    sectors = Sector.objects.filter(word_in(NAMES, word)).values("pk")
    taking_part = AgreementParty.objects.filter(party__in=parties).values("agreement_id")
    in_sector = Agreement.sectors.through.objects.filter(sector__in=sectors).values("agreement_id")
    return Q(pk__in=taking_part) | Q(pk__in=in_sector)


class ShallowCopies(dict):
    def __deepcopy__(self, memo):
        return {name: shallow_copy(filter_) for name, filter_ in self.items()}


def shallow_copy(filter_):
    duplicate = plain_copy(filter_)
    if filter_.method is not None:
        duplicate.method = filter_.method  # binds its method to the copy, whose parent is set
    return duplicate


def plain_copy(thing):
    """What copy.copy gives for an object that keeps its state in its __dict__ (filters, form
    fields, widgets), in a third of the time: copy's protocol of reductions was a third of making
    a filter form, which copies three dozen of them a request."""
    if hasattr(thing, "__copy__"):
        return copy.copy(thing)
    duplicate = object.__new__(type(thing))
    duplicate.__dict__.update(thing.__dict__)
    return duplicate


class LightCopies(dict):
    """A filter form class's fields, copied for each form by light_copy: Django deep-copies them,
    cloning each record field's queryset twice and copying every list of choices, a tenth of a
    short export's time."""

    def __deepcopy__(self, memo):
        return {name: light_copy(field) for name, field in self.items()}


def light_copy(field):
    """A field for one form, with its own widget, attributes, messages and validators, as
    Django's deep copy gives, sharing what no form changes: its list of choices and, for a choice
    of records, the queryset (never run: the records are CHOICE_RECORDS', read per version)."""
    duplicate = plain_copy(field)
    duplicate.error_messages = field.error_messages.copy()
    duplicate.validators = field.validators[:]
    duplicate.widget = plain_copy(field.widget)
    duplicate.widget.attrs = field.widget.attrs.copy()
    if isinstance(field, forms.ModelChoiceField):
        duplicate.widget.choices = duplicate.choices  # an iterator over this copy's records
    return duplicate


class RememberedField(BoundField):
    """A filter form's field whose markup is written once per data version, language and value
    chosen, then remembered by the process (freshness.remembered): its select box (building and
    writing the options was most of a list page's filter form) and its whole block, label and help
    included (the filter_field tag). The fields of a list show the same few values on every page.
    A field with an error, a text box with something typed in or a sort of several keys (valid at
    any length) is written each time."""

    def remembered(self, kind, write):
        value = self.value()
        if isinstance(value, list | tuple):  # a sort's list
            if len(value) > 1:
                return write()
            value = value[0] if value else None
        if self.errors or not (isinstance(self.field.widget, forms.Select) or value in EMPTY_VALUES):
            return write()
        lookup = (
            kind,
            type(self.form),
            type(self.form.renderer),
            self.html_name,
            self.auto_id,
            get_language(),
            repr(value),
        )
        return freshness.remembered(lookup, write)

    def as_widget(self, widget=None, attrs=None, only_initial=False):
        if widget or attrs or only_initial or not isinstance(self.field.widget, forms.Select):
            return super().as_widget(widget, attrs, only_initial)
        return self.remembered("select", lambda: BoundField.as_widget(self))


class SharedFields(dict):
    """The form class's own fields, not copied (FilterForm with rendered=False)."""

    def __deepcopy__(self, memo):
        return SharedFields(self)


class FilterForm(forms.Form):
    def __init__(self, *args, rendered=True, **kwargs):
        if not rendered:
            # An export's form is only cleaned, and cleaning changes no field: copying a dozen
            # fields for it was a twentieth of a short export's time.
            self.base_fields = SharedFields(type(self).base_fields)
        super().__init__(*args, **kwargs)

    def _clean_fields(self):
        """Django's (BaseForm._clean_fields), each value read from the data as its bound field
        would read it, without making one: an export renders no field, and making a bound field
        for each of a dozen was a twentieth of a short export's time. A page makes those it shows
        when it renders them."""
        for name, field in self.fields.items():
            try:
                if field.disabled or type(field)._clean_bound_field is not forms.Field._clean_bound_field:
                    self.cleaned_data[name] = field._clean_bound_field(self[name])
                else:
                    value = self._widget_data_value(field.widget, self.add_prefix(name))
                    self.cleaned_data[name] = cleaned(type(self), name, field, value)
                if hasattr(self, f"clean_{name}"):
                    self.cleaned_data[name] = getattr(self, f"clean_{name}")()
            except forms.ValidationError as error:
                self.add_error(name, error)


def cleaned(form_class, name, field, value):
    """field.clean(value); remembered for the data version where the value is one of a choice's
    few (or none): the same countries, statuses and sorts come back request after request, so a
    dozen fields are not cleaned again for each. A value refused is not kept."""
    single_choice = isinstance(field, forms.ChoiceField) and isinstance(value, str) and "," not in value
    if not (value in (None, "") or single_choice):
        return field.clean(value)
    value = freshness.remembered(("cleaned", form_class, name, value), lambda: field.clean(value))
    return list(value) if isinstance(value, list) else value  # a sort's keys: the caller's own list


class FilterSet(django_filters.FilterSet):
    """django-filter deep-copies every filter, and builds a form class with new fields, for each
    request: a fifth of a small list's time. Our filters keep nothing from one request to the next
    (none is changed after the class is made), so a request gets shallow copies of them, and the
    form class is built once per filter set; each form still gets its own copy of the fields, as
    Django gives it, made lighter (light_copy)."""

    _form_classes = {}

    def __init__(self, *args, rendered=True, **kwargs):
        self.base_filters = ShallowCopies(type(self).base_filters)
        self.rendered = rendered  # False: its form is only cleaned (an export)
        super().__init__(*args, **kwargs)

    @property
    def form(self):
        if not hasattr(self, "_form"):
            data = (self.data,) if self.is_bound else ()
            self._form = self.get_form_class()(*data, prefix=self.form_prefix, rendered=self.rendered)
        return self._form

    def get_form_class(self):
        kind = type(self)
        if kind not in FilterSet._form_classes:
            form_class = super().get_form_class()
            if not issubclass(form_class, FilterForm):
                form_class = type(form_class.__name__, (FilterForm, form_class), {})
            form_class.bound_field_class = RememberedField
            form_class.base_fields = LightCopies(form_class.base_fields)
            FilterSet._form_classes[kind] = form_class
        return FilterSet._form_classes[kind]

    def rows(self, fields, *, order=(), limit=None, chunked=False):
        """The filtered records (the form must be valid) as tuples of `fields`, in `order` where
        no sort is asked, at most `limit`: what `qs.values_list(*fields)` iterates (an iterator
        that keeps its cursor open until read to the end or closed), with a query built and
        compiled by the ORM once per shape and data version. A shape is the filters set, not the
        country or status chosen: those go into the compiled query's parameters. Building and
        compiling the query was a quarter of a short export's time and a tenth of a list's."""
        shape, base = self.shape(), self.base_key()
        database = self.queryset.db
        if shape is not None and base is not None:
            lookup = ("rows", type(self), base, shape, fields, order, limit, database)
            template = freshness.remembered(lookup, lambda: self.template(fields, order, limit))
            if template is not None:
                sql, params, slots, converters = template
                params = list(params)
                for position, name in slots:
                    value = self.form.cleaned_data[name]
                    params[position] = value.pk if isinstance(value, Model) else value
                return run_compiled(database, sql, params, converters, chunked=chunked)
        records = self.ordered(self.qs, order).values_list(*fields)[:limit]
        return records.iterator(chunk_size=500) if chunked else iter(records)

    @staticmethod
    def ordered(queryset, order):
        return queryset.order_by(*order) if order and not queryset.query.order_by else queryset

    def shape(self):
        """What the query of this request's filters depends on, other than their values: for
        each filter set, its name and, where its value is not a parameter of the query (a sort,
        a kind of record, a year), the value. None where the query may not be compiled once
        for several requests: a search (its words make its conditions), an editors' check (it
        depends on today's date), a sort of several keys (any number of them)."""
        shape = []
        for name, value in self.form.cleaned_data.items():
            if value in EMPTY_VALUES:
                continue
            filter_ = self.filters[name]
            if self.parameter(filter_, value):
                shape.append(name)
            elif isinstance(filter_, Ordering) and len(value) == 1:
                shape.append((name, value[0]))
            elif isinstance(filter_, django_filters.NumberFilter):
                shape.append((name, value))  # a year
            elif filter_.method is not None and isinstance(value, str):
                shape.append((name, value))  # a kind of record: it names a column
            else:
                return None
        return tuple(shape)

    def parameter(self, filter_, value):
        """Whether `value` reaches the query only as a parameter, as it is: a record chosen (its
        id) or a plain choice's code compared as it is with a text column (another lookup, or a
        column of another type, would have the ORM prepare the value)."""
        if isinstance(filter_, RecordChoiceFilter):
            return isinstance(value, Model)
        if not (
            type(filter_).filter is django_filters.ChoiceFilter.filter
            and filter_.method is None
            and filter_.extra.get("null_label") is None
            and filter_.lookup_expr == "exact"
            and isinstance(value, str)
        ):
            return False
        try:
            column = self.queryset.model._meta.get_field(filter_.field_name)
        except FieldDoesNotExist:
            return False
        return isinstance(column, CharField | TextField)

    def base_key(self):
        """The queryset the filters start from, as a key: its model, tables, conditions and order,
        where its conditions compare columns with constants (a subquery has no key)."""
        query = self.queryset.query
        if query.annotations or query.extra or query.combinator or query.select_related or query.distinct:
            return None
        try:
            return (
                query.model,
                tuple(query.alias_map),
                conditions(query.where),
                query.order_by,
                query.default_ordering,
                query.standard_ordering,
            )
        except ValueError:
            return None

    def template(self, fields, order, limit):
        """(sql, params, slots, converters): the query compiled with a stand-in for each value that
        is a parameter, and where each stand-in's parameter is ([(position, filter name)]). It is
        compiled twice, with two sets of stand-ins: None unless each stand-in reached the
        parameters as itself, and the two queries differ only there (a filter whose SQL depended
        on the value in another way would give two queries)."""
        first, second = (self.compiled_with(stand_ins, fields, order, limit) for stand_ins in (0, 1))
        if first is None or second is None or first[0] != second[0] or first[2] != second[2]:
            return None
        slotted = {position for position, _name in first[2]}
        pairs = enumerate(zip(first[1], second[1], strict=True))
        if any(one != other for position, (one, other) in pairs if position not in slotted):
            return None
        return first

    def compiled_with(self, stand_in_set, fields, order, limit):
        values, stand_ins = {}, {}
        for number, (name, value) in enumerate(self.form.cleaned_data.items()):
            if value in EMPTY_VALUES or not self.parameter(self.filters[name], value):
                values[name] = value
                continue
            if isinstance(value, Model):
                # Only its id: reading any other field would query the database for a record
                # that does not exist, and the template is not made.
                stand_in_id = STAND_IN_ID - 1_000_001 * stand_in_set - number
                stand_in = type(value).from_db(None, ["id"], [stand_in_id])
                stand_ins[stand_in.pk] = name
            else:
                stand_in = f"\x00stand-in {stand_in_set} {number}"
                stand_ins[stand_in] = name
            values[name] = stand_in
        queryset = self.queryset.all()
        try:
            for name, value in values.items():
                queryset = self.filters[name].filter(queryset, value)
        except ObjectDoesNotExist:
            return None
        sql, params, converters = compiled(self.ordered(queryset, order).values_list(*fields)[:limit])
        slots = [(position, stand_ins[value]) for position, value in enumerate(params) if value in stand_ins]
        if {name for _position, name in slots} != set(stand_ins.values()):
            return None
        if any(isinstance(value, str) and "\x00" in value for value in params if value not in stand_ins):
            return None
        return sql, params, tuple(slots), converters


# A record id no row has, for the stand-ins of compiled filter queries (FilterSet.template).
STAND_IN_ID = -7_000_000_100


def conditions(node):
    """A WHERE tree as nested tuples, where every condition compares a column with a constant;
    ValueError otherwise."""
    if isinstance(node, WhereNode):
        return (node.connector, node.negated, tuple(conditions(child) for child in node.children))
    if isinstance(node, Lookup) and isinstance(node.lhs, Col) and isinstance(node.rhs, bool | int | str):
        return (node.lookup_name, node.lhs.alias, node.lhs.target.column, node.rhs)
    raise ValueError(f"no key for the condition {node!r}")


class SearchFilter(django_filters.CharFilter):
    def __init__(self, *fields, named_by=None, **kwargs):
        self.search_fields = fields
        self.named_by = named_by
        kwargs.setdefault("label", pgettext_lazy("page heading", "Search"))
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("help_text", SEARCH_HELP)
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if not search_words(value):
            return qs
        return qs.filter(word_match(self.search_fields, value, self.named_by))


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


# How readers write large yen figures: "1 trillion", "1tn", "1兆", "1 трлн", "10000億円", "1,000,000,000,000".
YEN_SCALE_WORDS = {
    "trillion": 12, "tn": 12, "兆": 12, "трлн": 12, "триллион": 12, "триллиона": 12, "триллионов": 12,
    "billion": 9, "bn": 9, "млрд": 9, "миллиард": 9, "миллиарда": 9, "миллиардов": 9,
    "億": 8,
    "million": 6, "m": 6, "млн": 6, "миллион": 6, "миллиона": 6, "миллионов": 6,
    "万": 4,
}  # fmt: skip
YEN_AMOUNT = re.compile(r"(?P<number>\d[\d,.\s]*?)\s*(?P<scale>[^\d\s,.]*)")
YEN_SIGNS = re.compile(r"[¥￥円]|\byen\b|\bиен\b|\bиена\b|\bjpy\b", re.IGNORECASE)


def parse_yen(text):
    """Yen from what a reader types: a whole number, with or without grouping, or a number and a
    scale word in English, Japanese or Russian. None where it is not a figure."""
    text = YEN_SIGNS.sub(" ", text.replace("\u00a0", " ").replace("\u202f", " ")).strip().lower()
    match = YEN_AMOUNT.fullmatch(text)
    if not match or (match["scale"] and match["scale"] not in YEN_SCALE_WORDS):
        return None
    digits = re.sub(r"\s", "", match["number"])
    # A comma or point followed by exactly three digits groups thousands; otherwise it is decimal.
    digits = re.sub(r"[,.](?=\d{3}(?:[,.]|$))", "", digits).replace(",", ".")
    try:
        value = Decimal(digits)
    except ArithmeticError:
        return None
    value = value.scaleb(YEN_SCALE_WORDS.get(match["scale"], 0))
    if abs(value) > Decimal(10) ** 19:
        return value  # refused as out of range by the field; too many digits to round
    return value.quantize(Decimal(1))


class YenField(forms.CharField):
    """An amount of yen as a reader writes it; refused with an example where it is not one."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        yen = parse_yen(value) if len(value) <= 40 else None
        if yen is None:
            raise forms.ValidationError(
                _("Enter an amount in yen, such as 1000000000000, 1 trillion, 1兆 or 1 трлн."), code="invalid"
            )
        if not 0 <= yen <= Decimal(10) ** 19:
            raise forms.ValidationError(_("Enter an amount between 0 and 10 quintillion yen."), code="range")
        return yen

    def validate(self, value):
        if value is None and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def run_validators(self, value):
        return None  # a Decimal: the CharField's length validators read text


class YenFilter(django_filters.Filter):
    field_class = YenField


def yen_bound(lookup, label):
    """One end of the value range, in yen however a reader writes it ("1 trillion", "1兆")."""
    return YenFilter(
        field_name="yen_value",  # stored by tracker.money: the figure the pages show
        lookup_expr=lookup,
        label=label,
        max_length=40,
        help_text=_("In yen: 1000000000000, 1 trillion, 1兆 or 1 трлн."),
        widget=forms.TextInput(attrs={"inputmode": "text", "autocomplete": "off"}),
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


class LoadedChoices(django_filters.fields.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for record in self.field.records():
            yield self.choice(record)

    def __len__(self):
        return len(self.field.records()) + (self.field.empty_label is not None)


# The records a filter offers, by name: each list is read once per data version, kept in the
# cache and remembered by each process (tracker.freshness.kept_in_process), so a list page does
# not read them again for every request.
CHOICE_RECORDS = {
    "countries": Party.objects.countries,
    "organizations": Party.objects.organizations,
    "priority_areas": PriorityArea.objects.all,
    "sectors": Sector.objects.all,
}


def choice_records(name):
    """The records CHOICE_RECORDS names, as a list kept for the data version."""
    return freshness.kept_in_process("choices", lambda: list(CHOICE_RECORDS[name]()), name)


class RecordChoiceField(django_filters.fields.ModelChoiceField):
    """A choice of records (countries, sectors…), kept per data version under their name in
    CHOICE_RECORDS: rendering the choices and checking the value chosen read no table (Django's
    field queries for both)."""

    iterator = LoadedChoices

    def __init__(self, *args, records, **kwargs):
        self.records_name = records
        super().__init__(*args, **kwargs)

    def records(self):
        # Read for each use, not kept on the field: an export's form shares the class's fields.
        return choice_records(self.records_name)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        key = self.to_field_name or "pk"
        index = freshness.remembered(
            ("choice index", self.records_name, key),
            lambda: {str(getattr(record, key)): record for record in self.records()},
        )
        if str(value) in index:
            return index[str(value)]
        raise forms.ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class RecordChoiceFilter(django_filters.ModelChoiceFilter):
    """A filter by one of the records named in CHOICE_RECORDS (`records`), chosen by its slug."""

    field_class = RecordChoiceField

    def __init__(self, *, records, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("empty_label", _("Any"))
        super().__init__(queryset=CHOICE_RECORDS[records](), records=records, **kwargs)


class CommitmentFilter(FilterSet):
    q = SearchFilter(*COMMITMENT_SEARCH, named_by=commitment_named_by)
    priority_area = RecordChoiceFilter(records="priority_areas", label=_("Priority area"))
    status = django_filters.ChoiceFilter(
        choices=Commitment.Status.choices, label=_("Status"), empty_label=_("Any")
    )
    country = RecordChoiceFilter(records="countries", label=_("Country"), field_name="countries")
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


class NameSelect(forms.Select):
    """A choice of names: a name in Latin letters on a Japanese or Russian page (a company's, say)
    is marked so that a page translator leaves it alone."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value and re.match(r"[A-Za-z]", str(label)) and not get_language().startswith("en"):
            option["attrs"]["translate"] = "no"
        return option


class PartyFilter(RecordChoiceFilter):
    """Agreements a party takes part in, in any role, each agreement once. With `probe_if_narrowed`
    (countries: each is a party to a large share of the agreements) the party's links are only
    checked when another filter is set, which then leads the query (AgreementQuerySet.with_party)."""

    def __init__(self, *args, probe_if_narrowed=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.probe_if_narrowed = probe_if_narrowed

    def filter(self, qs, value):
        if not value:
            return qs
        narrowed = self.narrowed_by()
        probe = self.probe_if_narrowed and bool(narrowed)
        # A sector leaves few rows: probe them even on PostgreSQL (AgreementQuerySet.with_party).
        return qs.with_party(value, probe=probe, fenced=probe and "sector" in narrowed)

    def narrowed_by(self):
        """The names of the other filters set (the sort aside)."""
        chosen = self.parent.form.cleaned_data
        return [
            name
            for name, other in self.parent.filters.items()
            if other is not self and name != "sort" and chosen.get(name) not in (None, "", [])
        ]


class SectorFilter(RecordChoiceFilter):
    """Agreements of a sector: an IN over the link table, which a sector's few agreements can lead."""

    def filter(self, qs, value):
        return qs.in_sector(value) if value else qs


class AgreementFilterForm(FilterForm):
    def clean(self):
        data = super().clean()
        low, high = data.get("min_yen"), data.get("max_yen")
        if low is not None and high is not None and low > high:
            self.add_error("max_yen", _("The upper value must not be below the lower one."))
        return data


class AgreementFilter(FilterSet):
    q = SearchFilter(*AGREEMENT_SEARCH, named_by=agreement_named_by)
    country = PartyFilter(records="countries", label=_("Country"), probe_if_narrowed=True)
    organization = PartyFilter(records="organizations", widget=NameSelect, label=_("Organization"))
    sector = SectorFilter(records="sectors", label=_("Sector"))
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


class InvolvingFilter(RecordChoiceFilter):
    def filter(self, qs, value):
        return qs.involving(value) if value else qs


class ChangeFilter(FilterSet):
    """The status history export: every step, or those of one country or one kind of record."""

    country = InvolvingFilter(records="countries", label=_("Country"))
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


class AssessmentFilter(FilterSet):
    """The verdicts export: all of them, or one country's, or one verdict's."""

    country = RecordChoiceFilter(records="countries", label=_("Country"))
    verdict = django_filters.ChoiceFilter(
        choices=CountryAssessment.Verdict.choices, label=_("Verdict"), empty_label=_("Any")
    )

    class Meta:
        model = CountryAssessment
        fields = []
