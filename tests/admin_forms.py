"""Fill an admin change form the way a browser would, from the page the editor loaded."""

import datetime


def _encode(value):
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    return str(value)


def _fill(data, form):
    for name in form.fields:
        value = form[name].value()
        if value is None or value == "":
            continue
        encoded = _encode(value)
        if encoded is not None:
            data[form.add_prefix(name)] = encoded


def form_data(response, **changes):
    """The POST data of the admin form in `response`, with `changes` applied on top."""
    data = {}
    _fill(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = management[name].value()
        for form in formset.initial_forms:
            _fill(data, form)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = _encode(value)
    return data
