"""Markdown from content, rendered to HTML that can only be what the content model allows.

Two lines of defence: the parser knows only the allowed rules (see markup.PROFILES) and builds every link and
citation itself from checked ids, and nh3 (the Rust `ammonia` sanitiser) then keeps only an allow-list of
tags, attributes and URL schemes. Glossary terms get their link or tooltip here, on text tokens only, so
never inside a link, a code span or an attribute.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import nh3
from markdown_it.renderer import RendererHTML

from ..model import markup
from . import tables

TAGS = {
    "inline": {"em", "strong", "a", "code", "abbr", "br", "span"},
    "prose": {"p", "em", "strong", "a", "code", "abbr", "br", "ul", "ol", "li", "span"},
    "page": {
        "p",
        "em",
        "strong",
        "a",
        "code",
        "abbr",
        "br",
        "ul",
        "ol",
        "li",
        "span",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "pre",
        "blockquote",
        "hr",
    },
}
ATTRIBUTES = {
    "a": {"href", "title", "class", "data-href"},
    "abbr": {"title"},
    "span": {"class"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
    "code": {"class"},
}
SCHEMES = {"http", "https", "mailto"}


def sanitise(fragment: str, profile: str) -> str:
    """Keep only the profile's tags, a few attributes, and http(s)/mailto or relative addresses."""
    return nh3.clean(
        fragment,
        tags=TAGS[profile],
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        link_rel=None,
        filter_style_properties={"text-align"},
        strip_comments=True,
    )


@dataclass
class Links:
    """What rendering needs to know about the rest of the site, seen from one page: where each entity lives,
    how a study is cited, and the glossary state of the page."""

    href: Callable[[str, str], str]  # (collection, id) -> relative address from this page
    label: Callable[[str, str], str]  # (collection, id) -> plain text a bare cross-link shows
    citation: Callable[[list], str]  # study ids -> HTML of an author-year citation
    page_href: Callable[[str, str], str] = lambda name, anchor: name  # a hand-written page's `x.md#a` link
    glossary: object = None  # a glossary.Glossary, or None on the glossary page itself
    glossed: set = field(default_factory=set)  # glossary ids already linked on this page
    glossary_href: Callable[[str], str] = lambda gid: gid  # the address of a glossary term from this page


class _Renderer(RendererHTML):
    """markdown-it's HTML renderer with the review's marks, its link targets and glossary terms."""

    def citation(self, tokens, idx, options, env):
        return env["links"].citation(tokens[idx].meta["ids"])

    def crosslink(self, tokens, idx, options, env):
        meta, links = tokens[idx].meta, env["links"]
        address = links.href(meta["collection"], meta["id"])
        return f'(<a href="{html.escape(address)}">{html.escape(links.label(meta["collection"], meta["id"]))}</a>)'

    def link_open(self, tokens, idx, options, env):
        href = tokens[idx].attrGet("href") or ""
        target = markup.TARGET.match(href)
        page = markup.PAGE_LINK.match(href)
        if target:
            href = env["links"].href(target.group(1), target.group(2))
        elif page:
            href = env["links"].page_href(page.group(1), (page.group(2) or "").lstrip("#"))
        env["in_link"] = env.get("in_link", 0) + 1
        title = tokens[idx].attrGet("title")
        return f'<a href="{html.escape(href)}"' + (f' title="{html.escape(title)}"' if title else "") + ">"

    def link_close(self, tokens, idx, options, env):
        env["in_link"] -= 1
        return "</a>"

    def text(self, tokens, idx, options, env):
        links = env["links"]
        if links.glossary is None or env.get("in_link"):
            return html.escape(tokens[idx].content, quote=False)
        return links.glossary.mark(tokens[idx].content, links.glossed, links.glossary_href)

    def html_inline(self, tokens, idx, options, env):  # only the renderer's own tokens: raw HTML is off in the parser
        return html.escape(tokens[idx].content, quote=False)

    html_block = html_inline


_RENDERERS = {name: _Renderer(markup.parser(profile)) for name, profile in markup.PROFILES.items()}


def render(text: str, profile: str, links: Links) -> str:
    """HTML of a Markdown field (a statement without its enclosing paragraph), sanitised."""
    stream = markup.tokens(text.strip(), profile)
    if profile == "inline" and len(stream) == 3 and stream[0].type == "paragraph_open":
        stream = stream[1:2]
    out = _RENDERERS[profile].render(list(stream), markup.PARSERS[profile].options, {"links": links})
    return sanitise(out, profile)


HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.S)


def render_page(text: str, links: Links, slug: Callable[[str], str]):
    """A hand-written page as parts: ("heading", level, text, id) for each heading (so that the engine lists it
    in the page's contents) and ("html", fragment) for what lies between."""
    out = tables.in_pattern(render(text, "page", links))
    parts: list[tuple] = []  # ("html", html) or ("heading", level, words, anchor)
    position, seen = 0, set()
    for match in HEADING.finditer(out):
        if out[position : match.start()].strip():
            parts.append(("html", out[position : match.start()].strip()))
        words = html.unescape(re.sub(r"<[^>]+>", "", match.group(2))).strip()
        anchor = base = slug(words)
        number = 1
        while anchor in seen:
            number += 1
            anchor = f"{base}-{number}"
        seen.add(anchor)
        parts.append(("heading", int(match.group(1)), words, anchor))
        position = match.end()
    if out[position:].strip():
        parts.append(("html", out[position:].strip()))
    return parts
