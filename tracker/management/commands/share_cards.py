"""Draw the preview images shared pages show (tracker/sharing.py), with Playwright driving the
system's Chromium: one per language, and one per country in each language."""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.utils import translation

from ...models import Party
from ...sharing import card_path


class Command(BaseCommand):
    help = "Draw static/img/share/<language>[-<country>].png with Chromium (1200 × 630 px)."

    def add_arguments(self, parser):
        parser.add_argument("--chromium", default=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))

    def handle(self, *args, chromium, **options):
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as exc:
            raise CommandError("Playwright is needed: pip install -e '.[dev]'.") from exc
        if not Path(chromium).exists():
            raise CommandError(f"No Chromium at {chromium}; give its path with --chromium.")
        countries = list(Party.objects.countries())
        if not countries:
            raise CommandError("No countries loaded: run manage.py load_summit_data first.")
        folder = Path(settings.BASE_DIR) / "static"
        drawn = 0
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1200, "height": 630})
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    for country in [None, *countries]:
                        context = {"LANGUAGE_CODE": code[:2], "country": country}
                        if country is not None:
                            context["country_name"] = country.localized("name")
                        page.set_content(render_to_string("share/card.html", context))
                        target = folder / card_path(code, country.slug if country else None)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        page.screenshot(path=str(target))
                        drawn += 1
            browser.close()
        self.stdout.write(f"Drew {drawn} cards in {folder / 'img' / 'share'}.")
