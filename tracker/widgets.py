"""Django's form renderer, with its most used widget templates written in Python.

A list page's filter form renders about a hundred options through Django's select and option
templates, one template include each: at +10,000 agreements that was 13 of the page's 33 ms. The
markup here is byte for byte what Django's own templates write (tests/test_widgets.py renders
every filter form both ways and compares); any other template, and any of these overridden by an
installed app's template, is rendered by Django as before.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, escape

INPUT_TEMPLATES = {
    f"django/forms/widgets/{kind}.html"
    for kind in ("text", "number", "search", "email", "url", "hidden", "date")
}
SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _attrs(attrs):
    """django/forms/widgets/attrs.html: False leaves an attribute out, True writes its name alone."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget):
    value = "" if widget["value"] is None else f' value="{escape(str(widget["value"]))}"'
    kind, name = conditional_escape(widget["type"]), conditional_escape(widget["name"])
    return f'<input type="{kind}" name="{name}"{value}{_attrs(widget["attrs"])}>'


def _option(option):
    label = conditional_escape(localize(option["label"]))
    return f'<option value="{escape(str(option["value"]))}"{_attrs(option["attrs"])}>{label}</option>\n'


def _select(widget):
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION_TEMPLATE:
                return None  # a custom option template: Django renders the whole select
            parts.append("\n  " + _option(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")  # Django's renderer strips what its templates write
    return "".join(parts)


class FastWidgetRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if widget is not None and self._ours(template_name):
            if template_name == SELECT_TEMPLATE:
                html = _select(widget)
                if html is not None:
                    return html
            elif widget.get("template_name") == template_name:
                return _input(widget)
        return super().render(template_name, context, request)

    @cached_property
    def _origins(self):
        return {}

    def _ours(self, template_name):
        """Whether this is a template written here, and Django's own would be used for it."""
        if template_name != SELECT_TEMPLATE and template_name not in INPUT_TEMPLATES:
            return False
        if template_name not in self._origins:
            origin = self.get_template(template_name).origin.name.replace("\\", "/")
            self._origins[template_name] = "/django/forms/templates/" in origin
        return self._origins[template_name]
