from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = _("Summit tracker")

    def ready(self):
        from . import checks, freshness  # noqa: F401 (checks registers itself)
        from .roles import sync_roles

        # After Django's own post_migrate handler has created every model's permissions.
        post_migrate.connect(sync_roles, sender=self, dispatch_uid="tracker.sync_roles")
        for model in freshness.tracked_models(self):
            for signal in (post_save, post_delete):
                signal.connect(
                    freshness.record_saved_or_deleted,
                    sender=model,
                    dispatch_uid=f"tracker.freshness.{model._meta.model_name}",
                )
        m2m_changed.connect(freshness.links_changed, dispatch_uid="tracker.freshness.links")
