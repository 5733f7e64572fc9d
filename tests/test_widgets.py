"""The form renderer writes Django's widget markup byte for byte (tracker.widgets)."""

import re

import pytest
from django.forms import Form, renderers
from django.forms import fields as form_fields
from django.forms import widgets as form_widgets
from django.test.utils import override_settings
from django.utils.functional import cached_property

from tracker.filters import AgreementFilter, CommitmentFilter
from tracker.models import Agreement, Commitment
from tracker.widgets import FastWidgetRenderer

DJANGO = "django.forms.renderers.DjangoTemplates"
OURS = "tracker.widgets.FastWidgetRenderer"


def render_both(render):
    """What `render()` gives with Django's renderer and with ours."""
    pages = []
    for renderer in (DJANGO, OURS):
        with override_settings(FORM_RENDERER=renderer):
            renderers.get_default_renderer.cache_clear()
            pages.append(render())
    renderers.get_default_renderer.cache_clear()
    return pages


class Everything(Form):
    """The widgets the fast path writes, with the values that need escaping or are left out."""

    text = form_fields.CharField(help_text="Help", initial='a "quoted" <b>value</b> & more')
    number = form_fields.IntegerField(widget=form_widgets.NumberInput(attrs={"inputmode": "numeric"}))
    search = form_fields.CharField(widget=form_widgets.SearchInput(attrs={"placeholder": "«Узбекистан»"}))
    hidden = form_fields.CharField(widget=form_widgets.HiddenInput, initial="x")
    date = form_fields.DateField(widget=form_widgets.DateInput(attrs={"disabled": True, "readonly": False}))
    choice = form_fields.ChoiceField(
        choices=[("", "Any"), ("a&b", "A & B"), ("<c>", "<C>"), (3, 2025)], initial="a&b"
    )
    grouped = form_fields.ChoiceField(
        choices=[("Group 1", [("1", "One"), ("2", "Two")]), ("3", "Three")], required=False
    )
    several = form_fields.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], initial=["x", "y"])


@pytest.mark.parametrize("bound", [False, True])
def test_every_fast_widget_writes_djangos_markup(bound):
    data = {"text": "", "number": "12", "choice": "<c>", "grouped": "2", "several": ["y"]} if bound else None
    django, ours = render_both(lambda: str(Form.__str__(Everything(data))))
    assert ours == django
    assert "<option" in ours and "<optgroup" in ours and 'value="a&amp;b"' in ours


@pytest.mark.parametrize("language", ["en", "ja", "ru"])
@pytest.mark.parametrize(
    "filterset, query",
    [
        (AgreementFilter, {}),
        (
            AgreementFilter,
            {"country": "uzbekistan", "status": "signed", "sort": "-value", "min_yen": "1 трлн"},
        ),
        (AgreementFilter, {"year": "not a year", "country": "nowhere"}),
        (CommitmentFilter, {"country": "kazakhstan", "sort": "title"}),
    ],
)
def test_the_filter_forms_are_the_same_markup(summit_data, language, filterset, query):
    from django.utils import translation

    model = Agreement if filterset is AgreementFilter else Commitment

    def render():
        with translation.override(language):
            form = filterset(query, queryset=model.objects.all()).form
            form.is_valid()
            return "".join(str(field) for field in form)

    django, ours = render_both(render)
    assert ours == django
    assert ours.count("<option") > 20


def test_a_list_page_is_the_same_with_either_renderer(client, summit_data, settings):
    settings.PUBLIC_PAGE_CACHE = False

    def page():
        html = client.get("/ru/agreements/?country=kyrgyzstan&sector=energy").content.decode()
        # The permanent link names the second it was rendered; the two renders may straddle one.
        return re.sub(r"/as-of/[0-9TZ:-]+/", "/as-of/(now)/", html)

    django, ours = render_both(page)
    assert ours == django
    assert "/as-of/(now)/ru/agreements/" in ours


def test_an_admin_form_is_the_same_with_either_renderer(client, summit_data, administrator):
    client.force_login(administrator)
    agreement = Agreement.objects.get(slug="uzbekistan-japan-summit-package")

    def page():
        html = client.get(f"/admin/tracker/agreement/{agreement.pk}/change/").content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    django, ours = render_both(page)
    assert ours == django
    assert "<select" in ours


def test_an_overridden_widget_template_is_left_to_django(tmp_path):
    override = tmp_path / "django" / "forms" / "widgets"
    override.mkdir(parents=True)
    (override / "select.html").write_text("<b>our own select</b>")

    class WithOverride(FastWidgetRenderer):
        @cached_property
        def engine(self):
            return self.backend({"APP_DIRS": True, "DIRS": [tmp_path], "NAME": "overridden", "OPTIONS": {}})

    html = form_widgets.Select(choices=[("a", "A")]).render("x", "a", renderer=WithOverride())
    assert html == "<b>our own select</b>"
    assert "<option" in form_widgets.Select(choices=[("a", "A")]).render(
        "x", "a", renderer=FastWidgetRenderer()
    )
