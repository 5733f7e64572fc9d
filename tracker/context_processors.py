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


SITE_NAME = "CA+JAD Tokyo summit tracker"
LICENCE = {
    "name": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
    "short": "CC BY 4.0",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}


def site(request):
    """What every public page needs: the menu, whether synthetic test records are shown, and what
    its footer offers (the data licence, the contact address for corrections)."""
    return {
        "nav": NAV,
        "showing_synthetic": settings.SHOW_SYNTHETIC_RECORDS,
        "site_name": SITE_NAME,
        "licence": LICENCE,
        "contact_email": settings.CONTACT_EMAIL,
    }
