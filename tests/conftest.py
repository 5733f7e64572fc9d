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


EDITOR_PASSWORD = "a-long-editor-passphrase-42"


@pytest.fixture
def make_staff(db):
    from django.contrib.auth.models import Group, User

    def make(username, role):
        user = User.objects.create_user(username, password=EDITOR_PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def editor(make_staff):
    return make_staff("editor", "Editor")


@pytest.fixture
def administrator(make_staff):
    return make_staff("chief", "Administrator")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
