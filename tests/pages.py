"""Reading pages as a reader does: their words, their first sentence, what a figure is read with,
and the counts their links promise."""

import re
from html import unescape
from html.parser import HTMLParser

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


def first_sentence(html, after="</h1>"):
    """The first sentence a reader meets after `after` (the page's title by default), headings and
    navigation left out: they are not sentences."""
    body = html.split(after, 1)[1]
    body = re.sub(r"<(h[1-6]|nav|title)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r"</?(a|abbr|b|em|i|small|span|strong|time)\b[^>]*>", "", body)  # inline: no space
    words = text_of(body)
    match = re.match(r"(.+?(?:。|\.(?=\s|$)))", words)
    return match.group(1) if match else words


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
BLOCKS = {
    "p", "li", "dt", "dd", "td", "th", "caption", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6",
    "title", "desc", "text", "option", "label", "legend", "summary", "textarea",
}  # fmt: skip


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def text(self):
        return " ".join(
            " ".join((child if isinstance(child, str) else child.text()).split()) for child in self.children
        ).strip()


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#root", (), None)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def tree(markup):
    """A page (or an SVG) as a tree of nodes, read the way a browser nests them."""
    builder = _TreeBuilder()
    builder.feed(markup)
    return builder.root


def texts_with(root, words):
    """Every text node holding `words`, with the node it sits in."""
    found, stack, words = [], [root], " ".join(words.split())  # no-break spaces read as spaces
    while stack:
        node = stack.pop()
        for child in node.children:
            if isinstance(child, str):
                if words in " ".join(child.split()):
                    found.append(node)
            else:
                stack.append(child)
    return found


def reading_context(node):
    """What a reader reads a figure with: its sentence or cell, and a cell's column header."""
    while node.parent is not None and node.tag not in BLOCKS:
        node = node.parent
    context = [node.text()]
    if node.tag in ("td", "th") and node.parent is not None:
        row = node.parent
        cells = [child for child in row.children if not isinstance(child, str) and child.tag in ("td", "th")]
        column = cells.index(node)
        table = row
        while table.parent is not None and table.tag != "table":
            table = table.parent
        header_rows = [
            child
            for part in table.children
            if not isinstance(part, str) and part.tag == "thead"
            for child in part.children
            if not isinstance(child, str) and child.tag == "tr"
        ]
        for header_row in header_rows:
            headers = [c for c in header_row.children if not isinstance(c, str) and c.tag in ("td", "th")]
            if column < len(headers):
                context.append(headers[column].text())
        context.append(node.attrs.get("data-label", ""))
    return " ".join(context)


LATIN_LETTERS = re.compile(r"[A-Za-z]")
# What counts as neither English nor a translation: web addresses, acronyms (JICA, USD) and the
# name of the feed format, which every language writes in Latin letters.
NAMES = re.compile(r"https?://\S+|(?<![A-Za-z])(?:[A-Z][A-Z0-9+&.\-]*[A-Z0-9]|[A-Z]|Atom)(?![A-Za-z])")
SKIPPED = {"script", "style", "code", "head", "svg", "textarea", "pre"}


def visible_texts(markup):
    """(text, marked) for each run of a page's visible text: marked where it sits inside an element
    marked lang="en" or translate="no"; names that are neither English nor translated left out."""
    found = []

    def visit(node, marked):
        if node.tag in SKIPPED:
            return
        marked = marked or node.attrs.get("lang", "").startswith("en") or node.attrs.get("translate") == "no"
        for child in node.children:
            if isinstance(child, str):
                found.append((NAMES.sub("", child), marked))
            else:
                visit(child, marked)

    visit(tree(markup), False)
    return found


def english_letters(markup):
    """(unmarked, marked, all) visible letters of a page: Latin letters a reader meets outside any
    element marked lang="en" or translate="no", those inside one, and every letter (any script).
    Acronyms (JICA, CA+JAD, USD) and web addresses count as neither."""
    counts = {"unmarked": 0, "marked": 0, "all": 0}
    for text, marked in visible_texts(markup):
        counts["all"] += sum(char.isalpha() for char in text)
        counts["marked" if marked else "unmarked"] += len(LATIN_LETTERS.findall(text))
    return counts["unmarked"], counts["marked"], counts["all"]


def unmarked_english_words(markup):
    """The Latin-letter words of a page outside any element marked lang="en" or translate="no",
    acronyms aside: what a Japanese or Russian reader meets unannounced."""
    return [
        word
        for text, marked in visible_texts(markup)
        if not marked
        for word in re.findall(r"[A-Za-z][A-Za-z'\-]+", text)
    ]
