from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Summit tracker"

    def ready(self):
        from .roles import sync_roles

        # After Django's own post_migrate handler has created every model's permissions.
        post_migrate.connect(sync_roles, sender=self, dispatch_uid="tracker.sync_roles")
