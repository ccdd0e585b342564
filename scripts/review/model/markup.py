"""The content markup, in one place: which Markdown a field may hold, and the review's own two marks in it.

- A citation: `[@shao2021]`, or several: `[@ly2018; @shao2021]`.
- A cross-link: `[text](@collection/id)`, or bare `(@collection/id)`, which is labelled with the target's name.

Text is parsed by markdown-it (CommonMark) with an allow-list of rules per kind of field (`PROFILES`), so
anything else (raw HTML, images, reference definitions, headings in a finding ...) is either refused by
`problems()` or, should it get through, rendered as plain text. Every pattern here is linear in its input.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
CITATION = re.compile(r"\[(@[^\[\]]{0,2000})\]")  # the ids inside; stops at the next bracket, so linear
CITED = re.compile(rf"^\s*@({SLUG})\s*$")
TARGET = re.compile(rf"^@([a-z]+)/({SLUG})$")
BARE = re.compile(r"\(@([^()\s]{1,200})\)")
MARK = re.compile(rf"@([a-z]+)/({SLUG})")  # a cross-link's target wherever it is written, rendered or not
ATTRIBUTE_LIST = re.compile(r"\{\s*[:#.][^{}\n]{0,500}\}|\{[^{}\n]{0,500}\bon[a-z]+\s*=[^{}\n]{0,500}\}")
SAFE_SCHEMES = ("http://", "https://", "mailto:")
PAGE_LINK = re.compile(rf"^({SLUG}(?:/{SLUG})?)\.md(#{SLUG})?$")  # a hand-written page's link to another page


@dataclass(frozen=True)
class Profile:
    """What one kind of field may hold: markdown-it's block and inline rules, and whether page links are allowed."""

    name: str
    block: tuple
    inline: tuple
    page_links: bool = False


INLINE_RULES = ("text", "newline", "escape", "backticks", "emphasis", "link", "autolink", "entity")
PROFILES = {
    # A finding's statement: one paragraph of text, emphasis, links and citations.
    "inline": Profile("inline", ("paragraph",), INLINE_RULES),
    # Other Markdown fields: paragraphs and lists too.
    "prose": Profile("prose", ("paragraph", "list"), INLINE_RULES),
    # Hand-written pages: headings, tables, code, quotations and links to other pages as well.
    "page": Profile(
        "page", ("paragraph", "list", "heading", "table", "fence", "code", "blockquote", "hr"), INLINE_RULES, page_links=True
    ),
}


def _citation_rule(state, silent):
    """Inline rule: `[@id; @id]` becomes one citation token with the ids in its meta."""
    if not state.src.startswith("[@", state.pos):
        return False
    match = CITATION.match(state.src, state.pos)
    if not match:
        return False
    ids = [CITED.match(part) for part in match.group(1).split(";")]
    if not all(ids):
        return False  # malformed: left as text here; problems() reports it
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"ids": [m.group(1) for m in ids]}
        token.content = match.group(0)
    state.pos = match.end()
    return True


def _bare_link_rule(state, silent):
    """Inline rule: a bare `(@collection/id)` becomes a cross-link token labelled later with the target's name.
    It runs at the `@` (markdown-it's text rule has taken the `(` already, into the pending text)."""
    if state.src[state.pos] != "@" or not state.pending.endswith("(") or state.src[state.pos - 1] != "(":
        return False
    match = BARE.match(state.src, state.pos - 1)
    if not match or not TARGET.match("@" + match.group(1)):
        return False
    if not silent:
        state.pending = state.pending[:-1]
        token = state.push("crosslink", "", 0)
        collection, _, target = match.group(1).partition("/")
        token.meta = {"collection": collection, "id": target}
        token.content = match.group(0)
    state.pos = match.end()
    return True


def _allowed_link(url: str) -> bool:
    """Links a field may hold: the web, e-mail, a cross-link, or (on hand-written pages) another page."""
    return url.startswith(SAFE_SCHEMES) or bool(TARGET.match(url)) or bool(PAGE_LINK.match(url)) or url.startswith("#")


def _as_written(url: str) -> str:
    return url


def parser(profile: Profile) -> MarkdownIt:
    """A markdown-it parser that knows only what the profile allows, plus the two marks; raw HTML off."""
    md = MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False})
    md.enable([*profile.block, *profile.inline])
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.inline.ruler.before("link", "crosslink", _bare_link_rule)
    # Targets are checked, not rewritten: `@studies/x` must stay as written. markdown-it-py's documented way to
    # change these two is to assign them (its own typing calls them methods).
    md.validateLink = _allowed_link  # type: ignore[method-assign]
    md.normalizeLink = _as_written  # type: ignore[method-assign]
    return md


PARSERS = {name: parser(profile) for name, profile in PROFILES.items()}
# Parses everything CommonMark knows, to find what a field may not hold and say so.
_FULL = MarkdownIt("commonmark", {"html": True}).enable("table")
_FULL.validateLink = lambda url: True  # type: ignore[method-assign]
_FULL.normalizeLink = _as_written  # type: ignore[method-assign]


@functools.lru_cache(maxsize=65536)
def tokens(text: str, profile: str) -> tuple:
    """markdown-it's tokens of a text under a profile (the same statement is shown on several pages: parsed once)."""
    return tuple(PARSERS[profile].parse(text, {}))


def inline_tokens(text: str, profile: str):
    """Every inline token of a text, in order."""
    for token in tokens(text, profile):
        yield from token.children or ()


def references(text: str):
    """(collection, id) of every citation and cross-link in a text, in order of appearance."""
    return iter(_references(text))


@functools.lru_cache(maxsize=65536)
def _references(text: str) -> tuple:
    """The references of a text, found once: the index, the check and every page that shows the text ask again."""
    found = []
    for token in _walk(_FULL.parse(text, {})):
        if token.type == "link_open":
            match = TARGET.match(token.attrGet("href") or "")
            if match:
                found.append((match.group(1), match.group(2)))
        elif token.type == "text":
            found.extend(_marks_in(token.content))
    return tuple(found)


def _marks_in(text: str):
    """Citations and bare cross-links written in a run of text."""
    for match in CITATION.finditer(text):
        for part in match.group(1).split(";"):
            cited = CITED.match(part)
            if cited:
                yield "studies", cited.group(1)
    for match in BARE.finditer(text):
        target = TARGET.match("@" + match.group(1))
        if target:
            yield target.group(1), target.group(2)


def cited_ids(text: str) -> list:
    """The study ids cited in a text, in order."""
    return [target for collection, target in references(text) if collection == "studies"]


def _walk(stream):
    """Tokens and their children, depth first."""
    for token in stream:
        yield token
        yield from _walk(token.children or ())


def problems(text: str, profile: str, known: dict, pages: frozenset = frozenset()):
    """Yield (snippet, message) for each thing the text may not hold, or that points nowhere. `known` is
    {collection: ids}; `pages` the names of the site's pages (for a hand-written page's `.md` links)."""
    for _, snippet, message in located(text, profile, known, pages):
        yield snippet, message


_BLOCKS = {
    "heading_open": ("heading", "headings"),
    "table_open": ("table", "tables"),
    "fence": ("fence", "code blocks"),
    "code_block": ("code", "indented code blocks"),
    "blockquote_open": ("blockquote", "quotations"),
    "hr": ("hr", "horizontal rules"),
    "bullet_list_open": ("list", "lists"),
    "ordered_list_open": ("list", "lists"),
}


def located(text: str, profile: str, known: dict, pages: frozenset = frozenset()) -> list:
    """(line, snippet, message) of each problem of a text, in the order of the text. `line` counts from 0 within
    the text (a block's first line, plus the line breaks before the problem in its paragraph), so that a message
    finds its line without searching for it: the check stays linear in the text. The text is parsed once
    (`_findings`, cached); only its references are looked up in `known` each time."""
    found = []
    for line, snippet, message in _findings(text, profile, pages):
        if isinstance(message, Target):
            found += [(line, *problem) for problem in message.unknown(snippet, known)]
        else:
            found.append((line, snippet, message))
    return found


@dataclass(frozen=True)
class Target:
    """A reference a text makes, to be looked up among the known ids; a citation names a study."""

    collection: str
    id: str
    citation: bool = False
    raw: bool = False  # a cross-link's target written where nothing renders it: a problem if it names a collection

    def unknown(self, snippet: str, known: dict):
        """(snippet, message) if the reference points nowhere among `known` (or, raw, would show as raw text)."""
        if self.raw:
            if self.collection in known:
                yield snippet, unrendered(snippet)
        elif self.citation:
            if self.id not in known.get("studies", ()):
                yield snippet, ("studies", self.id)
        else:
            yield from _unknown_target(snippet, self.collection, self.id, known)


@functools.lru_cache(maxsize=65536)
def _findings(text: str, profile: str, pages: frozenset) -> tuple:
    """What a text holds that located() reports, in the order of the text: (line, snippet, message), with a Target
    as the message of each reference."""
    allowed = PROFILES[profile]
    env: dict = {}
    stream = _FULL.parse(text, env)
    lines = text.split("\n")

    def at(line: int) -> str:
        return lines[line].strip() if line < len(lines) else text

    found = [
        (
            (definition.get("map") or [0])[0],
            at((definition.get("map") or [0])[0]),
            "reference-style link definitions are not allowed; write the link in place: [text](https://…)",
        )
        for definition in env.get("references", {}).values()
    ]
    for token, line in _walk_lines(stream):
        block = _BLOCKS.get(token.type)
        if block and block[0] not in allowed.block:
            found.append((line, at(line), f"{block[1]} are not allowed in this field"))
        elif token.type in ("html_inline", "html_block"):
            found.append(
                (line, token.content.strip()[:40], "raw HTML is not allowed; write Markdown (it is shown as text, never run)")
            )
        elif token.type == "image":
            found.append((line, "![", "images are not allowed (they would load from another site in every reader's browser)"))
        elif token.type == "link_open":
            found += [(line, *problem) for problem in _link_problems(token.attrGet("href") or "", allowed, pages)]
        elif token.type == "text":
            found += [(line, *problem) for problem in _text_problems(token.content)]
    found.sort(key=lambda item: item[0])  # stable: the order within a line is the text's
    return tuple(found)


def headings(text: str) -> list[tuple[int, str]]:
    """(line from 0, words) of each heading of a hand-written page, as its reader sees them."""
    stream = tokens(text, "page")
    return [
        (token.map[0] if token.map else 0, plain(stream[i + 1].content, "page"))
        for i, token in enumerate(stream)
        if token.type == "heading_open" and i + 1 < len(stream)
    ]


def _walk_lines(stream):
    """(token, line) of every token, child and grandchild (an image's text): a block's first line, and within a
    paragraph the line breaks passed so far."""
    for token in stream:
        line = token.map[0] if token.map else 0
        yield token, line
        for child in token.children or ():
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            yield child, line
            for grandchild in child.children or ():
                yield grandchild, line


def _link_problems(href: str, allowed: Profile, pages: frozenset):
    """(snippet, message) for a link's target, if it is one the field may not hold, or a Target to look up."""
    target = TARGET.match(href)
    if target:
        yield href, Target(target.group(1), target.group(2))
    elif (page_link := PAGE_LINK.match(href)) and allowed.page_links:
        name = page_link.group(1)
        if name not in pages and name.removesuffix("/index") not in pages:
            yield href, f"link to `{href}`: no such page"
    elif href.startswith("#") and allowed.page_links:
        return
    elif not href.startswith(SAFE_SCHEMES):
        scheme = href.split(":", 1)[0] + ":" if ":" in href else href
        yield href, f"link target `{scheme}` is not allowed; use http, https or mailto, or (@collection/id)"


def _text_problems(text: str):
    """Problems with the marks, and attribute lists, in a run of text, in the order they are written (a message is
    text, or a Target for a reference to look up)."""
    found: list[tuple[int, str, str | Target]] = []
    for match in CITATION.finditer(text):
        for part in match.group(1).split(";"):
            cited = CITED.match(part)
            if not cited:
                found.append(
                    (match.start(), match.group(0), f"citation `{match.group(0)[:60]}` is malformed: write [@id] or [@id; @id]")
                )
                break
            found.append((match.start(), match.group(0), Target("studies", cited.group(1), citation=True)))
    for match in BARE.finditer(text):
        target = TARGET.match("@" + match.group(1))
        if not target:
            found.append((match.start(), match.group(0), f"link `{match.group(0)[:60]}` is malformed: write (@collection/id)"))
        else:
            found.append((match.start(), "@" + match.group(1), Target(target.group(1), target.group(2))))
    rendered = [m.span() for m in BARE.finditer(text) if TARGET.match("@" + m.group(1))]
    for match in MARK.finditer(text):
        if not any(start <= match.start() < end for start, end in rendered):
            found.append((match.start(), match.group(0), Target(match.group(1), match.group(2), raw=True)))
    for match in ATTRIBUTE_LIST.finditer(text):
        found.append((match.start(), match.group(0), "attribute lists (`{: …}`, `{ #id }`, `{ onclick=… }`) are not allowed"))
    found.sort(key=lambda item: item[0])
    for _, snippet, message in found:
        yield snippet, message


def unrendered(mark: str) -> str:
    """The message for a cross-link written where it would show as raw text."""
    return (
        f"cross-link `{mark}` would show as raw text: write one target per pair of parentheses, ({mark}), "
        f"or a link, [text]({mark})"
    )


def raw_marks(text: str, collections) -> list[str]:
    """Citations and cross-link targets written in a plain-text field, where nothing renders them."""
    marks = [m.group(0) for m in CITATION.finditer(text) if all(CITED.match(p) for p in m.group(1).split(";"))]
    return marks + [m.group(0) for m in MARK.finditer(text) if m.group(1) in collections]


def _unknown_target(href, collection, target, known):
    """A (snippet, message) for a cross-link to nothing, with the unknown collection or id."""
    if collection not in known:
        yield href, ("collection", collection)
    elif target not in known[collection]:
        yield href, (collection, target)


def plain(text: str, profile: str = "prose", headings: bool = True) -> str:
    """A Markdown text reduced to its words: citations dropped, links reduced to their text, marks gone, one space
    between blocks (paragraphs, list items, headings; `headings=False` leaves the headings out)."""
    words = []
    heading = False
    for block in tokens(text, profile):
        if block.type in ("heading_open", "heading_close"):
            heading = block.type == "heading_open"
        if block.type != "inline" or (heading and not headings):
            continue
        for token in block.children or ():
            if token.type in ("text", "code_inline"):
                words.append(token.content)
            elif token.type in ("softbreak", "hardbreak"):
                words.append(" ")
        words.append(" ")
    joined = " ".join("".join(words).split())
    return re.sub(r"\s+([.,;:])", r"\1", joined)


def new_token(kind: str, content: str = "") -> Token:
    """A token for the renderer (used to put prepared HTML among the parsed tokens)."""
    token = Token(kind, "", 0)
    token.content = content
    return token
