"""Reading pages as a reader does: their words, and the counts their links promise."""

import re
from html import unescape

# A link to a filtered list whose text gives a count (not a yen figure): "<strong>53</strong> ...", "3".
COUNT_LINK = re.compile(
    r'<a href="(/(?:commitments|agreements)/\?[^"]+)">[^<¥]*?(?:<strong>)?(\d+)(?:</strong>)?[\s<]'
)


def text_of(html):
    """The page's words, one space apart, without a space before punctuation that a tag left."""
    words = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r" ([,.:;)])", r"\1", words)


def follow_count_links(client, html):
    """Follow every link whose text is a count to a filtered list, check the list holds exactly
    that many records, and return the addresses followed."""
    followed = set()
    for href, number in COUNT_LINK.findall(html):
        listed = text_of(client.get(unescape(href)).content.decode())
        noun = "commitment" if href.startswith("/commitments/") else "agreement"
        count = re.search(rf"(\d+) {noun}s?\b", listed)
        assert count and count.group(1) == number, f"{href}: the link says {number}"
        followed.add(unescape(href))
    return followed
