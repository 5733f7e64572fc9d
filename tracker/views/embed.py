"""What other sites may include: a badge (SVG, for an <img>) and a small widget (HTML, for an
<iframe>) of the target's progress and of each country's record. Only these pages may be framed
by other sites; every other page refuses to be (frame-ancestors 'none', X-Frame-Options DENY).

They are not kept with the pages (tracker.freshness.per_version): a kept copy would lose the
framing exemption, which the CSP middleware reads from the response object. Each costs the
data version's query and a few counts; the target's figures are kept per version anyway."""

from csp.decorators import csp_replace
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from ..models import Party
from ..text import printable
from .common import current_progress
from .groups import country_scorecards

EMBED_MAX_AGE = 3600  # seconds other sites' readers may keep a badge or widget


def embeddable(view):
    """Any site may frame this view; browsers and proxies may keep it for an hour."""

    @require_safe
    @xframe_options_exempt
    @csp_replace({"frame-ancestors": ["*"]})
    def framed(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = f"public, max-age={EMBED_MAX_AGE}"
        return response

    framed.__name__ = view.__name__
    return framed


def target_context():
    target, progress = current_progress()
    if target is None:
        raise Http404(_("No target is loaded."))
    return {
        "target": target,
        "progress": progress,
        "today": timezone.localdate(),
        "bar": bar(progress.stated.yen / target.amount, progress.reported.yen / target.amount),
    }


BAR_X, BAR_WIDTH = 12, 456  # the badge's bar, in its pixels


def bar(stated_share, reported_share):
    """The badge's bar: the stated share filled, the reported one an outline after it (never
    filled, so that it is not read as progress), both within the bar. Geometry only: the figures
    in words come from the Amounts, with their qualifiers."""
    stated = min(max(float(stated_share), 0.0), 1.0) * BAR_WIDTH
    reported = min(max(float(reported_share), 0.0), 1.0) * BAR_WIDTH
    reported = min(reported, BAR_WIDTH - stated)
    return {
        "x": BAR_X,
        "width": BAR_WIDTH,
        "stated": f"{stated:.1f}",
        "reported_x": f"{BAR_X + stated:.1f}",
        "reported": f"{reported:.1f}",
    }


def country_context(slug):
    country = get_object_or_404(Party.objects.countries(), slug=slug)
    card = next(card for card in country_scorecards() if card.country.pk == country.pk)
    return {"card": card, "country": country, **target_context()}


def svg(request, template, context):
    """An SVG badge, always well-formed XML: a control character in a name (refused on every
    write path, but older data may hold one) is dropped rather than breaking the image."""
    response = render(request, template, context, content_type="image/svg+xml; charset=utf-8")
    response.content = printable(response.content.decode()).encode()
    return response


@embeddable
def target_badge(request):
    return svg(request, "embed/target_badge.svg", target_context())


@embeddable
def target_widget(request):
    return render(request, "embed/target_widget.html", target_context())


@embeddable
def country_badge(request, slug):
    return svg(request, "embed/country_badge.svg", country_context(slug))


@embeddable
def country_widget(request, slug):
    return render(request, "embed/country_widget.html", country_context(slug))
