"""About the tracker: its assessment method, the data dictionary of every export, the licence,
how to cite a page, and how to send a correction."""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from .. import method as assessment_method
from ..models import SHARED_ORIGINS, Agreement, Commitment, CountryAssessment
from .exports import EXPORTS


def data_dictionary(request):
    exports = [
        {"label": label, "url_name": url_name, "columns": list(columns.items())}
        for label, url_name, columns in EXPORTS
    ]
    return render(request, "tracker/data_dictionary.html", {"exports": exports})


def about(request):
    return render(request, "tracker/about.html", {"today": timezone.localdate()})


def rows(choices, definitions):
    return [(value, label, definitions[value]) for value, label in choices]


def method(request):
    return render(
        request,
        "tracker/method.html",
        {
            "commitment_statuses": rows(Commitment.Status.choices, assessment_method.COMMITMENT_STATUSES),
            "agreement_statuses": rows(Agreement.Status.choices, assessment_method.AGREEMENT_STATUSES),
            "verdicts": rows(CountryAssessment.Verdict.choices, assessment_method.VERDICTS),
            "shared_origins": [Commitment.Origin(origin).label for origin in SHARED_ORIGINS],
            "review_days": settings.REVIEW_INTERVAL_DAYS,
        },
    )
