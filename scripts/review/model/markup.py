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
    {collection: ids}; `pages` the names of the site's pages (for a hand-written page's `.md` links). The text is
    parsed once (`_findings`, cached); only its references are looked up in `known` each time."""
    for snippet, message in _findings(text, profile, pages):
        if isinstance(message, Target):
            yield from _unknown_target(snippet, message.collection, message.id, known)
        else:
            yield snippet, message


@dataclass(frozen=True)
class Target:
    """A reference a text makes, to be looked up among the known ids."""

    collection: str
    id: str


@functools.lru_cache(maxsize=65536)
def _findings(text: str, profile: str, pages: frozenset) -> tuple:
    """What a text holds that problems() reports: (snippet, message), or (snippet, Target) for a reference."""
    return tuple(_syntax(text, profile, pages))


def _syntax(text: str, profile: str, pages: frozenset):
    allowed = PROFILES[profile]
    env: dict = {}
    stream = _FULL.parse(text, env)
    lines = text.split("\n")
    for definition in env.get("references", {}).values():
        first = (definition.get("map") or [0])[0]
        yield (
            lines[first].strip() if first < len(lines) else text,
            ("reference-style link definitions are not allowed; write the link in place: [text](https://…)"),
        )
    block_names = {
        "heading_open": "heading",
        "table_open": "table",
        "fence": "fence",
        "code_block": "code",
        "blockquote_open": "blockquote",
        "hr": "hr",
        "bullet_list_open": "list",
        "ordered_list_open": "list",
    }
    for token in _walk(stream):
        kind = block_names.get(token.type)
        if kind and kind not in allowed.block:
            what = {
                "heading": "headings",
                "table": "tables",
                "fence": "code blocks",
                "code": "indented code blocks",
                "blockquote": "quotations",
                "hr": "horizontal rules",
                "list": "lists",
            }[kind]
            first = (token.map or [0])[0]
            yield lines[first].strip() if first < len(lines) else text, f"{what} are not allowed in this field"
        elif token.type in ("html_inline", "html_block"):
            yield token.content.strip()[:40], "raw HTML is not allowed; write Markdown (it is shown as text, never run)"
        elif token.type == "image":
            yield "![", "images are not allowed (they would load from another site in every reader's browser)"
        elif token.type == "link_open":
            href = token.attrGet("href") or ""
            target = TARGET.match(href)
            if target:
                yield href, Target(target.group(1), target.group(2))
            elif (page_link := PAGE_LINK.match(href)) and allowed.page_links:
                name = page_link.group(1)
                if name not in pages and name.removesuffix("/index") not in pages:
                    yield href, f"link to `{href}`: no such page"
            elif href.startswith("#") and allowed.page_links:
                continue
            elif not href.startswith(SAFE_SCHEMES):
                scheme = href.split(":", 1)[0] + ":" if ":" in href else href
                yield href, f"link target `{scheme}` is not allowed; use http, https or mailto, or (@collection/id)"
        elif token.type == "text":
            yield from _text_problems(token.content)


def _text_problems(text: str):
    """Problems with the marks, and attribute lists, in a run of text."""
    for match in CITATION.finditer(text):
        for part in match.group(1).split(";"):
            cited = CITED.match(part)
            if not cited:
                yield match.group(0), f"citation `{match.group(0)[:60]}` is malformed: write [@id] or [@id; @id]"
                break
            yield match.group(0), Target("studies", cited.group(1))
    for match in BARE.finditer(text):
        target = TARGET.match("@" + match.group(1))
        if not target:
            yield match.group(0), f"link `{match.group(0)[:60]}` is malformed: write (@collection/id)"
        else:
            yield "@" + match.group(1), Target(target.group(1), target.group(2))
    for match in ATTRIBUTE_LIST.finditer(text):
        yield match.group(0), "attribute lists (`{: …}`, `{ #id }`, `{ onclick=… }`) are not allowed"


def _unknown_target(href, collection, target, known):
    """A (snippet, message) for a cross-link to nothing, with the unknown collection or id."""
    if collection not in known:
        yield href, ("collection", collection)
    elif target not in known[collection]:
        yield href, (collection, target)


def plain(text: str, profile: str = "prose") -> str:
    """A Markdown text reduced to its words: citations dropped, links reduced to their text, marks gone."""
    words = []
    for token in inline_tokens(text, profile):
        if token.type in ("text", "code_inline"):
            words.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            words.append(" ")
    joined = " ".join("".join(words).split())
    return re.sub(r"\s+([.,;:])", r"\1", joined)


def new_token(kind: str, content: str = "") -> Token:
    """A token for the renderer (used to put prepared HTML among the parsed tokens)."""
    token = Token(kind, "", 0)
    token.content = content
    return token
