from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def contact_address(app_configs, **kwargs):
    """A public tracker must let its readers send corrections."""
    if settings.CONTACT_EMAIL:
        return []
    return [
        Warning(
            "CONTACT_EMAIL is not set: the public pages offer readers no way to send a correction.",
            hint="Set CONTACT_EMAIL to the address that receives corrections.",
            id="tracker.W001",
        )
    ]
