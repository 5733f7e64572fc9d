"""Generated query strings and headers, thousands of them, against every public list, filter and
export: the answer is always 200, 400 or 404, never a server error."""

import os
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_public_pages import content

URLS = [
    "/agreements/",
    "/commitments/",
    "/agreements.csv",
    "/agreements.json",
    "/commitments.csv",
    "/commitments.json",
    "/changes/feed/",
]
FILTERS = [
    "q",
    "country",
    "organization",
    "sector",
    "instrument",
    "status",
    "year",
    "min_yen",
    "max_yen",
    "target_link",
    "sort",
    "page",
    "priority_area",
    "origin",
]
KNOWN_VALUES = ["uzbekistan", "signed", "reported", "-value", "date", "2025", "1e400", "NaN", "-1", "0", ""]
# Any text a URL can carry (no lone surrogates, which no client can encode).
TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40)
VALUES = st.one_of(
    TEXT,
    st.sampled_from(KNOWN_VALUES),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
QUERIES = st.lists(st.tuples(st.one_of(st.sampled_from(FILTERS), TEXT), VALUES), max_size=6)
# A WSGI server hands header values over as latin-1 text: any byte, but nothing beyond.
HEADER_TEXT = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=60)
HEADERS = st.dictionaries(
    st.sampled_from(
        ["HTTP_ACCEPT", "HTTP_ACCEPT_LANGUAGE", "HTTP_REFERER", "HTTP_USER_AGENT", "HTTP_COOKIE", "HTTP_HOST"]
    ),
    HEADER_TEXT,
    max_size=3,
)
# 10,000 requests in all; set HOSTILE_EXAMPLES lower for a quick local run.
EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "10000"))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(url=st.sampled_from(URLS), query=QUERIES, headers=HEADERS)
def test_generated_requests_never_cause_a_server_error(client, summit_data, url, query, headers):
    response = client.get(f"{url}?{urlencode(query)}", **headers)
    body = content(response)  # a streamed export fails, if it fails, while it is read
    assert response.status_code in (200, 400, 404), (url, query, headers, response.status_code)
    if response.status_code == 400 and url.endswith((".csv", ".json")):
        assert b"invalid filter" in body or b"Bad Request" in body
