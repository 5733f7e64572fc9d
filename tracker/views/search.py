"""The site-wide search: commitments, agreements, countries and organizations, and sources, by
the lists' word rule (tracker.filters.word_match), each group with its count and a link to the
full filtered list where there is one."""

from django import forms
from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..filters import (
    AGREEMENT_SEARCH,
    COMMITMENT_SEARCH,
    NAMES,
    PARTY_NAMES,
    SEARCH_HELP,
    agreement_named_by,
    commitment_named_by,
    in_every_language,
    search_words,
    word_in,
    word_match,
)
from ..models import Agreement, Commitment, Party, PriorityArea, Sector, Source

SHOWN_PER_GROUP = 10


class SiteSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the tracker"),
        max_length=200,
        required=False,
        help_text=SEARCH_HELP,
    )


def group(label, queryset, fields, text, *, list_name=None, named_by=None):
    found = queryset.filter(word_match(fields, text, named_by))
    count = found.count()
    full_list = f"{reverse(list_name)}?{urlencode({'q': text})}" if list_name and count else None
    return {"label": label, "count": count, "items": found[:SHOWN_PER_GROUP], "full_list": full_list}


def other_languages(text, page_language):
    """The search in the other languages, where its words are names the tracker knows in each
    (a country, an organization, a sector, a priority area): "Узбекистан" → "Uzbekistan",
    "ウズベキスタン". Each a (language code, language name, query) to link to."""
    named = {}
    for word in search_words(text):
        for model, fields in ((Party, PARTY_NAMES), (Sector, NAMES), (PriorityArea, NAMES)):
            record = model.objects.filter(word_in(fields, word)).first()
            if record is not None:
                named[word] = record
                break
    if not named:
        return []
    suggestions = []
    for code, name in settings.LANGUAGES:
        language = code[:2]
        if language == page_language[:2]:
            continue
        words = [
            (getattr(named[word], f"name_{language}", "") if language != "en" else named[word].name) or word
            if word in named
            else word
            for word in search_words(text)
        ]
        query = " ".join(words)
        if query != text:
            suggestions.append((code, name, query))
    return suggestions


def site_search(request):
    form = SiteSearchForm(request.GET)
    groups, text = [], ""
    if form.is_valid():
        text = " ".join(search_words(form.cleaned_data["q"]))
    if text:
        groups = [
            group(
                _("Commitments"),
                Commitment.objects.public().order_by("title"),
                COMMITMENT_SEARCH,
                text,
                list_name="tracker:commitment_list",
                named_by=commitment_named_by,
            ),
            group(
                _("Agreements"),
                Agreement.objects.public().order_by("title"),
                AGREEMENT_SEARCH,
                text,
                list_name="tracker:agreement_list",
                named_by=agreement_named_by,
            ),
            group(
                _("Countries and organizations"),
                Party.objects.order_by("kind", "name"),
                (*PARTY_NAMES, *in_every_language("description")),
                text,
            ),
            group(
                _("Sources"),
                Source.objects.public().defer("archived_text").order_by("title"),
                (*in_every_language("title", "note"), "publisher"),
                text,
            ),
        ]
    total = sum(found["count"] for found in groups)
    context = {
        "suggestions": other_languages(text, get_language()) if text and not total else [],
        "form": form,
        "text": text,
        "groups": groups,
        "total": total,
        "shown_per_group": SHOWN_PER_GROUP,
    }
    return render(request, "tracker/search.html", context, status=200 if form.is_valid() else 400)
