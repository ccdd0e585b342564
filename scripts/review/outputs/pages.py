"""Which pages the site has, in one declaration: each kind's address, template, schema.org type and context.

A template reads only the context its kind's `context` function gives it (plus the review's filters), so the
context is "what the page shows", and adding a kind of page is a template and one entry in KINDS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..model import markup
from ..model.evidence import GROUPS, MAP_COLUMNS, levels_in_group, rated_groups
from ..synthesis import certainty
from ..synthesis.characteristics import describe
from . import addresses, works
from .data import LIST_SEPARATOR, TABLES
from .editions import edition_url
from .guide import guide
from .works import sentence_case

ENTITY_PAGES = {  # collection -> the path of each entity's page; a glossary term is an anchor on the glossary
    "mechanisms": "mechanisms/{}.md",
    "topics": "topics/{}.md",
    "studies": "studies/{}.md",
    "trials": "trials/{}.md",
    "substances": "substances/{}.md",
    "therapies": "therapies/{}.md",
    "questions": "questions/{}.md",
    "glossary": "glossary/index.md",
}


def entity_path(collection: str, target: str) -> str:
    """The source path of the page that shows an entity."""
    return ENTITY_PAGES[collection].format(target)


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
        return self.path.removesuffix(".md")


# ---------------------------------------------------------------------------------------------- contexts
# Each takes (index, item) and returns what the page shows; `item` is None for pages of the whole review.


def _questions(index, key, target):
    return [index.data["questions"][q] | {"id": q} for q in index.questions_of.get((key, target), [])]


def _home(index, item):
    return {"page_text": item.text, "overview": index.summary.overview()}


def _prose_page(index, item):
    return {"page_text": item.text}


def _mechanism(index, item):
    findings = item["findings"]
    groups = [
        {
            "id": group.id,
            "heading": group.heading,
            "findings": [
                f | {"number": index.findings[f["id"]]["number"]}
                for f in findings
                if f["evidence"] in levels_in_group(group.id) and "role" not in f
            ],
        }
        for group in GROUPS.values()
    ]
    return {
        "item": item,
        "summary_rows": index.summary.rows(item["id"]),
        "unrated": index.summary.unrated(item),
        "groups": [g for g in groups if g["findings"]],
        "caveats": [f | {"number": index.findings[f["id"]]["number"]} for f in findings if "role" in f],
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
            "findings": [f | {"number": index.findings[f["id"]]["number"]} for f in s.get("findings", [])],
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
        "characteristics": describe(item["characteristics"]),
        "referrers": index.referrers.get(("studies", item["id"]), []),
        "findings": [index.findings[f] for f in _citing_findings(index, item["id"])],
        "questions": _questions(index, "studies", item["id"]),
        "trials": [index.data["trials"][t] | {"id": t} for t in item.get("trials", [])],
    }


def _citing_findings(index, sid):
    return index.citing.get(sid, [])


def _trial(index, item):
    return {
        "item": item,
        "studies": [s for s in index.ordered("studies") if item["id"] in s.get("trials", [])],
        "questions": _questions(index, "trials", item["id"]),
        "referrers": index.referrers.get(("trials", item["id"]), []),
    }


def _substance(index, item):
    return {
        "item": item,
        "findings": [f for f in index.findings.values() if item["id"] in f["substances"]],
        "studies": [s["id"] for s in index.ordered("studies") if item["id"] in s["substances"]],
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
        "trials": [index.data["trials"][t] | {"id": t} for t in item.get("trials", [])],
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
                "caveats": sum("role" in x for x in f),
            }
        )
    return {"items": rows, "headings": [g.heading for g in rated_groups()]}


def _therapies(index, item):
    return {"items": index.ordered("therapies"), "mechanisms": index.ordered("mechanisms")}


def _glossary(index, item):
    return {"items": index.ordered("glossary"), "terms": index.data["glossary"]}


def _changelog(index, item):
    return {
        "releases": [
            r
            | {
                "built": r["version"] in index.editions,
                "address": addresses.absolute(edition_url(index.info["url"], r["version"]), "index.md"),
            }
            for r in index.releases
        ]
    }


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
    return guide()


def _characteristics(index, item):
    return {
        "items": [s | {"described": describe(s["characteristics"])} for s in index.ordered("studies")],
        "figures": index.summary.all_estimates(),
    }


def _method(index, item):
    return {
        "page_text": item.text,
        "rules": certainty.RULES,
        "levels": certainty.LEVELS[::-1],
        "labels": certainty.LABELS,
        "meaning": certainty.MEANING,
        "wording": certainty.WORDING,
        "search": index.search,
        "flow": index.summary.flow(),
    }


def _data(index, item):
    release = index.releases[0]
    url = addresses.absolute(index.info["url"], f"editions/{release['version']}/data/index.md")
    dataset = works.dataset_item("data", index.info, release, url)
    return {
        "dataset_citation": works.apa(dataset, html_out=False),
        "tables": list(TABLES.values()),
        "separator": LIST_SEPARATOR.strip(),
        "mechanisms": index.ordered("mechanisms"),
        "release": index.releases[0],
        "current_to": index.search["current_to"],
    }


def _facets(index, item):
    return {}


KINDS = [
    Kind("home", "home.html.j2", "index.md", "WebSite", _home, collection="pages"),
    Kind("page", "page.html.j2", "{}.md", "WebPage", _prose_page, collection="pages"),
    Kind("method", "method.html.j2", "method.md", "WebPage", _method, collection="pages"),
    Kind(
        "mechanism",
        "mechanism.html.j2",
        ENTITY_PAGES["mechanisms"],
        "ScholarlyArticle",
        _mechanism,
        "mechanisms",
        True,
        abstract_field="summary",
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
    Kind("topic", "topic.html.j2", ENTITY_PAGES["topics"], "ScholarlyArticle", _topic, "topics", True, abstract_field="summary"),
    Kind("study", "study.html.j2", ENTITY_PAGES["studies"], "CreativeWork", _study, "studies", abstract_field="result"),
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
    Kind("trial", "trial.html.j2", ENTITY_PAGES["trials"], "CreativeWork", _trial, "trials", abstract_field="design"),
    Kind(
        "trials",
        "trials.html.j2",
        "trials/index.md",
        "CollectionPage",
        _collection("trials"),
        title="Registered trials",
        description="The registered clinical trials the review draws on.",
    ),
    Kind(
        "substance",
        "substance.html.j2",
        ENTITY_PAGES["substances"],
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
    Kind(
        "therapy", "therapy.html.j2", ENTITY_PAGES["therapies"], "CreativeWork", _therapy, "therapies", abstract_field="summary"
    ),
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
        ENTITY_PAGES["questions"],
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


def plan(index, labels: dict) -> list:
    """Every page of the site, in a fixed order. `labels` gives each study's in-text citation (a study page's
    title starts with it)."""
    out = []
    for name, page in sorted(index.review.pages.items()):
        kind = KIND[{"index": "home", "method": "method"}.get(name, "page")]
        out.append(Page(kind, f"{name}.md", page.title, page))
    for kind in KINDS:
        if kind.collection and kind.collection != "pages":
            for item in index.ordered(kind.collection):
                out.append(Page(kind, kind.path.format(item["id"]), _title(kind, item, labels), item))
        elif not kind.collection:
            out.append(Page(kind, kind.path, kind.title))
    return out


def _title(kind: Kind, item: dict, labels: dict) -> str:
    """The title of an entity's page."""
    if kind.name == "study":
        label = labels[item["id"]]
        label = label[:1].upper() + label[1:]  # a title's first word is capitalised: "Van der Meer et al., 2023"
        return f"{label}: {item.get('sentence_case_title') or sentence_case(item['title'])}"
    if kind.name == "trial":
        return f"{item['nct']}: {item['title']}"
    return item.get("title") or item.get("name") or item.get("question")


def keys(review) -> set:
    """The names of every page, as a changelog lists them, from content that may not yet be valid."""
    out = set(review.pages)
    for kind in KINDS:
        if kind.collection and kind.collection != "pages":
            stems = set(review.entities.get(kind.collection, {})) | {s for c, s in review.unreadable if c == kind.collection}
            out |= {kind.path.format(stem).removesuffix(".md") for stem in stems}
        elif not kind.collection:
            out.add(kind.path.removesuffix(".md"))
    return out
