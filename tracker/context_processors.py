from django.conf import settings

# The site's main sections, in menu order: (URL name, label).
NAV = [
    ("tracker:home", "Dashboard"),
    ("tracker:commitment_list", "Commitments"),
    ("tracker:agreement_list", "Agreements"),
    ("tracker:country_list", "Countries"),
    ("tracker:area_list", "Priority areas"),
    ("tracker:target", "Target & method"),
    ("tracker:source_list", "Sources"),
    ("tracker:change_list", "Changes"),
]


def site(request):
    """What every public page needs: the menu, and whether synthetic test records are shown."""
    return {"nav": NAV, "showing_synthetic": settings.SHOW_SYNTHETIC_RECORDS}
