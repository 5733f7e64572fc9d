from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = "Editor"
ADMINISTRATOR = "Administrator"

# What editors maintain: they add and change these, and delete nothing.
EDITED = [
    "commitment",
    "agreement",
    "agreementparty",
    "statuschange",
    "source",
    "party",
    "exchangerate",
    "reportedfigure",
    "sector",
]
# Reference data editors may read but not change.
READ_ONLY = ["leader", "summit", "priorityarea", "chapter", "target"]


def make_roles(apps, schema_editor):
    # Permissions are normally created after migrations; the roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    tracker = Permission.objects.filter(content_type__app_label="tracker")
    codenames = [f"{action}_{model}" for model in EDITED for action in ("add", "change", "view")]
    codenames += [f"view_{model}" for model in READ_ONLY]
    codenames += [f"view_historical{model}" for model in EDITED + READ_ONLY]
    # Removing a mistaken party from an agreement is an ordinary, audited edit.
    codenames += ["delete_agreementparty"]
    editor, _ = Group.objects.get_or_create(name=EDITOR)
    editor.permissions.set(tracker.filter(codename__in=codenames))
    administrator, _ = Group.objects.get_or_create(name=ADMINISTRATOR)
    administrator.permissions.set(Permission.objects.all())


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITOR, ADMINISTRATOR]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0002_audit_history_and_versions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        # So that the Administrator role also covers the login-lockout records.
        ("axes", "0010_accessattemptexpiration"),
        ("sessions", "0001_initial"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [migrations.RunPython(make_roles, remove_roles)]
