"""Fill an admin form the way a browser would, from the page the editor loaded."""

import datetime


def _encode(value):
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [str(getattr(item, "pk", item)) for item in value]
    return str(value)


def _fill(data, form):
    for name in form.fields:
        value = form[name].value()
        if value is None or value == "":
            continue
        encoded = _encode(value)
        if encoded is not None:
            data[form.add_prefix(name)] = encoded


def _apply(data, changes):
    for name, value in changes.items():
        encoded = None if value is None else _encode(value)
        if encoded is None:  # None, or an unticked box: the browser sends nothing
            data.pop(name, None)
        else:
            data[name] = encoded
    return data


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
    return _apply(data, changes)


def short_form_data(response, **changes):
    """The POST data of a short form (a status, value, tie or verdict: tracker.admin.reviews) in
    `response`, as it was shown, with `changes` applied on top."""
    data = {}
    _fill(data, response.context["form"])
    return _apply(data, changes)
