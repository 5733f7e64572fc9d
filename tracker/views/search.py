"""The site-wide search: commitments, agreements, countries and organizations, and sources, by
the lists' word rule (tracker.filters.word_match), each group with its count and a link to the
full filtered list where there is one."""

from django import forms
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from ..filters import AGREEMENT_SEARCH, COMMITMENT_SEARCH, SEARCH_HELP, search_words, word_match
from ..models import Agreement, Commitment, Party, Source

SHOWN_PER_GROUP = 10


class SiteSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the tracker"),
        max_length=200,
        required=False,
        help_text=SEARCH_HELP,
    )


def group(label, queryset, fields, text, *, list_name=None):
    found = queryset.filter(word_match(fields, text))
    count = found.count()
    full_list = f"{reverse(list_name)}?{urlencode({'q': text})}" if list_name and count else None
    return {"label": label, "count": count, "items": found[:SHOWN_PER_GROUP], "full_list": full_list}


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
            ),
            group(
                _("Agreements"),
                Agreement.objects.public().order_by("title"),
                AGREEMENT_SEARCH,
                text,
                list_name="tracker:agreement_list",
            ),
            group(
                _("Countries and organizations"),
                Party.objects.order_by("kind", "name"),
                ("name", "name_ja", "name_ru", "short_name", "description"),
                text,
            ),
            group(
                _("Sources"),
                Source.objects.public().defer("archived_text").order_by("title"),
                ("title", "publisher", "note"),
                text,
            ),
        ]
    context = {
        "form": form,
        "text": text,
        "groups": groups,
        "total": sum(found["count"] for found in groups),
        "shown_per_group": SHOWN_PER_GROUP,
    }
    return render(request, "tracker/search.html", context, status=200 if form.is_valid() else 400)
