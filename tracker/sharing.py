"""The preview image a shared page shows: one per language, and one per country in each language
(static/img/share/, drawn by `manage.py share_cards`). They hold no figure, so a change of data
never makes them wrong."""

from pathlib import Path

from django.conf import settings

FOLDER = "img/share"


def card_path(language, country_slug=None):
    """The static path of the card for `language` (and a country's page)."""
    family = (language or "en")[:2]
    return f"{FOLDER}/{family}-{country_slug}.png" if country_slug else f"{FOLDER}/{family}.png"


def card_for(language, country_slug=None):
    """The card a page in `language` shows: its country's where one was drawn, else the site's."""
    folder = Path(settings.BASE_DIR) / "static"
    if country_slug and (folder / card_path(language, country_slug)).exists():
        return card_path(language, country_slug)
    return card_path(language)
