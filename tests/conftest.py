import pytest
from django.conf import settings
from django.core.management import call_command


@pytest.fixture(scope="session", autouse=True)
def collected_static(tmp_path_factory):
    """Pages render hashed static names (whitenoise's manifest), as in production; build it once."""
    settings.STATIC_ROOT = tmp_path_factory.mktemp("staticfiles")
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


@pytest.fixture
def summit_data(db):
    """The shipped fixtures, loaded as `make run` loads them."""
    call_command("load_summit_data", verbosity=0)
