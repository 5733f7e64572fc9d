"""Japanese punctuation in Japanese sentences, whatever template, message or record wrote them.

Templates join translated pieces with ASCII punctuation (“name (short name)”, “label: 3”, “a, b”,
a sentence's closing “.”), and a Japanese sentence must read “名称（略称）”, “ラベル：3”, “a、b”,
“…。”. Rather than a tag at each of hundreds of joints, the page's Japanese text is set once, on
the finished page: only text (never a tag, an attribute, code, a form's text or anything marked
lang="en" or translate="no"), and only punctuation that touches Japanese.
"""

import re

from django.utils.translation import get_language

# Kana, kanji, full-width forms and Japanese marks; "…" ends a shortened Japanese title.
JAPANESE = "\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e\u3000-\u303f\u2026"
TOKEN = re.compile(r"(<!--.*?-->|<[^>]+>)", re.S)
# Elements whose text is never Japanese prose: what they hold is copied, run or typed as it is.
VERBATIM = {"script", "style", "code", "pre", "textarea", "kbd", "samp"}
OPENING = re.compile(r"^<\s*([a-zA-Z][a-zA-Z0-9]*)([^>]*)>$", re.S)
CLOSING = re.compile(r"^<\s*/\s*([a-zA-Z][a-zA-Z0-9]*)\s*>$")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
NOT_JAPANESE = re.compile(r"""\blang\s*=\s*(?!["']?ja)|\btranslate\s*=\s*["']?no""")

JA = f"[{JAPANESE}]"
COMMA = re.compile(rf"(?<={JA}),\s*|,\s*(?={JA})")
COLON = re.compile(rf"(?<={JA})\s*:\s*")
SEMICOLON = re.compile(rf"(?<={JA});\s*|;\s*(?={JA})")
FULL_STOP = re.compile(rf"(?<=[{JAPANESE}）」])\.(?=\s|$)")
ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]*|#[0-9]+|#[xX][0-9a-fA-F]+);")
JAPANESE_MARKS = "、。：；（）"
PUNCTUATION = re.compile(r"[,:;.()\s]")
SPACE_AFTER = re.compile(r"(?<=[、。：；（）「」])[ \t]+")
SPACE_BEFORE_OPENING = re.compile(rf"(?<={JA})[ \t]+(?=（)")


def set_japanese(html):
    """`html` with the punctuation of its Japanese text made Japanese."""
    pieces = TOKEN.split(html)
    stack = []  # open elements: (name, whether its text is left as it is)
    parens = []  # for each "(" met in Japanese text: whether it became "（"
    previous = ""  # the text just before, across inline tags, to judge a mark at a piece's start
    previous_index = None
    for index, piece in enumerate(pieces):
        if index % 2:  # a tag
            opening, closing = OPENING.match(piece), CLOSING.match(piece)
            if closing:
                name = closing.group(1).lower()
                while stack:
                    if stack.pop()[0] == name:
                        break
            elif opening and not piece.endswith("/>"):
                name = opening.group(1).lower()
                if name not in VOID:
                    kept = name in VERBATIM or bool(NOT_JAPANESE.search(opening.group(2)))
                    stack.append((name, kept or (stack[-1][1] if stack else False)))
            continue
        if not piece or (stack and stack[-1][1]):
            if piece.strip():
                previous = piece
            continue
        pieces[index] = piece = set_text(piece, previous, parens)
        if previous_index is not None and piece[:1] in JAPANESE_MARKS:
            pieces[previous_index] = pieces[previous_index].rstrip(" \t")  # "受入国 （" → "受入国（"
        if piece.strip():
            previous, previous_index = piece, index
    return "".join(pieces)


# What the rules below can change in a text: its ASCII punctuation, a space after a Japanese mark,
# a leading space (after a mark, or after Japanese, which set_marks reads as a list's "、"), or
# leading white space after a comma or a semicolon that ends the text before.
MARKS_OR_PUNCTUATION = re.compile(r"[,:;.()、。：；（）「」]")


def untouched(text, previous):
    """Whether no rule can change `text`: most of a page's, the lines between its tags."""
    if text[:1] in (" ", "\t") or MARKS_OR_PUNCTUATION.search(text):
        return False
    return not (text[:1].isspace() and previous[-1:] in (",", ";"))


def set_text(text, previous, parens):
    if untouched(text, previous):
        return text
    if not PUNCTUATION.search(text):
        return text
    # A character reference ("&nbsp;", "&#x27;") is not punctuation: set the text around it.
    references = ENTITY.findall(text)
    if references:
        text = ENTITY.sub("\x00", text)
        text = set_marks(text, previous, parens)
        for reference in references:
            text = text.replace("\x00", reference, 1)
        return text
    return set_marks(text, previous, parens)


def set_marks(text, previous, parens):
    # The last character before (across inline tags) decides whether a leading mark touches Japanese.
    context = previous[-1:] or " "
    if context.isalnum() and re.search(JA, previous[-12:]) and text.lstrip()[:1] in ",;:":
        context = "、"  # "出典 1</a>, <a…>出典 2": a list in a Japanese sentence
    text = set_parentheses(text, previous, parens)
    if not re.search(JA, context + text):
        return text
    text = context + text
    text = COMMA.sub("、", text)
    text = COLON.sub("：", text)
    text = SEMICOLON.sub("；", text)
    text = FULL_STOP.sub("。", text)
    text = SPACE_BEFORE_OPENING.sub("", text)
    return SPACE_AFTER.sub("", text)[1:]


def set_parentheses(text, previous, parens):
    """“(” after Japanese opens “（”; its own “)” closes “）”; English parentheses stay."""
    if "(" not in text and ")" not in text:
        return text
    out = []
    for position, char in enumerate(text):
        if char == "(":
            before = (previous + "".join(out)).rstrip()
            after = text[position + 1 : position + 2]
            japanese = bool(re.match(JA, before[-1:] or " ")) or bool(re.match(JA, after or " "))
            parens.append(japanese)
            if japanese:
                while out and out[-1] in " \t":
                    out.pop()
                out.append("（")
                continue
        elif char == ")" and parens and parens.pop():
            out.append("）")
            continue
        out.append(char)
    return "".join(out)


def typeset(response):
    """A Japanese page's response with its punctuation set, once (a cached page keeps it)."""
    if (
        not getattr(response, "typeset", False)
        and (response.get("Content-Language") or get_language() or "").startswith("ja")
        and response.get("Content-Type", "").startswith("text/html")
        and not response.streaming
        and response.status_code == 200
    ):
        response.content = set_japanese(response.content.decode()).encode()
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
    response.typeset = True
    return response


class JapanesePunctuationMiddleware:
    """Sets the punctuation of Japanese pages no cache has set yet (tracker.freshness sets the
    cached pages' once, before keeping them). The admin is Django's and left as it is."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "/admin/" in request.path:
            return response
        return typeset(response)
