"""Which pages the site has, in one declaration: each kind's address, template, schema.org type and context.

A template reads only the context its kind's `context` function gives it (plus the review's filters), so the
context is "what the page shows": `render` hashes it to tell which pages an edit changes, and adding a kind of
page is a template and one entry in KINDS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .schema import EVIDENCE_GROUPS, EVIDENCE_MAP_COLUMNS
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
    mechanisms = index.ordered("mechanisms")
    return {
        "page_text": item.text,
        "mechanisms": [{**m, "studies": len({s for f in m["findings"] for s in f["studies"]})} for m in mechanisms],
    }


def _prose_page(index, item):
    return {"page_text": item.text}


def _mechanism(index, item):
    findings = item["findings"]
    groups = [
        {
            "id": gid,
            "heading": heading,
            "findings": [
                f | {"number": index.findings[f["id"]]["number"]} for f in findings if f["evidence"] in levels and "role" not in f
            ],
        }
        for gid, (heading, levels) in EVIDENCE_GROUPS.items()
    ]
    return {
        "item": item,
        "groups": [g for g in groups if g["findings"]],
        "caveats": [f | {"number": index.findings[f["id"]]["number"]} for f in findings if "role" in f],
        "questions": _questions(index, "mechanisms", item["id"]),
        "related": [index.data["mechanisms"][r] | {"id": r} for r in item["related"]],
        "count": len(index.data["mechanisms"]),
        "references": index.cites[("mechanisms", item["id"])],
        "downloads": f"references/{item['id']}",
    }


def _topic(index, item):
    sections = [
        {
            **s,
            "findings": [f | {"number": index.findings[f["id"]]["number"]} for f in s.get("findings", [])],
            "protocols": [
                t for t in index.ordered("therapies") if t.get("steps") and ("therapies", t["id"]) in _links_in(s["text"])
            ],
        }
        for s in item["sections"]
    ]
    return {"item": item, "sections": sections, "references": index.cites[("topics", item["id"])]}


def _links_in(text):
    from . import markup

    return set(markup.references(text))


def _study(index, item):
    return {
        "item": item,
        "referrers": index.referrers.get(("studies", item["id"]), []),
        "findings": [index.findings[f] for f in _citing_findings(index, item["id"])],
        "questions": _questions(index, "studies", item["id"]),
        "trials": [index.data["trials"][t] | {"id": t} for t in item.get("trials", [])],
    }


def _citing_findings(index, sid):
    return [fid for fid, f in index.findings.items() if sid in f["studies"]]


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
                "cells": [sum(x["evidence"] in levels for x in f) for _, levels in EVIDENCE_GROUPS.values()][:3],
                "caveats": sum("role" in x for x in f),
            }
        )
    return {"items": rows, "headings": [h for h, _ in list(EVIDENCE_GROUPS.values())[:3]]}


def _therapies(index, item):
    return {"items": index.ordered("therapies"), "mechanisms": index.ordered("mechanisms")}


def _glossary(index, item):
    return {"items": index.ordered("glossary"), "terms": index.data["glossary"]}


def _changelog(index, item):
    return {"releases": index.releases}


def evidence_map(index):
    """Rows of the evidence map: per mechanism and kind of evidence, the findings and their studies."""
    rows = []
    for mechanism in index.ordered("mechanisms"):
        cells = []
        for key, (label, levels) in EVIDENCE_MAP_COLUMNS.items():
            findings = [f for f in mechanism["findings"] if f["evidence"] in levels]
            cells.append(
                {"key": key, "label": label, "findings": findings, "studies": sorted({s for f in findings for s in f["studies"]})}
            )
        rows.append({"mechanism": mechanism, "cells": cells, "questions": _questions(index, "mechanisms", mechanism["id"])})
    return rows


def _evidence_map(index, item):
    mechanisms = index.ordered("mechanisms")
    substance_rows = []
    for substance in index.ordered("substances"):
        substance_rows.append(
            {
                "substance": substance,
                "cells": [[f for f in m["findings"] if substance["id"] in f["substances"]] for m in mechanisms],
            }
        )
    return {
        "rows": evidence_map(index),
        "columns": [(k, label) for k, (label, _) in EVIDENCE_MAP_COLUMNS.items()],
        "mechanisms": mechanisms,
        "substance_rows": substance_rows,
    }


def _course_pack(index, item):
    return {
        "items": [
            m
            | {
                "works": len(index.cites[("mechanisms", m["id"])]),
                "questions": len(index.questions_of.get(("mechanisms", m["id"]), [])),
            }
            for m in index.ordered("mechanisms")
        ]
    }


def _editing(index, item):
    from .guide import guide

    return guide()


def _facets(index, item):
    return {}


KINDS = [
    Kind("home", "home.html.j2", "index.md", "WebSite", _home, collection="pages"),
    Kind("page", "page.html.j2", "{}.md", "WebPage", _prose_page, collection="pages"),
    Kind("mechanism", "mechanism.html.j2", ENTITY_PAGES["mechanisms"], "ScholarlyArticle", _mechanism, "mechanisms", True),
    Kind("mechanisms", "mechanisms.html.j2", "mechanisms/index.md", "CollectionPage", _mechanisms),
    Kind("topic", "topic.html.j2", ENTITY_PAGES["topics"], "ScholarlyArticle", _topic, "topics", True),
    Kind("study", "study.html.j2", ENTITY_PAGES["studies"], "CreativeWork", _study, "studies"),
    Kind("studies", "studies.html.j2", "studies/index.md", "CollectionPage", _studies),
    Kind("trial", "trial.html.j2", ENTITY_PAGES["trials"], "CreativeWork", _trial, "trials"),
    Kind("trials", "trials.html.j2", "trials/index.md", "CollectionPage", _collection("trials")),
    Kind("substance", "substance.html.j2", ENTITY_PAGES["substances"], "CreativeWork", _substance, "substances"),
    Kind("substances", "substances.html.j2", "substances/index.md", "CollectionPage", _substances),
    Kind("therapy", "therapy.html.j2", ENTITY_PAGES["therapies"], "CreativeWork", _therapy, "therapies"),
    Kind("therapies", "therapies.html.j2", "therapies/index.md", "CollectionPage", _therapies),
    Kind("question", "question.html.j2", ENTITY_PAGES["questions"], "ScholarlyArticle", _question, "questions", True),
    Kind("questions", "questions.html.j2", "questions/index.md", "CollectionPage", _collection("questions")),
    Kind("glossary", "glossary.html.j2", "glossary/index.md", "DefinedTermSet", _glossary),
    Kind("changelog", "changelog.html.j2", "changelog.md", "WebPage", _changelog),
    Kind("evidence-map", "evidence-map.html.j2", "evidence-map.md", "CollectionPage", _evidence_map),
    Kind("course-pack", "course-pack.html.j2", "print/mechanisms.md", "CollectionPage", _course_pack),
    Kind("facets", "facets.html.j2", "facets.md", "CollectionPage", _facets),
    Kind("editing", "editing.html.j2", "editing.md", "WebPage", _editing),
]
KIND = {kind.name: kind for kind in KINDS}
TITLES = {
    "mechanisms": "Mechanisms",
    "studies": "Studies",
    "trials": "Registered trials",
    "substances": "Substances",
    "therapies": "Therapies",
    "questions": "Open questions",
    "glossary": "Glossary",
    "changelog": "What changed",
    "evidence-map": "Evidence map",
    "course-pack": "Course pack",
    "facets": "Facets",
    "editing": "How to edit the content",
}


def plan(index, labels: dict) -> list:
    """Every page of the site, in a fixed order. `labels` gives each study's in-text citation (a study page's
    title starts with it)."""
    out = []
    for name, page in sorted(index.review.pages.items()):
        kind = KIND["home" if name == "index" else "page"]
        out.append(Page(kind, f"{name}.md", page.title, page))
    for kind in KINDS:
        if kind.collection and kind.collection != "pages":
            for item in index.ordered(kind.collection):
                out.append(Page(kind, kind.path.format(item["id"]), _title(kind, item, labels), item))
        elif not kind.collection:
            out.append(Page(kind, kind.path, TITLES[kind.name]))
    return out


def _title(kind: Kind, item: dict, labels: dict) -> str:
    """The title of an entity's page."""
    if kind.name == "study":
        return f"{labels[item['id']]}: {item.get('sentence_case_title') or sentence_case(item['title'])}"
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
