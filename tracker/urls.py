from django.urls import path, re_path

from .freshness import per_version
from .views import about, agreements, commitments, dashboard, embed, exports, groups, reference, search

app_name = "tracker"

# Every page here but the exports (which stream) is kept per data version: see per_version.
urlpatterns = [
    path("", per_version(dashboard.home), name="home"),
    path("commitments/", per_version(commitments.commitment_list), name="commitment_list"),
    re_path(r"^commitments\.(?P<fmt>csv|json)$", exports.commitments_export, name="commitment_export"),
    path("commitments/<slug:slug>/", per_version(commitments.commitment_detail), name="commitment_detail"),
    path(
        "commitments/<slug:slug>/feed/",
        per_version(reference.CommitmentChangeFeed()),
        name="commitment_feed",
    ),
    path("agreements/", per_version(agreements.agreement_list), name="agreement_list"),
    re_path(r"^agreements\.(?P<fmt>csv|json)$", exports.agreements_export, name="agreement_export"),
    path("agreements/<slug:slug>/", per_version(agreements.agreement_detail), name="agreement_detail"),
    path("agreements/<slug:slug>/feed/", per_version(reference.AgreementChangeFeed()), name="agreement_feed"),
    path("countries/", per_version(groups.country_list), name="country_list"),
    path("countries/<slug:slug>/", per_version(groups.country_detail), name="country_detail"),
    path("countries/<slug:slug>/feed/", per_version(reference.CountryChangeFeed()), name="country_feed"),
    path("organizations/", per_version(groups.organization_list), name="organization_list"),
    path("organizations/<slug:slug>/", per_version(groups.organization_detail), name="organization_detail"),
    path("priority-areas/", per_version(groups.area_list), name="area_list"),
    path("priority-areas/<slug:slug>/", per_version(groups.area_detail), name="area_detail"),
    path("sectors/", per_version(groups.sector_list), name="sector_list"),
    path("sectors/<slug:slug>/", per_version(groups.sector_detail), name="sector_detail"),
    path("target/", per_version(reference.target_detail), name="target"),
    path("dialogue/", per_version(reference.dialogue), name="dialogue"),
    path("sources/", per_version(reference.source_list), name="source_list"),
    path("sources/<slug:slug>/", per_version(reference.source_detail), name="source_detail"),
    path("sources/<slug:slug>/copy/", per_version(reference.source_copy), name="source_copy"),
    path("changes/", per_version(reference.change_list), name="change_list"),
    path("data/", per_version(about.data_dictionary), name="data_dictionary"),
    path("about/", per_version(about.about), name="about"),
    path("method/", per_version(about.method), name="method"),
    # Not kept per version: see tracker.views.embed.
    path("embed/target.svg", embed.target_badge, name="target_badge"),
    path("embed/target/", embed.target_widget, name="target_widget"),
    path("embed/countries/<slug:slug>.svg", embed.country_badge, name="country_badge"),
    path("embed/countries/<slug:slug>/", embed.country_widget, name="country_widget"),
    path("search/", per_version(search.site_search), name="search"),
    re_path(r"^changes\.(?P<fmt>csv|json)$", exports.changes_export, name="change_export"),
    re_path(r"^assessments\.(?P<fmt>csv|json)$", exports.assessments_export, name="assessment_export"),
    path("changes/feed/", per_version(reference.StatusChangeFeed()), name="change_feed"),
]
