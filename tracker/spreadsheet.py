"""Exported text as a spreadsheet shows it, never as a formula it would run: one rule for the
public exports and the editors' admin export."""

FORMULA_PREFIXES = frozenset("=+-@\t\r")


def csv_cell(value):
    if value is None:
        return ""
    text = value if type(value) is str else str(value)
    return "'" + text if text[:1] in FORMULA_PREFIXES else text
