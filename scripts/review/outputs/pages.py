"""Which pages the site has, in one declaration: each kind's address, template, schema.org type and context.

A template reads only the context its kind's `context` function gives it (plus the review's filters), so the
context is "what the page shows", and adding a kind of page is a template and one entry in KINDS.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from markdown.extensions.toc import slugify

from ..model import bias, markup, provenance
from ..model.evidence import GROUPS, MAP_COLUMNS, levels_in_group, rated_groups
from ..model.outcomes import DEFAULT_DIRECTION, DIRECTIONS, MEASURES
from ..model.registries import REGISTRIES, SEARCH_QUERY
from ..synthesis import certainty
from ..synthesis.characteristics import describe
from . import compare, works
from .data import LINKS, LIST_SEPARATOR, TABLES
from .editions import manifest_name
from .guide import guide
from .works import sentence_case


@dataclass(frozen=True)
class Kind:
    """A kind of page. `path` has `{}` for the entity id when the kind has one page per entity of `collection`
    (or per hand-written page, collection "pages"). `scholarly` marks the review's own articles, the only pages
    that carry Google Scholar's Highwire tags."""

    name: str
    template: str
    path: str
    schema_type: str
    context: Callable
    collection: str | None = None
    scholarly: bool = False
    title: str = ""  # the page's title, for a page of the whole review (an entity page takes its entity's)
    description: str = ""  # its description in the metadata, for a page of the whole review
    abstract_field: str = ""  # the entity's field whose opening is its page's description
    anchors: str | None = None  # a collection whose entities are anchors on this page (glossary terms)
    nav_title: str = ""  # its title in the navigation, where it differs from the page's own


@dataclass(frozen=True)
class Page:
    """One page of the site: its kind, source path, the entity it shows (if any), and its title."""

    kind: Kind
    path: str
    title: str
    item: dict | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> str:
        """Its name in the changelog: `studies/shao2021`, `evidence-map`."""
        return key_of(self.path)


def source_of(page: Page) -> str | None:
    """The one content file a page is made from, relative to the project (`content/studies/shao2021.yaml`,
    `content/pages/about.md`), or None for a page made from the whole review."""
    if page.kind.collection == "pages":
        return f"content/pages/{page.path}"
    if page.kind.collection and page.item is not None:
        return f"content/{page.kind.collection}/{page.item['id']}.yaml"
    return None


def key_of(path: str) -> str:
    """A page's name as the changelog writes it, from its source path: `studies/shao2021`, `index`."""
    return path.removesuffix(".md")


# ---------------------------------------------------------------------------------------------- contexts
# Each takes (index, item) and returns what the page shows; `item` is None for pages of the whole review.


def _questions(index, key, target):
    return [index.data["questions"][q] | {"id": q} for q in index.questions_of.get((key, target), [])]


def _home(index, item):
    return {"page_text": item.text, "overview": index.summary.overview(), "what_we_know": _what_we_know(index)}


def _what_we_know(index):
    """The bottom line: each comparison's key message with the certainty of its key outcomes, dated."""
    out = []
    for block in index.summary.comparisons():
        c = block["comparison"]
        keys = c.get("key_outcomes") or []
        out.append({"comparison": c, "rows": [r for r in block["rows"] if r.outcome.id in keys]})
    return {"blocks": out, "current_to": index.search["current_to"]}


def _prose_page(index, item):
    return {"page_text": item.text}


def _limit(f: dict) -> bool:
    """A finding that states a limit of the evidence rather than a result (it has a section of its own)."""
    return not DIRECTIONS[f.get("direction") or DEFAULT_DIRECTION].result


def _mechanism(index, item):
    findings = item["findings"]
    groups = [
        {
            "id": group.id,
            "heading": group.heading,
            "findings": [f for f in findings if f["evidence"] in levels_in_group(group.id) and not _limit(f)],
        }
        for group in GROUPS.values()
    ]
    return {
        "item": item,
        "summary_rows": index.summary.rows(item["id"]),
        "unrated": index.summary.unrated(item),
        "groups": [g for g in groups if g["findings"]],
        "limits": [f for f in findings if _limit(f)],
        "questions": _questions(index, "mechanisms", item["id"]),
        "related": [index.data["mechanisms"][r] | {"id": r} for r in item["related"]],
        "count": len(index.data["mechanisms"]),
        "references": index.cites[("mechanisms", item["id"])],
        "downloads": f"references/{item['id']}",
        "data_slice": f"data/mechanisms/{item['id']}",
    }


def _topic(index, item):
    sections = [
        {
            **s,
            "findings": s.get("findings", []),
            "protocols": [
                t for t in index.ordered("therapies") if t.get("steps") and ("therapies", t["id"]) in _links_in(s["text"])
            ],
            "figures": index.summary.section_figures(item, s),
        }
        for s in item["sections"]
    ]
    return {"item": item, "sections": sections, "references": index.cites[("topics", item["id"])]}


def _links_in(text):
    return set(markup.references(text))


def _study(index, item):
    return {
        "item": item,
        "characteristics": describe(item),
        "tool": bias.TOOLS[item["risk_of_bias"]["tool"]] if item.get("risk_of_bias") else None,
        "tables": [
            c["id"] for c in index.ordered("comparisons") if item["id"] in c["studies"] or item["id"] in c.get("single_group", [])
        ],
        "shared": [s["id"] for s in index.ordered("studies") if item["id"] in s.get("same_participants_as", [])],
        "referrers": index.referrers.get(("studies", item["id"]), []),
        "findings": [index.findings[f] for f in _citing_findings(index, item["id"])],
        "questions": _questions(index, "studies", item["id"]),
        "trials": [index.trials.by_id[t] for t in item.get("trials", [])],
    }


def _citing_findings(index, sid):
    return index.citing.get(sid, [])


def _trial(index, item):
    return {
        "item": item,
        "trial": index.trials.by_id[item["id"]],
        "current_to": index.search["current_to"],
        "questions": _questions(index, "trials", item["id"]),
        "referrers": index.referrers.get(("trials", item["id"]), []),
    }


def _trials(index, item):
    trials = index.trials
    return {
        "classic": trials.classic,
        "related": trials.related,
        "registries": trials.registries(trials.classic),
        "by_status": trials.by_status(trials.classic),
        "by_condition": trials.by_condition(trials.classic),
        "stale": sum(t.stale for t in trials.classic),
        "current_to": trials.current_to,
        "substances": index.data["substances"],
    }


def _substance(index, item):
    return {
        "item": item,
        "findings": [f for f in index.findings.values() if item["id"] in f["substances"]],
        "studies": [s["id"] for s in index.ordered("studies") if item["id"] in s["substances"]],
        "trials": [t for t in index.trials.all if item["id"] in t.item["substances"]],
    }


def _therapy(index, item):
    return {
        "item": item,
        "mechanisms": [m for m in index.ordered("mechanisms") if m["id"] in item.get("mechanisms", {})],
        "references": index.cites[("therapies", item["id"])],
        "referrers": index.referrers.get(("therapies", item["id"]), []),
    }


def _question(index, item):
    return {
        "item": item,
        "mechanisms": [index.data["mechanisms"][m] | {"id": m} for m in item.get("mechanisms", [])],
        "findings": [index.findings[f] | {"id": f} for f in item.get("findings", [])],
        "trials": [index.trials.by_id[t] for t in item.get("trials", [])],
        "references": index.cites[("questions", item["id"])],
        "referrers": index.referrers.get(("questions", item["id"]), []),
    }


def _collection(name):
    def context(index, item):
        return {"items": index.ordered(name)}

    return context


def _studies(index, item):
    return {
        "items": [s | {"cited_by": len(_citing_findings(index, s["id"]))} for s in index.ordered("studies")],
        "substances": index.data["substances"],
    }


def _substances(index, item):
    return {
        "items": [
            s
            | {
                "findings": sum(s["id"] in f["substances"] for f in index.findings.values()),
                "studies": sum(s["id"] in w["substances"] for w in index.ordered("studies")),
            }
            for s in index.ordered("substances")
        ]
    }


def _mechanisms(index, item):
    rows = []
    for m in index.ordered("mechanisms"):
        f = m["findings"]
        rows.append(
            {
                **m,
                "total": len(f),
                "cells": [sum(x["evidence"] in levels_in_group(g.id) for x in f) for g in rated_groups()],
                "limits": sum(_limit(x) for x in f),
                "contrary": sum((x.get("direction") or DEFAULT_DIRECTION) in ("no-difference", "against", "harm") for x in f),
            }
        )
    return {"items": rows, "headings": [g.heading for g in rated_groups()]}


def _therapies(index, item):
    return {"items": index.ordered("therapies"), "mechanisms": index.ordered("mechanisms")}


def _glossary(index, item):
    return {"items": index.ordered("glossary"), "terms": index.data["glossary"]}


def _changelog(index, item):
    changed = {c.version: c for c in compare.releases(index)}
    context = {
        "releases": [
            r | {"built": index.in_site(r["version"]), "changed": changed[r["version"]], "newest": n == 0}
            for n, r in enumerate(index.releases)
        ],
        # the current pages: {name in a manifest: (name in the changelog, title)}
        "current_pages": {
            manifest_name(path): (key_of(path), _page_title(index, kind, name))
            for kind, path, name in enumerate_pages(index.review.pages, lambda c: index.data[c])
        },
        "findings_now": index.findings,
    }
    return context | {"page_titles": dict(context["current_pages"].values())}


def _page_title(index, kind: Kind, name: str | None) -> str:
    """A page's title for a list of pages (the changelog's): its kind's, its hand-written page's, or its entity's."""
    if kind.collection == "pages" and name is not None:
        return index.review.pages[name].title
    if kind.collection and name is not None:
        return index.title_of(kind.collection, name)
    return kind.title


def _evidence_map(index, item):
    summary = index.summary
    substances = [s for s in index.ordered("substances") if s["class"] == "classic-psychedelic"]
    return {
        "rows": [r | {"questions": _questions(index, "mechanisms", r["mechanism"]["id"])} for r in summary.map_rows()],
        "columns": [(c.id, c.heading) for c in MAP_COLUMNS.values()],
        "by_substance": [{"substance": s, "rows": summary.map_rows(s["id"])} for s in substances],
    }


def _course_pack(index, item):
    return {
        "overview": index.summary.overview(),
        "items": [
            m
            | {
                "works": len(index.cites[("mechanisms", m["id"])]),
                "questions": len(index.questions_of.get(("mechanisms", m["id"]), [])),
            }
            for m in index.ordered("mechanisms")
        ],
    }


def _editing(index, item):
    return guide() | {"primary_hosts": provenance.primary_hosts(), "registries": list(REGISTRIES.values())}


def _characteristics(index, item):
    return {
        "items": [s | {"described": describe(s)} for s in index.ordered("studies")],
        "figures": index.summary.all_estimates(),
    }


def _method(index, item):
    return {
        "page_text": item.text,
        "rules": certainty.RULES,
        "departures": certainty.DEPARTURES,
        "frameworks": certainty.FRAMEWORKS,
        "tools": [t for t in bias.TOOLS.values() if t.domains],
        "thresholds": {"events": certainty.OIS_EVENTS, "participants": certainty.OIS_CONTINUOUS, "i2": certainty.I2_SERIOUS},
        "levels": certainty.LEVELS[::-1],
        "labels": certainty.LABELS,
        "meaning": certainty.MEANING,
        "wording": certainty.WORDING,
        "search": index.search,
        "flow": index.summary.flow(),
        "trials": index.trials,
        "registry_query": SEARCH_QUERY,
    }


def _data(index, item):
    release = index.releases[0]
    url = index.address_in(release["version"], page_path("data"))
    dataset = works.dataset_item("data", index.info, release, url)
    return {
        "dataset_citation": works.apa(dataset, html_out=False),
        "tables": list(TABLES.values()),
        "links": list(LINKS.values()),
        "separator": LIST_SEPARATOR.strip(),
        "mechanisms": index.ordered("mechanisms"),
        "release": index.releases[0],
        "current_to": index.search["current_to"],
    }


def _facets(index, item):
    return {}


def _outcomes(index, item):
    summary = index.summary
    return {
        "blocks": [
            b
            | {
                "single_group": summary.single_group(b["comparison"]),
                "single_group_figures": summary.single_group_figures(b["comparison"]),
                "trials": [index.data["trials"][t] | {"id": t} for t in b["comparison"].get("trials", [])],
            }
            for b in summary.comparisons()
        ],
        "current_to": index.search["current_to"],
        "measures": MEASURES,
    }


KINDS = [
    Kind("home", "home.html.j2", "index.md", "WebSite", _home, collection="pages"),
    Kind("page", "page.html.j2", "{}.md", "WebPage", _prose_page, collection="pages"),
    Kind("method", "method.html.j2", "method.md", "WebPage", _method, collection="pages"),
    Kind(
        "mechanism",
        "mechanism.html.j2",
        "mechanisms/{}.md",
        "ScholarlyArticle",
        _mechanism,
        "mechanisms",
        True,
        abstract_field="summary",
    ),
    Kind(
        "outcomes",
        "outcomes.html.j2",
        "outcomes.md",
        "CollectionPage",
        _outcomes,
        title="Clinical outcomes",
        description="What the controlled trials in people with a substance use disorder found, outcome by outcome, "
        "with how sure the evidence lets us be: the review's summary of findings for clinicians.",
        anchors="comparisons",
    ),
    Kind(
        "mechanisms",
        "mechanisms.html.j2",
        "mechanisms/index.md",
        "CollectionPage",
        _mechanisms,
        title="Mechanisms",
        description="The candidate mechanisms of psychedelic-assisted therapy for substance use disorders, with the "
        "number of findings behind each.",
    ),
    Kind("topic", "topic.html.j2", "topics/{}.md", "ScholarlyArticle", _topic, "topics", True, abstract_field="summary"),
    Kind("study", "study.html.j2", "studies/{}.md", "CreativeWork", _study, "studies", abstract_field="result"),
    Kind(
        "characteristics",
        "characteristics.html.j2",
        "characteristics.md",
        "CollectionPage",
        _characteristics,
        title="Characteristics of included studies",
        description="Design, participants, comparator, blinding, dose, follow-up and main result of every study in "
        "the review, in one sortable table.",
    ),
    Kind(
        "find",
        "find.html.j2",
        "find.md",
        "SearchResultsPage",
        _facets,
        title="Search",
        description="Search every page and every finding of the review.",
    ),
    Kind(
        "data",
        "data.html.j2",
        "data/index.md",
        "Dataset",
        _data,
        title="Open data",
        description="The review as downloadable tables (CSV and JSON) with a Frictionless Data package, whole and "
        "for each mechanism, under CC BY 4.0.",
    ),
    Kind(
        "studies",
        "studies.html.j2",
        "studies/index.md",
        "CollectionPage",
        _studies,
        title="Studies",
        description="Every work cited in the review, with its evidence level, sortable and filterable.",
    ),
    Kind("trial", "trial.html.j2", "trials/{}.md", "CreativeWork", _trial, "trials", abstract_field="design"),
    Kind(
        "trials",
        "trials.html.j2",
        "trials/index.md",
        "CollectionPage",
        _trials,
        title="Registered trials",
        description="Every registered trial of a classic psychedelic in a substance use disorder that the review "
        "found, with its status as of its registry record's own date, its publications, and related compounds apart.",
    ),
    Kind(
        "substance",
        "substance.html.j2",
        "substances/{}.md",
        "CreativeWork",
        _substance,
        "substances",
        abstract_field="summary",
    ),
    Kind(
        "substances",
        "substances.html.j2",
        "substances/index.md",
        "CollectionPage",
        _substances,
        title="Substances",
        description="The substances the evidence concerns, with their findings and studies.",
    ),
    Kind("therapy", "therapy.html.j2", "therapies/{}.md", "CreativeWork", _therapy, "therapies", abstract_field="summary"),
    Kind(
        "therapies",
        "therapies.html.j2",
        "therapies/index.md",
        "CollectionPage",
        _therapies,
        title="Therapies",
        description="The psychotherapeutic approaches considered for pairing with psychedelic sessions.",
    ),
    Kind(
        "question",
        "question.html.j2",
        "questions/{}.md",
        "ScholarlyArticle",
        _question,
        "questions",
        True,
        abstract_field="why",
    ),
    Kind(
        "questions",
        "questions.html.j2",
        "questions/index.md",
        "CollectionPage",
        _collection("questions"),
        title="Open questions",
        description="The open questions the evidence leaves, each with the study that could answer it.",
    ),
    Kind(
        "glossary",
        "glossary.html.j2",
        "glossary/index.md",
        "DefinedTermSet",
        _glossary,
        title="Glossary",
        description="Definitions of the abbreviations and technical terms used in the review.",
        anchors="glossary",
    ),
    Kind(
        "changelog",
        "changelog.html.j2",
        "changelog.md",
        "WebPage",
        _changelog,
        title="What changed",
        description="Every release of the review, newest first, with the pages each one changed.",
    ),
    Kind(
        "evidence-map",
        "evidence-map.html.j2",
        "evidence-map.md",
        "CollectionPage",
        _evidence_map,
        title="Evidence map",
        description="Where the evidence for each mechanism comes from: findings and studies by kind of evidence, and gaps.",
    ),
    Kind(
        "course-pack",
        "course-pack.html.j2",
        "print/mechanisms.md",
        "CollectionPage",
        _course_pack,
        title="Course pack",
        description="How to print the mechanism pages as handouts for teaching.",
        nav_title="Course pack (print)",
    ),
    Kind(
        "facets",
        "facets.html.j2",
        "facets.md",
        "CollectionPage",
        _facets,
        title="Facets",
        description="Pages grouped by evidence level and by substance.",
    ),
    Kind(
        "editing",
        "editing.html.j2",
        "editing.md",
        "WebPage",
        _editing,
        title="How to edit the content",
        description="Every field of every collection of the review's content, and what Markdown fields may hold.",
    ),
]
KIND = {kind.name: kind for kind in KINDS}
_ENTITY_KIND = {k.collection: k for k in KINDS if k.collection and k.collection != "pages"}
_ANCHOR_KIND = {k.anchors: k for k in KINDS if k.anchors}

# The navigation, in order: (section, entries), "" for an entry of its own. An entry is a kind (all its pages, in
# display order) or the name of a hand-written page; the kind "page" stands for the hand-written pages not named.
# Kinds not named here (one page per study, trial ...) are reached from their lists and left out of the navigation.
NAV: list[tuple[str, tuple[str, ...]]] = [
    ("Home", ("home", "about", "method", "changelog", "course-pack", "page")),
    ("", ("outcomes",)),
    ("Background", ("topic",)),
    ("Mechanisms", ("mechanisms", "mechanism")),
    ("", ("questions",)),
    ("", ("find",)),
    ("", ("evidence-map",)),
    ("Evidence", ("studies", "characteristics", "trials", "substances", "therapies", "glossary", "facets", "data")),
    ("Contribute", ("contribute", "editing")),
]


def address(collection: str, target: str) -> tuple[str, str]:
    """(page path, anchor) of the page that shows an entity: its own page, or an anchor on the page that lists
    its collection (a glossary term). A finding's page is its holder's (Index.path_of)."""
    if collection in _ENTITY_KIND:
        return _ENTITY_KIND[collection].path.format(target), ""
    return _ANCHOR_KIND[collection].path, target


_TEMPLATES = Path(__file__).resolve().parents[3] / "templates" / "pages"
_LITERAL_ANCHOR = re.compile(r"\{ #([a-z0-9][a-z0-9_-]*)[ }]|\sid=\"([a-z0-9][a-z0-9_-]*)\"")


@functools.cache
def _template_anchors(template: str) -> frozenset[str]:
    """The ids a template writes as they are: `{ #id }` after a heading, `id="…"` in its HTML."""
    text = (_TEMPLATES / template).read_text(encoding="utf-8")
    return frozenset(a or b for a, b in _LITERAL_ANCHOR.findall(text))


def page_anchors(collection: str, item: dict) -> frozenset[str]:
    """The anchors the page of an entity (or hand-written page, collection "pages" with its `name`) has whatever its
    findings, sections and headings are: its template's own and its cite box's, its title's (the page's first
    heading, which an entity page takes from its title) and on a mechanism's page the evidence groups'. The check
    refuses an id written in content that would be one of them (two elements of a page with one id)."""
    kind = _hand_written_kind(str(item.get("name"))) if collection == "pages" else _ENTITY_KIND[collection]
    anchors = set(_template_anchors(kind.template) | _template_anchors("_cite.html.j2"))
    if kind.name == "mechanism":
        anchors |= set(GROUPS)
    if collection != "pages" and isinstance(item.get("title"), str):
        anchors.add(slugify(item["title"], "-"))  # as the engine names a heading that has no id of its own
    return frozenset(anchors)


def page_path(kind: str) -> str:
    """The source path of the one page of a kind (a page of the whole review, the home or the method page)."""
    path = KIND[kind].path
    assert "{}" not in path, f"{kind} has a page per entity: link to it by collection and id"
    return path


def _hand_written_kind(name: str) -> Kind:
    """The kind of a hand-written page: the one whose fixed path is its own (home, method), else "page"."""
    return next((k for k in KINDS if k.collection == "pages" and k.path == f"{name}.md"), KIND["page"])


def enumerate_pages(names: Iterable[str], ids: Callable[[str], Iterable[str]]) -> Iterator[tuple[Kind, str, str | None]]:
    """Every page of the site, once, in the site's order, as (kind, source path, hand-written page name or entity
    id): the hand-written pages `names`, then each kind's pages (`ids` gives a collection's ids, in order). The
    one place that says which pages exist: the render's plan and the check's page names both come from it."""
    for name in sorted(names):
        yield _hand_written_kind(name), f"{name}.md", name
    for kind in KINDS:
        if kind.collection and kind.collection != "pages":
            for target in ids(kind.collection):
                yield kind, kind.path.format(target), target
        elif not kind.collection:
            yield kind, kind.path, None


def plan(index, labels: dict) -> list[Page]:
    """Every page of the site, in a fixed order. `labels` gives each study's in-text citation (a study page's
    title starts with it)."""
    items = {c: {i["id"]: i for i in index.ordered(c)} for c in _ENTITY_KIND}
    out = []
    for kind, path, name in enumerate_pages(index.review.pages, lambda c: list(items[c])):
        if kind.collection == "pages":
            page = index.review.pages[name]
            out.append(Page(kind, path, page.title, page))
        elif kind.collection:
            item = items[kind.collection][name]
            out.append(Page(kind, path, _title(kind, item, labels), item))
        else:
            out.append(Page(kind, path, kind.title))
    return out


def _title(kind: Kind, item: dict, labels: dict) -> str:
    """The title of an entity's page."""
    if kind.name == "study":
        label = labels[item["id"]]
        label = label[:1].upper() + label[1:]  # a title's first word is capitalised: "Van der Meer et al., 2023"
        return f"{label}: {item.get('sentence_case_title') or sentence_case(item['title'])}"
    if kind.name == "trial":
        found = provenance.registration(item)
        label = found[1] if found else item["id"]
        return f"{label}: {item['title'] or item.get('acronym') or 'registered title not seen'}"
    return str(item.get("title") or item.get("name") or item.get("question"))


def keys(review) -> frozenset[str]:
    """The names of every page, as a changelog lists them, from content that may not yet be valid (a file that
    could not be read still has its page's name)."""

    def ids(collection):
        return set(review.entities.get(collection, {})) | {s for c, s in review.unreadable if c == collection}

    return frozenset(key_of(path) for _, path, _ in enumerate_pages(review.pages, ids))


def reserved() -> frozenset[str]:
    """Names a hand-written page may not take: a generated page's, a collection's folder, a download folder."""
    folders = {k.path.split("/", 1)[0] for k in KINDS if k.anchors or (k.collection and k.collection != "pages")}
    return frozenset({key_of(k.path) for k in KINDS if not k.collection} | folders | {"references", "data", "editions"})


def navigation(pages: list[Page]) -> list:
    """MkDocs' `nav`, from NAV and the plan: a page's own title unless its kind gives one for the navigation."""
    named = {name for _, entries in NAV for name in entries if name not in KIND}

    def entries(entry: str) -> list:
        if entry in KIND:
            chosen = [p for p in pages if p.kind.name == entry and not (entry == "page" and p.key in named)]
        else:
            chosen = [p for p in pages if p.kind.collection == "pages" and p.key == entry]
        return [{p.kind.nav_title: p.path} if p.kind.nav_title else p.path for p in chosen]

    out: list = []
    for section, names in NAV:
        items = [item for name in names for item in entries(name)]
        out += [{section: items}] if section else items
    return out


def not_in_nav() -> list[str]:
    """MkDocs' `not_in_nav` patterns: the folders of the kinds NAV leaves out (reached from their lists)."""
    listed = {name for _, entries in NAV for name in entries}
    return [
        f"/{k.path.split('/', 1)[0]}/*.md" for k in KINDS if k.collection and k.collection != "pages" and k.name not in listed
    ]
