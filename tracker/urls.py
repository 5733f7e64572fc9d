from django.urls import path, re_path

from .views import agreements, commitments, dashboard, exports, groups, reference

app_name = "tracker"

urlpatterns = [
    path("", dashboard.home, name="home"),
    path("commitments/", commitments.commitment_list, name="commitment_list"),
    re_path(r"^commitments\.(?P<fmt>csv|json)$", exports.commitments_export, name="commitment_export"),
    path("commitments/<slug:slug>/", commitments.commitment_detail, name="commitment_detail"),
    path("agreements/", agreements.agreement_list, name="agreement_list"),
    re_path(r"^agreements\.(?P<fmt>csv|json)$", exports.agreements_export, name="agreement_export"),
    path("agreements/<slug:slug>/", agreements.agreement_detail, name="agreement_detail"),
    path("countries/", groups.country_list, name="country_list"),
    path("countries/<slug:slug>/", groups.country_detail, name="country_detail"),
    path("organizations/", groups.organization_list, name="organization_list"),
    path("organizations/<slug:slug>/", groups.organization_detail, name="organization_detail"),
    path("priority-areas/", groups.area_list, name="area_list"),
    path("priority-areas/<slug:slug>/", groups.area_detail, name="area_detail"),
    path("sectors/", groups.sector_list, name="sector_list"),
    path("sectors/<slug:slug>/", groups.sector_detail, name="sector_detail"),
    path("target/", reference.target_detail, name="target"),
    path("dialogue/", reference.dialogue, name="dialogue"),
    path("sources/", reference.source_list, name="source_list"),
    path("sources/<slug:slug>/", reference.source_detail, name="source_detail"),
    path("sources/<slug:slug>/copy/", reference.source_copy, name="source_copy"),
    path("changes/", reference.change_list, name="change_list"),
    path("changes/feed/", reference.StatusChangeFeed(), name="change_feed"),
]
