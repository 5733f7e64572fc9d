from django.db import migrations

# The Editor and Administrator roles used to be created here, with the permissions that existed
# at this migration. They are now created and kept in step with the models after every migrate
# by tracker.roles.sync_roles (post_migrate), so a model added later reaches its role too.


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0002_audit_history_and_versions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("axes", "0010_accessattemptexpiration"),
        ("sessions", "0001_initial"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = []
