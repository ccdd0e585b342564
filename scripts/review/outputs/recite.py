"""An old edition's citation apparatus, refreshed when the edition is installed into the site.

An edition is frozen: built from its own commit with its own code, and never rebuilt. Its text stays as it was, but
what tells a reference manager what a page is came from the code of its day, which some clients misread (0.1.0
put a COinS span on every cited work, so that Zotero offered a list of them instead of the page, and gave its group
author as a name that Zotero split in two). So when `review site` installs an edition, each of its pages gets the
current citation hub's apparatus (works.py, metadata.py, templates/pages/_cite.html.j2), made from the page's own
facts in that edition: its title and description as the page gives them, its address in the edition, the edition's
version and release date, and the review's title and authors as the edition's own content/site.yaml gave them
(recorded in the edition's manifest, `review`). Exactly these are replaced, and nothing else:

- every COinS span (`span.Z3988`), by the one span that describes the page (in its cite box);
- the page's own Highwire tags (`citation_*`), where the page has them; its `citation_reference` tags are kept
  (re-escaped where a value breaks the Highwire grammar);
- the citation fields of its JSON-LD (author, url, version, datePublished, dateModified);
- the contents of its cite box (`.cite-box`): the APA reference, in-text form, BibTeX, RIS and CSL-JSON of the
  page, and on a study page first those of the paper itself (its CSL item from the edition's references.json).

The rest of the page is left byte for byte as it is, and refreshing a refreshed page changes nothing.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import escape

from . import addresses, metadata, works
from .editions import edition_url, manifest_name
from .render import environment

# ------------------------------------------------------------------------------------------------ reading a page

# A start tag, its attribute values quoted or not (a quoted value may hold `>`).
_ATTRIBUTES = r"""(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?>"""
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
META = re.compile(r"<meta" + _ATTRIBUTES, re.I)
TITLE = re.compile(r"<title>(.*?)</title>", re.S | re.I)
JSON_LD = re.compile(r'(<script type="application/ld\+json">)(.*?)(</script>)', re.S)
SPAN = re.compile(r"<span" + _ATTRIBUTES + r"\s*</span>", re.I)
DIV = re.compile(r"<div" + _ATTRIBUTES, re.I)
DIV_EDGE = re.compile(r"<div\b|</div\s*>", re.I)
SEARCH_ANCHOR = 'id="search"'


def attributes(tag: str) -> dict[str, str]:
    """The attributes of a start tag, their values unescaped (`<meta name="a" content="b &amp; c">`)."""
    inner = re.sub(r"^<\w+|/?>$", "", tag)
    found: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(inner):
        value = next((v for v in match.groups()[1:] if v is not None), "")
        found.setdefault(match.group(1).lower(), html.unescape(value))
    return found


def _classes(tag: str) -> list[str]:
    return attributes(tag).get("class", "").split()


def _meta(text: str) -> Iterator[tuple[re.Match, dict[str, str]]]:
    for match in META.finditer(text):
        yield match, attributes(match.group(0))


def _boxes(text: str) -> list[tuple[int, int, int, int, list[str]]]:
    """The page's cite boxes, outermost only, in order: (start, inner start, inner end, end, classes)."""
    found: list[tuple[int, int, int, int, list[str]]] = []
    position = 0
    while True:
        match = next((m for m in DIV.finditer(text, position) if "cite-box" in _classes(m.group(0))), None)
        if match is None:
            return found
        depth, inner = 1, match.end()
        for edge in DIV_EDGE.finditer(text, inner):
            depth += -1 if edge.group(0).startswith("</") else 1
            if depth == 0:
                found.append((match.start(), inner, edge.start(), edge.end(), _classes(match.group(0))))
                position = edge.end()
                break
        else:
            return found  # an unclosed box: left as it is


# ------------------------------------------------------------------------------------------------ an edition


@dataclass(frozen=True)
class Edition:
    """An installed edition, as the citations of its pages need it."""

    version: str
    date: str  # its release's date (the changelog's), YYYY-MM-DD
    url: str  # its permanent address, `<site>/editions/<version>/`
    info: dict  # the review as the edition's own content describes it (manifest `review`: title, authors, publisher)
    cited: dict[str, dict]  # the CSL items of the works it cites, by id (its own references.json)

    @property
    def current_to(self) -> str:
        """The date up to which its evidence was searched ("" where the edition does not say)."""
        return str(self.info.get("current_to") or "")

    @cached_property
    def bibliography(self) -> works.Bibliography:
        return works.Bibliography.of_items(self.cited)


@dataclass(frozen=True)
class Place:
    """Where a page of an edition is, within the site it is installed in."""

    name: str  # the page's name, as a manifest writes it: `mechanisms/neuroplasticity`, `index`
    living: str = ""  # its address in the current site ("" when the current site no longer has it)
    changelog_href: str = ""  # the link to the current changelog page, which names every release
    search_href: str = ""  # the link to the edition's own account of its search ("" where it has none)
    editions: tuple[tuple[str, str], ...] = ()  # (version, link) of each edition in the site that has the page
    first_date: str = ""  # the date of the oldest of those: when the page was first published

    @property
    def path(self) -> str:
        """The page's address relative to its edition (`mechanisms/neuroplasticity/`, `` for the home page)."""
        return "" if self.name == "index" else self.name + "/"


def page_name(relative: str) -> str:
    """A page's name from its file in an edition: `mechanisms/neuroplasticity/index.html` (or, offline,
    `mechanisms/neuroplasticity.html`) -> `mechanisms/neuroplasticity`; `index.html` -> `index`."""
    return manifest_name(relative.removesuffix(".html") + ".md")


# ------------------------------------------------------------------------------------------------ the facts


@dataclass(frozen=True)
class Facts:
    """What a page of an edition says of itself: its title and description, and what kind of page it is."""

    title: str
    description: str
    whole: bool  # the home page: the review itself
    study: str | None  # a study page: the id of the paper


def facts(text: str, edition: Edition, place: Place) -> Facts:
    """A page's own facts in its edition: its title (its `citation_title`, else its `<title>` less the site name),
    its meta description, and whether it is the home page or a study's page."""
    title = ""
    description = ""
    for _, attrs in _meta(text):
        if attrs.get("name") == "citation_title" and not title:
            title = attrs.get("content", "")
        elif attrs.get("name") == "description" and not description:
            description = attrs.get("content", "")
    if not title:
        found = TITLE.search(text)
        title = " ".join(html.unescape(found.group(1)).split()) if found else ""
        title = title.removesuffix(" - " + edition.info["title"]) if title != edition.info["title"] else title
    whole = place.name == "index"
    sid = place.name.removeprefix("studies/")
    study = sid if place.name.startswith("studies/") and sid in edition.cited else None
    return Facts(edition.info["title"] if whole else title, " ".join(description.split()), whole, study)


def citation(edition: Edition, place: Place, page: Facts) -> dict:
    """The page's citation in every format, as metadata.page_cite makes a current page's, for its edition."""
    release = {"version": edition.version, "date": edition.date}
    key = metadata.page_key(edition.info, edition.date[:4], place.name, page.whole)
    url = edition.url + place.path
    item = works.page_item(key, edition.info, page.title, url, release, page.description, page.whole, edition.current_to)
    return metadata.page_formats(item) | {
        "current_to": edition.current_to,
        "living": place.living,
        "editions": [version for version, _ in place.editions],
        "url": url,
        "release": release,
        "frozen": True,  # dated by its edition's release
    }


# ------------------------------------------------------------------------------------------------ the apparatus


def cite_boxes(templates: jinja2.Environment, edition: Edition, place: Place, cite: dict, study: str | None) -> str:
    """The contents of the cite box: the page's citation box (_cite.html.j2 `page_box`); on a study page, the
    paper's own box first (`work_box`), each in a box of its own inside the page's one."""
    module: Any = templates.get_template("_cite.html.j2").module
    links = dict(place.editions)
    page_box = str(module.page_box(cite, place.search_href, place.changelog_href, lambda version: links[version]))
    if study is None:
        return "\n" + page_box
    work = metadata.work_formats(edition.bibliography, study)
    return (
        '\n<div class="cite-box cite-box--work">\n'
        + str(module.work_box(work))
        + '</div>\n<div class="cite-box">\n'
        + page_box
        + "</div>\n"
    )


def _meta_tag(name: str, content: str) -> str:
    """A meta tag as the theme writes it (main.html: `{{ content | e }}`)."""
    return f'<meta name="{escape(name)}" content="{escape(content)}">'


def reference_tag(tag: str, content: str) -> str:
    """A `citation_reference` tag, re-escaped only where a value breaks the Highwire grammar (a `;` or a line
    break in a value, which readers split at): the tag itself otherwise."""
    parts = re.split(r";\s*(?=citation_[a-z_]+=)", content)
    fixed = []
    for part in parts:
        field, _, value = part.partition("=")
        fixed.append(f"{field}={works.meta_doi(value.strip()) if field == 'citation_doi' else works.meta_value(value)}")
    again = "; ".join(fixed)
    return (
        tag
        if again == "; ".join(part.strip() for part in parts) and ";" not in "".join(fixed)
        else _meta_tag("citation_reference", again)
    )


def _jsonld(block: str, cite: dict, place: Place, edition: Edition) -> str:
    """The page's JSON-LD with its citation fields as the page's citation gives them: its authors, address,
    version and dates (the whole block, where the edition's would not parse)."""
    item = cite["item"]
    try:
        data = json.loads(block)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        data = {"@context": "https://schema.org", "@type": "WebPage", "name": item["title"], "inLanguage": "en"}
    data |= {
        "author": [works.schema_person(name) for name in works.names(item)],
        "url": item["URL"],
        "version": edition.version,
        "datePublished": place.first_date or edition.date,
        "dateModified": metadata.item_date(item),
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")


def refresh(text: str, edition: Edition, place: Place, templates: jinja2.Environment) -> str:
    """A page of an edition with its citation apparatus made by the current citation hub from its own facts (see
    the module's docstring); a page with no apparatus at all (the 404 page) is returned as it is."""
    boxes = _boxes(text)
    spans = [m for m in SPAN.finditer(text) if "Z3988" in _classes(m.group(0))]
    metas = [(m, a) for m, a in _meta(text) if a.get("name", "").startswith("citation_")]
    blocks = list(JSON_LD.finditer(text))
    if not (boxes or spans or metas or blocks):
        return text
    page = facts(text, edition, place)
    cite = citation(edition, place, page)
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), none overlapping
    coins = f'<span class="Z3988" title="{escape(cite["coins"])}"></span>'
    work_box = next((b for b in boxes if "cite-box--work" in b[4]), None)
    page_boxes = [b for b in boxes if "cite-box--work" not in b[4]]
    if page_boxes:
        _, inner, end, _, _ = page_boxes[0]
        study = page.study if work_box is None else None  # a study page of the current kind has its own paper box
        edits.append((inner, end, cite_boxes(templates, edition, place, cite, study)))
    if work_box is not None and page.study is not None:
        module: Any = templates.get_template("_cite.html.j2").module
        edits.append(
            (work_box[1], work_box[2], "\n" + str(module.work_box(metadata.work_formats(edition.bibliography, page.study))))
        )
    inside = [(b[0], b[3]) for b in boxes]
    outside = [m for m in spans if not any(start <= m.start() < end for start, end in inside)]
    for n, span in enumerate(outside):
        edits.append((span.start(), span.end(), coins if n == 0 and not page_boxes else ""))
    own = [m for m, a in metas if a["name"] != "citation_reference"]
    if own:
        first = own[0]
        sep = re.search(r"\s*$", text[: first.start()])
        gap = sep.group(0) if sep else ""  # kept before the first tag; the others each on a line of its indent
        between = "\n" + gap.rsplit("\n", 1)[1] if "\n" in gap else gap
        tags = metadata.highwire(cite["item"], [], page.description)
        for n, match in enumerate(own):
            start = match.start() - len(re.search(r"\s*$", text[: match.start()]).group(0))  # type: ignore[union-attr]
            new = gap + between.join(_meta_tag(name, value) for name, value in tags) if n == 0 else ""
            edits.append((start, match.end(), new))
    for match, attrs in metas:
        if attrs["name"] == "citation_reference":
            again = reference_tag(match.group(0), attrs.get("content", ""))
            if again != match.group(0):
                edits.append((match.start(), match.end(), again))
    for block in blocks:
        edits.append((block.start(2), block.end(2), _jsonld(block.group(2), cite, place, edition)))
    out = text
    last = len(text) + 1
    for start, end, new in sorted(edits, reverse=True):
        assert end <= last, "the apparatus's elements overlap"
        out = out[:start] + new + out[end:]
        last = start
    return out


# ------------------------------------------------------------------------------------------------ installing


class Recital:
    """The editions being installed into a site, and the one step the install calls for each of their pages."""

    def __init__(
        self, site: Path, manifests: Mapping[str, dict], site_url: str, templates_dir: Path, directory_urls: bool = True
    ):
        """`manifests`: {version: manifest} of the editions in the site; `site_url`: the site's own address."""
        self.site, self.manifests, self.directory_urls = Path(site), manifests, directory_urls
        self.site_url = site_url
        self.templates = environment(Path(templates_dir))
        self._editions: dict[str, Edition | None] = {}

    def edition(self, version: str) -> Edition | None:
        """The installed edition `version` (None when its manifest does not say what the review was)."""
        if version not in self._editions:
            manifest = self.manifests.get(version) or {}
            review = manifest.get("review")
            made = None
            if isinstance(review, dict) and review.get("authors") and review.get("title"):
                try:
                    items = json.loads((self.site / "editions" / version / "references.json").read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    items = []
                made = Edition(
                    version,
                    str(manifest.get("date", "")),
                    edition_url(self.site_url, version),
                    review,
                    {str(i["id"]): i for i in items if isinstance(i, dict) and "id" in i} if isinstance(items, list) else {},
                )
            self._editions[version] = made
        return self._editions[version]

    def page(self, version: str, relative: str, text: str) -> str:
        """A page of edition `version` (its file `relative` inside the edition) with its citation apparatus
        refreshed (refresh); the page as it is where the edition's manifest cannot say what to cite."""
        edition = self.edition(version)
        if edition is None or relative == "404.html":
            return text
        return refresh(text, edition, self.place(version, relative), self.templates)

    def place(self, version: str, relative: str) -> Place:
        """Where a page of an edition is: its living address (if the current site has it), links to the current
        changelog, to the edition's account of its search and to the page in every edition, and its first date."""
        name = page_name(relative)
        here = f"editions/{version}/{relative}"
        current = relative if (self.site / relative).is_file() else ""
        living = addresses.absolute(self.site_url, f"{name}.md") if current else ""
        changelog = "changelog/index.html" if self.directory_urls else "changelog.html"
        method = f"editions/{version}/" + ("method/index.html" if self.directory_urls else "method.html")
        search = ""
        edition = self.edition(version)
        if edition is not None and edition.current_to and SEARCH_ANCHOR in _read(self.site / method):
            search = self._link(here, method) + "#search"
        having = [(v, m) for v, m in self.manifests.items() if name in m.get("pages", ())]
        having.sort(key=lambda pair: str(pair[1].get("date", "")))
        return Place(
            name,
            living,
            self._link(here, changelog) if (self.site / changelog).is_file() else "",
            search,
            tuple((v, self._link(here, f"editions/{v}/{relative}")) for v, _ in having),
            str(having[0][1].get("date", "")) if having else "",
        )

    def _link(self, page: str, target: str) -> str:
        """The link from one file of the site to another (a directory address, as the site gives them)."""
        link = posixpath.relpath(target, posixpath.dirname(page))
        if self.directory_urls and (target == "index.html" or target.endswith("/index.html")):
            link = link.removesuffix("index.html") or "./"
        return link


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""
