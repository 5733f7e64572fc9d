from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def recount_after_migrate(sender, using="default", **kwargs):
    """Only with every tracker migration applied: the counting reads the current models, whose
    columns a database migrated back to an earlier state (`migrate tracker 0020`) lacks."""
    from django.db import connections
    from django.db.migrations.loader import MigrationLoader

    from .counting import recount

    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    if set(loader.graph.leaf_nodes(sender.label)) <= set(loader.applied_migrations):
        recount(using=using)


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = _("Summit tracker")

    def ready(self):
        from . import checks, freshness  # noqa: F401 (checks registers itself)
        from .roles import sync_roles

        # After Django's own post_migrate handler has created every model's permissions.
        post_migrate.connect(sync_roles, sender=self, dispatch_uid="tracker.sync_roles")
        # Figures derived from the data are stored on its rows; after a migration that added or
        # changed them, they are brought up to date here, with the whole schema in place.
        post_migrate.connect(recount_after_migrate, sender=self, dispatch_uid="tracker.recount")
        for model in freshness.tracked_models(self):
            for signal in (post_save, post_delete):
                signal.connect(
                    freshness.record_saved_or_deleted,
                    sender=model,
                    dispatch_uid=f"tracker.freshness.{model._meta.model_name}",
                )
        m2m_changed.connect(freshness.links_changed, dispatch_uid="tracker.freshness.links")


class TrackerAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the editors' desk as its home page (tracker.admin.desk)."""

    default = False  # named in INSTALLED_APPS in place of django.contrib.admin
    default_site = "tracker.admin_site.TrackerAdminSite"
