"""Every public page runs a fixed number of queries, whatever the amount of data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tracker.synthetic import create_synthetic

# progress = the target computation (7 queries): target, agreements, Central Asian countries,
# agreement-country pairs, sectors, agreement-sector pairs, exchange rates.
PAGES = [
    # progress (7); area mix: commitments by area and status, areas; status tallies of
    # commitments and agreements; distinct pledges; last updated: newest commitment, agreement,
    # status change; latest status changes.
    ("/", 16),
    # count; page of commitments; their countries; filter choices: areas, countries.
    ("/commitments/", 5),
    # commitment with area, chapter, proposer, main record of its pledge; countries;
    # organizations; sources; timeline; its sources; agreements served; other records of its pledge.
    ("/commitments/uz-digital-hub/", 7),
    # count; page with yen values; its party roles with parties; filter choices: countries,
    # organizations, sectors.
    ("/agreements/", 6),
    # filter country lookup, then the six above.
    ("/agreements/?country=uzbekistan&sort=-value", 7),
    # agreement with its package and yen rate with its source; party roles; their sources;
    # sectors; sources; sources of its tie to the target; commitments; timeline; timeline
    # sources; itemized parts; progress (7).
    ("/agreements/uzbekistan-solar-power-plants/", 17),
    # countries with counts; their leaders.
    ("/countries/", 2),
    # country; leaders; sources; summits hosted; progress (7); agreement ids; first agreements;
    # their party roles; agreement status tally; first commitments; commitment status tally.
    ("/countries/uzbekistan/", 17),
    # organizations with counts and home country.
    ("/organizations/", 1),
    # organization; sources; progress (7); agreement ids; first agreements; their party roles;
    # status tally; first commitments; commitment tally; its roles.
    ("/organizations/jbic/", 16),
    # areas with counts.
    ("/priority-areas/", 1),
    # area; sources; chapters; progress (7); agreement ids; first agreements; party roles;
    # status tally; first commitments; commitment tally.
    ("/priority-areas/connectivity/", 16),
    # sectors with counts.
    ("/sectors/", 1),
    # sector; progress (7); agreement ids; first agreements; party roles; status tally.
    ("/sectors/health/", 12),
    # progress (7); the target's sources; last updated (3); exchange rates with sources; figures;
    # their sources.
    ("/target/", 14),
    # mechanisms; their sources; summits with hosts; their sources; announced meetings.
    ("/dialogue/", 5),
    # sources with citation counts.
    ("/sources/", 1),
    # source; citing commitments, agreements, status changes, figures, rates, targets.
    ("/sources/summit-overview-2025-12-25/", 7),
    # latest changes with subjects; their sources.
    ("/changes/", 2),
    # latest changes with subjects.
    ("/changes/feed/", 1),
    # per batch of 2,000 (one at these sizes): commitments with area, chapter, proposer, main
    # record; countries; organizations; sources.
    ("/commitments.csv", 4),
    ("/commitments.json", 4),
    # per batch of 2,000: agreements with package; party roles; sectors; commitments; sources.
    ("/agreements.csv", 5),
    ("/agreements.json", 5),
    # per section (commitments, agreements, parties, areas, sectors, sources): count and page.
    ("/sitemap.xml", 12),
    ("/robots.txt", 0),
]


@pytest.mark.parametrize("extra_agreements", [0, 1000])
def test_page_query_counts_are_fixed(client, summit_data, settings, extra_agreements):
    settings.SHOW_SYNTHETIC_RECORDS = True  # the extra rows must reach the pages to be counted
    create_synthetic(agreements=extra_agreements, commitments=extra_agreements // 3, seed=7)
    measured = {}
    for url, _expected in PAGES:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if response.streaming:  # exports run their queries as they stream
                b"".join(response.streaming_content)
        assert response.status_code == 200, url
        measured[url] = len(queries)
    assert measured == dict(PAGES)


def test_large_data_set_really_is_large(summit_data):
    from tracker.models import Agreement

    create_synthetic(agreements=1000, commitments=10, seed=7)
    assert Agreement.objects.filter(is_synthetic=True).count() == 1000
