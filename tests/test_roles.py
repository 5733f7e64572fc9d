import datetime
import io

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from tests.conftest import EDITOR_PASSWORD
from tracker.models import Agreement, Commitment, CountryAssessment, Proposal, Source, StatusChange
from tracker.services import reviews

EDITED = {
    "commitment",
    "agreement",
    "agreementparty",
    "agreementcommitment",
    "statuschange",
    "source",
    "party",
    "exchangerate",
    "reportedfigure",
    "sector",
    "countryassessment",
}


def test_roles_are_created_by_migration(db):
    editor = Group.objects.get(name="Editor")
    codenames = set(editor.permissions.values_list("codename", flat=True))
    for model in EDITED:
        assert {f"add_{model}", f"change_{model}", f"view_{model}"} <= codenames
    deletes = {codename for codename in codenames if codename.startswith("delete_")}
    assert deletes == {"delete_agreementparty", "delete_agreementcommitment"}  # never history, never people
    assert not any(codename.endswith(("_user", "_group", "_permission")) for codename in codenames)
    administrator = Group.objects.get(name="Administrator")
    assert administrator.permissions.filter(codename="delete_statuschange").exists()
    assert administrator.permissions.filter(codename="change_user").exists()


def test_createeditor_makes_a_staff_editor(db, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(EDITOR_PASSWORD + "\n"))
    out = io.StringIO()
    call_command("createeditor", "amina", "--email", "amina@example.org", "--password-stdin", stdout=out)
    user = User.objects.get(username="amina")
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Editor"]
    assert user.check_password(EDITOR_PASSWORD)
    assert "Created editor 'amina'" in out.getvalue()


@pytest.mark.parametrize(
    "password, message",
    [("", "A password is required"), ("short", "Password refused"), ("password123456", "Password refused")],
)
def test_createeditor_refuses_missing_or_weak_passwords(db, monkeypatch, password, message):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    with pytest.raises(CommandError, match=message):
        call_command("createeditor", "amina", "--password-stdin")
    assert not User.objects.filter(username="amina").exists()


def admin_urls(objects):
    """Every admin page of every registered model (list, add, change, history, delete, a version in
    its history), the short forms that change what readers see, the review page, and the imports
    and exports: (action, url, model, where it redirects or None)."""
    from tracker.admin.base import AuditedAdmin

    urls = [("index", reverse("admin:index"), None, None)]
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        name = f"admin:{meta.app_label}_{meta.model_name}"
        urls.append(("view", reverse(f"{name}_changelist"), model, None))
        if model is CountryAssessment:  # a verdict is proposed on its own short form
            urls.append(("redirect", reverse(f"{name}_add"), model, reverse(f"{name}_propose")))
        else:
            urls.append(("add", reverse(f"{name}_add"), model, None))
        obj = objects.get(model)
        if obj is None:
            continue
        if model is Proposal:  # a proposal opens on its review page
            review = reverse("admin:tracker_proposal_review", args=[obj.pk])
            urls.append(("redirect", reverse(f"{name}_change", args=[obj.pk]), model, review))
            urls.append(("view", review, model, None))
        else:
            urls.append(("view", reverse(f"{name}_change", args=[obj.pk]), model, None))
        urls.append(("delete", reverse(f"{name}_delete", args=[obj.pk]), model, None))
        if hasattr(model, "history"):
            history = reverse(f"{name}_history", args=[obj.pk])
            urls.append(("view", history, model, None))
            if isinstance(model_admin, AuditedAdmin):  # a version opens in its place in the history
                version = obj.history.earliest().history_id
                row = reverse(f"{name}_simple_history", args=[obj.pk, version])
                urls.append(("redirect", row, model, f"{history}#version-{version}"))
    for model, forms in ((Commitment, ["status"]), (Agreement, ["status", "value", "tie"])):
        for form in forms:
            url = reverse(f"admin:tracker_{model._meta.model_name}_{form}", args=[objects[model].pk])
            urls.append(("change", url, model, None))
    for name in (
        "agreement_import",
        "agreement_import_format",
        "agreement_import_template",
        "countryassessment_import",
        "countryassessment_import_template",
    ):
        urls.append(("import", reverse(f"admin:tracker_{name}"), None, None))
    urls.append(("view", reverse("admin:tracker_agreement_export"), Agreement, None))
    urls.append(("add", reverse("admin:tracker_countryassessment_propose"), CountryAssessment, None))
    return urls


def expected_for_editor(action, model):
    if action == "redirect":
        return 302
    if model is None:
        return 200
    meta = model._meta
    if meta.app_label != "tracker":
        return 403  # users, groups, lockouts: administrators only
    if action == "add" and meta.model_name == "statuschange":
        return 403  # made from a commitment or agreement, never on its own
    if action == "add":
        return 200 if meta.model_name in EDITED else 403  # proposals come from the records' forms
    if action == "delete":
        return 200 if meta.model_name == "agreementparty" else 403
    return 200


def expected_for_administrator(action, model):
    if action == "redirect":
        return 302
    # Status changes come from their subject and proposals from the records' short forms;
    # django-axes keeps its lockout records read-only.
    no_add = model in (StatusChange, Proposal) or (model is not None and model._meta.app_label == "axes")
    if action == "add" and no_add:
        return 403
    if action == "delete" and model is Proposal:
        return 403  # a decided proposal is part of the audit trail
    return 200


def test_every_admin_url_by_role(summit_data, make_staff):
    editor, chief = make_staff("editor", "Editor"), make_staff("chief", "Administrator")
    agreement = Agreement.objects.get(slug="smartmining-plus")
    reviews.propose_status(  # a proposal waiting for review, to open its pages
        subject=agreement,
        new_status="in_implementation",
        effective_on=datetime.date(2026, 3, 2),
        date_accuracy="exact",
        note="Field work reported.",
        sources=[Source.objects.get(slug="initiative-and-proposals-report")],
        user=editor,
    )
    objects = {model: model.objects.order_by("pk").first() for model in admin.site._registry}
    anonymous, as_editor, as_admin = Client(), Client(), Client()
    as_editor.force_login(editor)
    as_admin.force_login(chief)
    mismatches = []
    for action, url, model, redirect in admin_urls(objects):
        login_redirect = anonymous.get(url)
        if login_redirect.status_code != 302 or "/admin/login/" not in login_redirect["Location"]:
            mismatches.append(("anonymous", url, login_redirect.status_code))
        for role, client, expected in (
            ("editor", as_editor, expected_for_editor(action, model)),
            ("administrator", as_admin, expected_for_administrator(action, model)),
        ):
            got = client.get(url)
            if got.status_code != expected:
                mismatches.append((role, url, got.status_code))
            elif redirect and got["Location"] != redirect:
                mismatches.append((role, url, got["Location"]))
    assert mismatches == []
    assert len(admin_urls(objects)) > 60


def test_editor_cannot_delete_history_even_by_post(editor_client, summit_data):
    change = StatusChange.objects.first()
    response = editor_client.post(
        reverse("admin:tracker_statuschange_delete", args=[change.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert StatusChange.objects.filter(pk=change.pk).exists()


# Login throttling (django-axes)

LOGIN = "/admin/login/"


def fail(client, username="editor", **extra):
    return client.post(LOGIN, {"username": username, "password": "wrong-password"}, **extra)


def sign_in(client, username="editor", **extra):
    return client.post(LOGIN, {"username": username, "password": EDITOR_PASSWORD}, **extra)


def test_five_failures_lock_the_username_from_that_address(client, editor):
    for _ in range(4):
        assert fail(client).status_code == 200  # the form again, with an error
    assert fail(client).status_code == 429  # the fifth failure locks
    assert fail(client).status_code == 429
    # The right password does not lift the lock, nor does a forged X-Forwarded-For.
    assert sign_in(client).status_code == 429
    assert sign_in(client, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    assert "_auth_user_id" not in client.session


def test_lock_is_per_username_and_address(client, editor, make_staff):
    make_staff("other", "Editor")
    for _ in range(5):
        fail(client)
    assert sign_in(client, "other").status_code == 302  # another username from the same address
    assert sign_in(Client(REMOTE_ADDR="198.51.100.7")).status_code == 302  # same username elsewhere


def test_lock_lifts_after_the_cool_off(client, editor):
    import datetime

    for _ in range(5):
        fail(client)
    assert sign_in(client).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    )
    assert sign_in(client).status_code == 302


def test_failures_spread_over_more_than_15_minutes_do_not_lock(client, editor):
    import datetime

    for _ in range(4):
        fail(client)
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    )
    assert fail(client).status_code == 200
    assert sign_in(client).status_code == 302


def test_set_up_creates_no_account(db):
    """Migrating (with its role sync) and loading the data, as `make run` does, adds no user."""
    call_command("migrate", verbosity=0)
    call_command("load_summit_data", verbosity=0)
    assert Source.objects.exists() and Agreement.objects.exists()
    assert not User.objects.exists()


def test_administrators_get_the_permissions_of_models_added_later(db):
    """The roles follow the models at every migrate, not a snapshot taken by one migration."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    administrator = Group.objects.get(name="Administrator")
    assert set(administrator.permissions.all()) == set(Permission.objects.all())
    later = ContentType.objects.create(app_label="tracker", model="modeladdedlater")
    added = Permission.objects.create(codename="change_modeladdedlater", name="x", content_type=later)
    call_command("migrate", verbosity=0)
    assert administrator.permissions.filter(pk=added.pk).exists()
    assert not Group.objects.get(name="Editor").permissions.filter(pk=added.pk).exists()
