"""A page's citation and machine-readable metadata, all derived from the page's CSL item (see works.py):
the cite box's formats, the front matter the theme turns into Highwire tags and JSON-LD, and the COinS span."""

from __future__ import annotations

import html
import json
from typing import Any

from ..model import markup
from ..model.evidence import EVIDENCE_LEVELS
from . import addresses, pages, works
from . import data as open_data


def abstract_of(text: str, limit: int = 300, profile: str = "prose") -> str:
    """A page's description from a Markdown field: its words (plain text, headings left out), cut at a word near
    `limit` characters."""
    words = markup.plain(text, profile, headings=False)
    if len(words) <= limit:
        return words
    return words[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def abstract(page, info) -> str:
    """The page's own description, in plain words."""
    item, kind = page.item, page.kind
    if kind.name == "page":
        return abstract_of(item.text, profile="page")
    if kind.abstract_field:
        return abstract_of(item[kind.abstract_field])
    return kind.description or info["description"].strip()


def page_cite(index, path: str, title: str, anchor: str = "", description: str = "", whole: bool = False) -> dict:
    """A page's citation in every format, for the release in which it last changed."""
    info = index.info
    release = index.release_of(path)
    # A citation names the edition of the release in which the page last changed (that text never changes) when that
    # edition is in the site, else the living page (Index.address_of).
    url = index.address_of(path, anchor)
    # The key names the page by its address, which never changes: whole words, one page one key.
    key = works.slug_key(
        _first_family(info), release["date"][:4], "review" if whole else pages.key_of(path).removesuffix("/index")
    )
    current_to = index.search["current_to"]
    item = works.page_item(key, info, info["title"] if whole else title, url, release, description, whole, current_to)
    intext = works.labels({key: item})[key]
    return {
        "item": item,
        "current_to": current_to,
        "living": addresses.absolute(info["url"], path, anchor),
        "editions": index.editions_of(path),
        "key": key,
        "url": url,
        "release": release,
        "apa_html": works.apa(item),
        "apa_text": works.apa(item, html_out=False),
        "intext": f"({intext})",
        "bibtex": works.bibtex(item),
        "ris": works.ris(item),
        "csl": works.csl_json([item]),
        "coins": works.coins(item),
    }


def _first_family(info) -> str:
    first = works.site_author(info["authors"][0])
    return first.literal or first.family


def finding_cite(index, fid: str) -> str:
    """The citation of one finding: its page, with the finding's id as locator (the same in every edition, as the
    page shows it beside the finding) and its anchor as address; the in-text form names the edition, in which the
    finding's wording is fixed."""
    finding = index.findings[fid]
    cite = page_cite(index, finding["page"], finding["page_title"], anchor=fid)
    return f"{cite['apa_text']} In text: {finding_intext(cite, fid)}"


def finding_intext(cite: dict, fid: str) -> str:
    """`(SUD Psychedelics Review Team, 2026, Version 0.3.0, finding np-spines-mouse-mpfc)`."""
    return f"{cite['intext'][:-1]}, {cite['item']['edition']}, finding {fid})"


def study_cite(index, sid: str) -> dict:
    """A study page's first citation: the paper itself, in every format (its DOI and PMID included)."""
    bibliography = index.bibliography
    item = bibliography.items[sid]
    return {
        "item": item,
        "key": sid,
        "apa_html": bibliography.html[sid],
        "apa_text": bibliography.text[sid],
        "intext": f"({bibliography.labels[sid]})",
        "bibtex": works.bibtex(item),
        "ris": works.ris(item),
        "csl": works.csl_json([item]),
    }


def page_metadata(index, page, context) -> dict:
    """{cite, front}: the cite box's data and the page's front matter."""
    info = index.info
    description = abstract(page, info)
    whole = page.kind.name == "home"
    cite = page_cite(index, page.path, page.title, description=description, whole=whole)
    if page.kind.name == "study":  # a study page cites the paper first, and itself second
        cite["work"] = study_cite(index, page.item["id"])
    item = cite["item"]
    front: dict[str, Any] = {
        "title": html.escape(info["title"] if whole else page.title, quote=False),  # themes print titles as HTML
        "description": html.escape(description),  # Material prints it unescaped inside content="…"
    }
    tags = facets(page, index)
    if tags:
        front["tags"] = tags
    cited = [index.bibliography.items[sid] for sid in _cited(page, context, index)]
    review: dict[str, Any] = {
        "date": cite["release"]["date"],
        "canonical": cite["url"],  # the address the page gives out for itself: what Zotero saves, what its metadata names
        "jsonld": json.dumps(jsonld(index, page, item, cited, description), ensure_ascii=False, sort_keys=True).replace(
            "<", "\\u003c"
        ),
    }
    if page.kind.scholarly:
        review["highwire"] = highwire(item, cited, description)
    source = pages.source_of(page)
    if source:
        review["source"] = source  # the content file the page is made from (its "edit" link, where a repository is set)
    front["review"] = review
    return {"cite": cite, "front": front}


def _cited(page, context, index) -> list:
    """The studies a page cites, in reference-list order."""
    if page.kind.collection and page.item is not None and page.kind.collection != "pages":
        ids = index.cites.get((page.kind.collection, page.item["id"]), [])
    elif page.kind.collection == "pages":
        ids = index.cites.get(("pages", page.key), [])
    else:
        ids = []
    return sorted(set(ids))


def highwire(item: dict, cited: list, description: str) -> list:
    """Google Scholar's tags for one of the review's own articles: [name, content] pairs."""
    parts = item["issued"]["date-parts"][0]
    tags = [["citation_title", item["title"]]]
    tags += [["citation_author", works.apa_name(n) if not n.literal else n.literal] for n in works.names(item)]
    tags += [
        ["citation_publication_date", "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))],
        ["citation_inbook_title", item["container-title"]],
        ["citation_edition", item["edition"]],
        ["citation_public_url", item["URL"]],
        ["citation_abstract", description],
        ["citation_language", "en"],
    ]
    tags = [[name, works.meta_value(value)] for name, value in tags]
    tags += [["citation_reference", works.highwire_reference(work)] for work in cited]
    return tags


def jsonld(index, page, item: dict, cited: list, description: str) -> dict:
    """schema.org for the page, typed by its kind."""
    info = index.info
    kind = page.kind
    data = {
        "@context": "https://schema.org",
        "@type": kind.schema_type,
        "name": item["title"],
        "url": item["URL"],
        "description": description,
        "inLanguage": "en",
        "license": info["license_url"],
        "author": [works.schema_person(n) for n in works.names(item)],
        "datePublished": index.first_release_of(page.path)["date"],
        "dateModified": item_date(item),
        "version": index.release_of(page.path)["version"],
        "temporalCoverage": f"../{index.search['current_to']}",  # the evidence it covers, up to the search date
    }
    if kind.name != "home":
        data["isPartOf"] = {
            "@type": "WebSite",
            "name": info["title"],
            "url": addresses.absolute(info["url"], pages.page_path("home")),
        }
    if kind.schema_type == "ScholarlyArticle":
        data["headline"] = item["title"]
        data["citation"] = [works.schema_work(work) for work in cited]
    if kind.name == "study":
        data["about"] = works.schema_work(index.bibliography.items[page.item["id"]])
    elif kind.name == "trial":
        trial = index.trials.by_id[page.item["id"]]
        data["about"] = {
            "@type": "MedicalTrial",
            "name": page.item["title"] or trial.label,
            "identifier": trial.label,
            "url": trial.address,
        }
    elif kind.name == "substance":
        data["about"] = {"@type": "Drug", "name": page.item["name"]}
    elif kind.name == "therapy":
        data["about"] = {"@type": "MedicalTherapy", "name": page.item["name"]}
    elif kind.name == "glossary":
        data["hasDefinedTerm"] = [
            {
                "@type": "DefinedTerm",
                "name": entry["term"],
                "description": " ".join(entry["definition"].split()),
                "url": addresses.absolute(info["url"], *pages.address("glossary", entry["id"])),
                **({"termCode": entry["abbreviation"]} if entry.get("abbreviation") else {}),
            }
            for entry in index.ordered("glossary")
        ]
    elif kind.name == "data":  # Google's Dataset search needs a creator and a distribution per file
        data["creator"] = data["author"]
        data["isAccessibleForFree"] = True
        data["keywords"] = data_keywords()
        data["distribution"] = [
            {
                "@type": "DataDownload",
                "name": name,
                "encodingFormat": "application/json" if name.endswith(".json") else "text/csv",
                "contentUrl": index.file_address(index.release_of(page.path)["version"], f"data/{name}"),
            }
            for name in ["datapackage.json", *[f"{t}.{ext}" for t in data_tables() for ext in ("csv", "json")]]
        ]
    elif kind.name == "home":
        data["about"] = "Psychedelic-assisted therapy for substance use disorders and its potential mechanisms of action"
    return data


def data_tables() -> list[str]:
    """The open data's tables, in the order of every package."""
    return list(open_data.ALL_TABLES)


def data_keywords() -> list[str]:
    """The open data's keywords (as its package descriptor gives them)."""
    return list(open_data.KEYWORDS)


def item_date(item: dict) -> str:
    """An item's date as YYYY-MM-DD."""
    return "-".join(f"{p:02d}" for p in item["issued"]["date-parts"][0])


def facets(page, index) -> list:
    """Tags (Material's tags plugin) for a study or mechanism page: its evidence levels and substances."""
    if page.kind.name not in ("study", "mechanism"):
        return []
    findings = page.item["findings"] if page.kind.name == "mechanism" else [page.item]
    levels = sorted({f["evidence"] for f in findings}, key=list(EVIDENCE_LEVELS).index)
    names = sorted({index.data["substances"][s]["name"] for f in findings for s in f["substances"]})
    # Escaped like the title: Material's tags plugin prints tag names as HTML.
    return [
        html.escape(text, quote=False)
        for text in [f"Evidence: {EVIDENCE_LEVELS[level].label}" for level in levels] + [f"Substance: {name}" for name in names]
    ]
