"""About the tracker's data: the data dictionary of every export, the licence, how to cite a
page, and how to send a correction."""

from django.shortcuts import render
from django.utils import timezone

from .exports import EXPORTS


def data_dictionary(request):
    exports = [
        {"label": label, "url_name": url_name, "columns": list(columns.items())}
        for label, url_name, columns in EXPORTS
    ]
    return render(request, "tracker/data_dictionary.html", {"exports": exports})


def about(request):
    return render(request, "tracker/about.html", {"today": timezone.localdate()})
