"""Text hygiene: control characters (other than tab and line breaks) have no place in anything
an editor writes. They break feeds and badges (XML cannot hold most of them) and hide text on
pages. Every write path refuses them (TextRecord.clean_fields, the services' checks), and the
writers of XML drop any that still arrive."""

import re

from django.utils.translation import gettext as _

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def control_character_problem(value):
    """A message naming the first control character in `value`, or None."""
    if not isinstance(value, str):
        return None
    found = CONTROL_CHARACTERS.search(value)
    if found is None:
        return None
    return _(
        "Remove the invisible control character (U+%(code)04X) at position %(position)d: it cannot be "
        "shown or sent in a feed."
    ) % {"code": ord(found.group()), "position": found.start() + 1}


def printable(value):
    """`value` without control characters, for writers that must never fail (feeds, badges)."""
    return CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else value
