import uuid

from django.db import models


def new_token():
    return uuid.uuid4().hex


class DataVersion(models.Model):
    """One row whose token changes with every write to the tracker's records (tracker.freshness).

    Figures computed from the data, such as the target's progress, are kept per token: reading
    the token is one indexed query, recomputing the target at 100,000 agreements is most of a
    second. A random token, not a counter, so a rolled-back write can never reuse a number.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    token = models.CharField(max_length=32, default=new_token)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="data_version_single_row")]

    def __str__(self):
        return self.token
