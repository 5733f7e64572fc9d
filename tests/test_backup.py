import json

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from tests.admin_forms import form_data
from tests.conftest import EDITOR_PASSWORD
from tracker.models import Agreement, Source


@pytest.mark.django_db(transaction=True)
def test_backup_restore_backup_is_identical_audit_trail_included(tmp_path):
    call_command("load_summit_data", verbosity=0)
    editor = User.objects.create_user("amina", password=EDITOR_PASSWORD, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(editor)
    agreement = Agreement.objects.get(slug="sojitz-medical-centre")
    url = f"/admin/tracker/agreement/{agreement.pk}/change/"
    assert client.post(url, form_data(client.get(url), title="Renamed by Amina")).status_code == 302
    audit_before = Agreement.history.count()

    first, second = tmp_path / "first.json", tmp_path / "second.json"
    call_command("backup", str(first), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)  # a freshly migrated, empty database
    assert not Agreement.objects.exists() and not User.objects.exists()
    call_command("restore", str(first), verbosity=0)
    call_command("backup", str(second), verbosity=0)

    assert json.loads(second.read_text()) == json.loads(first.read_text())
    assert Agreement.history.count() == audit_before  # no audit record added by the restore
    latest = Agreement.objects.get(slug="sojitz-medical-centre").history.latest()
    assert (latest.title, latest.history_user.username) == ("Renamed by Amina", "amina")
    Source.objects.create(slug="after-restore", title="x", note="x")  # ids continue past the restored ones


@pytest.mark.django_db
def test_restore_refuses_a_database_with_data(tmp_path, summit_data):
    path = tmp_path / "backup.json"
    call_command("backup", str(path), verbosity=0)
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("restore", str(path), verbosity=0)
