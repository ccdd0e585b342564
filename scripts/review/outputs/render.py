"""Render phase: each page of the plan becomes a Markdown document (front matter, headings, HTML blocks).

Templates are Jinja with autoescape on: a value from content is escaped unless a filter that builds safe HTML
(prose, inline, cite, reference ...) marked it safe. Headings are written as Markdown (so that the engine lists
them in the page's contents) through the `heading` filter; everything else is HTML in blocks of its own, which
Python-Markdown passes through untouched.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
import jinja2.bccache
import yaml
from markupsafe import Markup

from ..model import bias, markup, provenance
from ..model.evidence import EVIDENCE_LEVELS
from ..model.outcomes import DIRECTIONS, MEASURES, OUTCOMES
from ..model.schema import ATTRIBUTIONS, FINDING_ATTRIBUTIONS, TRIAL_STATUSES
from ..synthesis import certainty, characteristics, summary
from . import addresses, compare, data, editions, feed, metadata, pages, prose, tables, works
from .glossary import Glossary
from .index import Index
from .pages import Page, plan

# Python-Markdown's backslash escapes, and HTML's three: written before any of these, the character is text.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>&])")


def heading(text: str) -> Markup:
    """Plain text for a Markdown heading line: every character Markdown or HTML could read as markup is escaped."""
    flat = " ".join(str(text).split())
    return Markup(
        _MARKDOWN_SPECIAL.sub(lambda m: {"<": "&lt;", ">": "&gt;", "&": "&amp;"}.get(m.group(1), "\\" + m.group(1)), flat)
    )


def slug(text: str) -> str:
    """An anchor from heading words."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


class _Compiled(jinja2.BytecodeCache):
    """Compiled templates kept for the life of the process, keyed by name and source (Jinja checks the source's
    checksum): each render makes its own environment (its filters know its index), and compiling the templates
    again at every save of the live preview took longer than rendering the edited page."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


COMPILED = _Compiled()


def environment(templates_dir: Path) -> jinja2.Environment:
    """The templates' Jinja environment: autoescaped, strict about undefined names (a typo fails the build)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=COMPILED,
    )


@dataclass
class Output:
    """One file of the site: its path and text."""

    path: str
    text: str


class Renderer:
    """Everything one render needs, made once: the index, the bibliography, the glossary and the pages."""

    def __init__(self, index: Index, templates_dir, directory_urls: bool = True):
        self.index, self.directory_urls = index, directory_urls
        self.bibliography = index.bibliography
        self.glossary = Glossary(index.data["glossary"])
        self.pages = plan(index, self.bibliography.labels)
        self.env = self._environment(Path(templates_dir))

    # ------------------------------------------------------------------------------------------ links

    def href(self, target: str, page: str, anchor: str = "") -> str:
        """The address of a site path from a page."""
        return addresses.relative(target, page, anchor, self.directory_urls)

    def entity_href(self, collection: str, target: str, page: str) -> str:
        """The address of an entity (or finding, or glossary term) from a page."""
        path, anchor = self.index.path_of(collection, target)
        return self.href(path, page, anchor)

    def citation(self, ids, page: str) -> str:
        """An author-year citation: each study linked to its page, with its reference on hover."""
        parts = []
        for sid in ids:
            address = addresses.absolute(self.index.info["url"], *self.index.path_of("studies", sid))
            parts.append(
                f'<a class="citation" href="{html.escape(self.entity_href("studies", sid, page))}" '
                f'title="{html.escape(self.bibliography.text[sid])}" data-href="{html.escape(address)}">'
                f"{html.escape(self.bibliography.labels[sid])}</a>"
            )
        return "(" + "; ".join(parts) + ")" if parts else ""

    def label(self, collection: str, target: str) -> str:
        """The text of a bare cross-link."""
        if collection == "findings":
            return self.finding_label(target, page=True)
        if collection == "studies":
            return self.bibliography.labels[target]
        if collection == "trials":
            return self.index.trials.by_id[target].label
        item = self.index.data[collection][target]
        for field in ("abbreviation", "title", "name", "term", "question"):
            if item.get(field):
                return item[field]
        return target

    def links(self, page: str, glossed: set) -> prose.Links:
        """The prose renderer's view of the site from one page."""
        return prose.Links(
            href=lambda c, t: self.entity_href(c, t, page),
            label=self.label,
            citation=lambda ids: self.citation(ids, page),
            page_href=lambda name, anchor: self.href(f"{name}.md", page, anchor),
            glossary=None if page.startswith("glossary/") else self.glossary,
            glossed=glossed,
            glossary_href=lambda gid: self.entity_href("glossary", gid, page),
        )

    # ------------------------------------------------------------------------------------------ templates

    def _environment(self, templates_dir: Path) -> jinja2.Environment:
        env = environment(templates_dir)

        def page_of(context):
            return context["page"].path

        @jinja2.pass_context
        def prose_filter(context, text, profile="prose"):
            return Markup(prose.render(text, profile, self.links(page_of(context), context["glossed"])))

        @jinja2.pass_context
        def href(context, target, anchor=""):
            """A file of the site that is not a page (a download, a data file, a figure)."""
            if target.endswith(".md"):
                raise ValueError(f"{target}: link to a page by kind and id (page_url, entity), not by its path")
            return self.href(target, page_of(context), anchor)

        @jinja2.pass_context
        def page_url(context, kind, anchor=""):
            """The one page of a kind: `page_url('method', 'certainty')`."""
            return self.href(pages.page_path(kind), page_of(context), anchor)

        @jinja2.pass_context
        def place_url(context, place):
            """A place that references something (index.Referrer): its page, at the finding if it is in one."""
            return self.href(place.path, page_of(context), place.finding or "")

        @jinja2.pass_context
        def page_named(context, key, anchor=""):
            """A page by the name the changelog gives it (`studies/shao2021`)."""
            return self.href(f"{key}.md", page_of(context), anchor)

        @jinja2.pass_context
        def edition_href(context, version, path=None, anchor=""):
            """A page (the home page unless `path` is given) in the built edition `version`."""
            target = addresses.in_edition(version, path or pages.page_path("home"))
            return self.href(target, page_of(context), anchor)

        @jinja2.pass_context
        def entity(context, target, collection):
            return self.entity_href(collection, target, page_of(context))

        @jinja2.pass_context
        def cite(context, ids):
            return Markup(self.citation(list(ids), page_of(context)))

        @jinja2.pass_context
        def page_parts(context, text):
            return prose.render_page(text, self.links(page_of(context), context["glossed"]), slug)

        env.filters.update(
            prose=prose_filter,
            plain=markup.plain,
            heading=heading,
            href=href,
            entity=entity,
            cite=cite,
            page_parts=page_parts,
            page_named=page_named,
            cited=markup.cited_ids,
            reference=lambda sid: Markup(self.bibliography.html[sid]),
            label=lambda sid: self.bibliography.labels[sid],
            counted=counted,
            code_spans=code_spans,
            finding_citation=self.finding_citation,
            finding_label=self.finding_label,
            wording=self.index.wording_of,
            word_diff=compare.word_diff,
            certainty_label=compare.certainty_label,
            missing=characteristics.missing,
            participants_text=summary.participants_text,
            table_columns=tables.columns,
            table_rows=tables.label_rows,
            trial_label=lambda tid: self.index.trials.by_id[tid].label,
            participants_of=lambda c: "" if c["design"] in characteristics.PRECLINICAL else characteristics.participants(c) or "",
        )
        env.filters["inline"] = jinja2.pass_context(lambda c, t: prose_filter(c, t, "inline"))

        def review_citation():
            """The review's APA reference (the edition of its newest release), for the course pack's cover."""
            home = pages.page_path("home")
            return Markup(metadata.page_cite(self.index, home, self.index.info["title"], whole=True)["apa_html"])

        env.globals.update(
            review_citation=review_citation,
            page_url=page_url,
            place_url=place_url,
            edition_href=edition_href,
            changes_since=lambda page: compare.since(self.index, editions.manifest_name(page.path)),
            evidence_levels=EVIDENCE_LEVELS,
            attributions=ATTRIBUTIONS,
            finding_attributions=FINDING_ATTRIBUTIONS,
            info=self.index.info,
            bibliography=self.bibliography,
            index_data=self.index.data,
            labels_of=certainty.LABELS,
            directions=DIRECTIONS,
            measures=MEASURES,
            outcomes=OUTCOMES,
            bias_tools=bias.TOOLS,
            bias_domains=bias.DOMAINS,
            bias_labels=bias.LABELS,
            statuses=TRIAL_STATUSES,
            primary_of=provenance.primary,
            not_reported=characteristics.NOT_REPORTED,
            current_to=self.index.search["current_to"],
            offline=not self.directory_urls,
        )
        return env

    # ------------------------------------------------------------------------------------------ pages

    def finding_label(self, fid: str, page: bool = False, words: int = 8) -> str:
        """A finding as a reader recognises it in a list or a link: the opening words of its statement, after its
        page's title when `page` ("Induced neuroplasticity: “In cultured cortical neurons, LSD, DMT…”"). Its id
        is its address and, beside its own statement, its citation locator; never a name in running text."""
        finding = self.index.findings[fid]
        said = markup.plain(finding["statement"], "inline").split()
        opening = f"“{' '.join(said[:words])}{'…' if len(said) > words else ''}”"
        return f"{finding['page_title']}: {opening}" if page else opening

    def finding_citation(self, fid: str) -> str:
        """The text a finding's Cite button copies (made once per finding)."""
        cache = self.__dict__.setdefault("_finding_citations", {})
        if fid not in cache:
            cache[fid] = metadata.finding_cite(self.index, fid)
        return cache[fid]

    def context(self, page: Page) -> dict:
        """What a page shows (its kind's declaration), with the page itself."""
        return {"page": page, **page.kind.context(self.index, page.item)}

    def render_page(self, page: Page) -> Output:
        """One page as the Markdown document the engine builds."""
        glossed: set = set()
        context = self.context(page)
        body = self.env.get_template(page.kind.template).render(**context, glossed=glossed)
        meta = metadata.page_metadata(self.index, page, context)
        box = self.env.get_template("_cite.html.j2").render(page=page, cite=meta["cite"], glossed=set())
        front = yaml.dump(
            meta["front"], Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), allow_unicode=True, sort_keys=False, width=2**30
        )
        return Output(page.path, f"---\n{front}---\n\n{body.strip()}\n\n{box.strip()}\n")

    def render(self, select=None):
        """Yield an Output for every page (or every page `select` accepts) and for every download."""
        for page in self.pages:
            if select is None or select(page):
                yield self.render_page(page)
        if select is None:
            yield from self.files()

    def files(self):
        """Every output that is not a page: the downloads, the forest plots, the open data and the feed."""
        yield from self.downloads()
        yield from self.figures()
        yield from self.data()
        yield Output(feed.PATH, feed.atom(self.index))

    def figures(self):
        """The forest plots, as SVG files: each in its wide layout and its phone's."""
        for figure in self.index.summary.figures():
            yield Output(figure.path, figure.svg())
            yield Output(figure.narrow_path, figure.svg(narrow=True))

    def data(self):
        """The review as open data: CSV, JSON and a Frictionless descriptor, whole and per mechanism."""
        for path, text in data.files(self.index).items():
            yield Output(path, text)

    def downloads(self):
        """The reference files: every cited work, and each mechanism's."""

        def files(stem, ids):
            items = [self.bibliography.items[sid] for sid in self.bibliography.in_order(ids)]
            yield Output(f"{stem}.bib", "\n".join(works.bibtex(item) for item in items))
            yield Output(f"{stem}.ris", "\n".join(works.ris(item) for item in items))
            yield Output(f"{stem}.json", works.csl_json(items))

        yield from files("references", self.index.data["studies"])
        for mechanism in self.index.ordered("mechanisms"):
            yield from files(f"references/{mechanism['id']}", self.index.cites[("mechanisms", mechanism["id"])])


def code_spans(text: str) -> Markup:
    """Our own explanatory text (the content model's descriptions) with `backticks` as code."""
    escaped = html.escape(str(text), quote=False)
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped))


def counted(number: int, noun: str) -> str:
    """A count of things as prose: 'one mechanism', 'six mechanisms', '1,600 mechanisms'."""
    words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
    return f"{words[number] if 0 <= number < len(words) else f'{number:,}'} {noun}{'' if number == 1 else 's'}"
