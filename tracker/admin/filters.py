import datetime

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from ..models import AgreementParty, Commitment, Party, PriorityArea

STALE_AFTER_DAYS = 90


class NeedsAttentionFilter(admin.SimpleListFilter):
    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        options = [("stale", f"Not reviewed for {STALE_AFTER_DAYS} days")]
        if model_admin.model is Commitment:
            options.append(("unassessed", "Still “Not yet assessed”"))
        else:
            options += [("no_value", "No value"), ("no_source", "No source")]
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
    title = "country"
    parameter_name = "country"

    def lookups(self, request, model_admin):
        return list(Party.objects.countries().values_list("slug", "name"))

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        roles = AgreementParty.objects.filter(agreement=OuterRef("pk"), party__slug=self.value())
        return queryset.filter(Exists(roles))


class AgreementAreaFilter(admin.SimpleListFilter):
    title = "priority area (of the commitments served)"
    parameter_name = "area"

    def lookups(self, request, model_admin):
        return list(PriorityArea.objects.values_list("slug", "name"))

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        served = Commitment.agreements.through.objects.filter(
            agreement=OuterRef("pk"), commitment__priority_area__slug=self.value()
        )
        return queryset.filter(Exists(served))
