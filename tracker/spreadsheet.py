"""Exported text as a spreadsheet shows it, never as a formula it would run: one rule for the
public exports and the editors' admin export."""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
