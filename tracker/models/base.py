from django.db import models


class SlugQuerySet(models.QuerySet):
    """Records loaded from fixtures are found by their slug, so reloading updates, not duplicates."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


def choices_check(field, choices, *, name, allow_blank=False):
    """A CheckConstraint that keeps `field` within `choices`: SQLite does not check choices itself."""
    values = [value for value, _label in choices]
    if allow_blank:
        values.append("")
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": values}), name=name)


class Exactness(models.TextChoices):
    EXACT = "exact", "Exact"
    APPROXIMATE = "approximate", "Approximate"
    LOWER_BOUND = "lower_bound", "At least (lower bound)"
