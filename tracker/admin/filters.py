import datetime

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import AgreementParty, Commitment, Party, PriorityArea

STALE_AFTER_DAYS = 90


class NeedsAttentionFilter(admin.SimpleListFilter):
    title = gettext_lazy("needs attention")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        options = [("stale", _("Not reviewed for %(days)d days") % {"days": STALE_AFTER_DAYS})]
        if model_admin.model is Commitment:
            options.append(("unassessed", _("Still “Not yet assessed”")))
        else:
            options += [("no_value", _("No value")), ("no_source", _("No source"))]
        return options

    def queryset(self, request, queryset):
        cutoff = timezone.localdate() - datetime.timedelta(days=STALE_AFTER_DAYS)
        match self.value():
            case "stale":
                return queryset.filter(Q(last_reviewed_on__isnull=True) | Q(last_reviewed_on__lt=cutoff))
            case "unassessed":
                return queryset.filter(status=Commitment.Status.NOT_ASSESSED)
            case "no_value":
                return queryset.filter(amount__isnull=True)
            case "no_source":
                return queryset.filter(sources__isnull=True)
        return queryset


class AgreementCountryFilter(admin.SimpleListFilter):
    title = gettext_lazy("country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        return [(country.slug, str(country)) for country in Party.objects.countries()]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        roles = AgreementParty.objects.filter(agreement=OuterRef("pk"), party__slug=self.value())
        return queryset.filter(Exists(roles))


class AgreementAreaFilter(admin.SimpleListFilter):
    title = gettext_lazy("priority area (of the linked commitments)")
    parameter_name = "area"

    def lookups(self, request, model_admin):
        return [(area.slug, str(area)) for area in PriorityArea.objects.all()]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        served = Commitment.agreements.through.objects.filter(
            agreement=OuterRef("pk"), commitment__priority_area__slug=self.value()
        )
        return queryset.filter(Exists(served))


class TranslationFilter(admin.SimpleListFilter):
    """Records whose Japanese or Russian texts are missing, or were made from English that has
    changed since. The digests compare in Python: a few hundred records, read once per request."""

    title = gettext_lazy("translation")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        return [
            ("missing-ja", _("Japanese missing")),
            ("stale-ja", _("Japanese out of date")),
            ("missing-ru", _("Russian missing")),
            ("stale-ru", _("Russian out of date")),
        ]

    def queryset(self, request, queryset):
        if self.value() not in dict(self.lookup_choices):
            return queryset
        state, language = self.value().split("-")
        model = queryset.model
        fields = [name for field in model.translated_fields for name in (field, f"{field}_{language}")]
        records = queryset.only("pk", f"translated_from_{language}", *fields)
        if state == "missing":
            chosen = [record.pk for record in records if not record.is_translated(language)]
        else:
            chosen = [record.pk for record in records if record.translation_is_stale(language)]
        return queryset.filter(pk__in=chosen)
