import uuid

from django.db import models


def new_token():
    """Kept for migration 0007, which made the versions single-row table."""
    return uuid.uuid4().hex


class DataVersion(models.Model):
    """One row per write to the tracker's records: an append-only log whose newest rows say which
    version of the data a reader sees (tracker.freshness).

    Writers only insert, so no writer ever waits for or deadlocks on another over it (an updated
    single row did both under load). The version a reader sees is the newest id together with how
    many of the latest ids are committed, so that a transaction committing after a later one still
    changes it.
    """

    id = models.BigAutoField(primary_key=True)

    class Meta:
        verbose_name = "data version"

    def __str__(self):
        return str(self.pk)
