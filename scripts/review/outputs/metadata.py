"""A page's citation and machine-readable metadata, all derived from the page's CSL item (see works.py):
the cite box's formats, the front matter the theme turns into Highwire tags and JSON-LD, and the COinS span."""

from __future__ import annotations

import html
import json
from typing import Any

from ..model import markup
from ..model.walk import findings_of
from . import addresses, editions, pages, search, works


def abstract_of(text: str, limit: int = 300) -> str:
    """A page's description from a Markdown field: its words, cut at a word near `limit` characters."""
    words = markup.plain(text)
    if len(words) <= limit:
        return words
    return words[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def abstract(page, info) -> str:
    """The page's own description, in plain words."""
    item, kind = page.item, page.kind
    if kind.name == "page":
        return abstract_of(item.text)
    if kind.abstract_field:
        return abstract_of(item[kind.abstract_field])
    return kind.description or info["description"].strip()


def page_cite(index, path: str, title: str, anchor: str = "", description: str = "", whole: bool = False) -> dict:
    """A page's citation in every format, for the release in which it last changed."""
    info = index.info
    release = index.release_of(path)
    # A citation names the edition of the release in which the page last changed: that text never changes.
    url = addresses.absolute(editions.edition_url(info["url"], release["version"]), path, anchor)
    key = works.slug_key(_first_family(info), release["date"][:4], "review" if whole else title)
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
    """The citation of one finding: its page, with the finding as locator and its anchor as address."""
    finding = index.findings[fid]
    cite = page_cite(index, finding["page"], finding["page_title"], anchor=fid)
    intext = cite["intext"][:-1] + f", Finding {finding['number']})"
    return f"{cite['apa_text']} In text: {intext}"


def page_metadata(index, page, context) -> dict:
    """{cite, front}: the cite box's data and the page's front matter."""
    info = index.info
    description = abstract(page, info)
    whole = page.kind.name == "home"
    cite = page_cite(index, page.path, page.title, description=description, whole=whole)
    item = cite["item"]
    front: dict[str, Any] = {
        "title": html.escape(info["title"] if whole else page.title, quote=False),  # themes print titles as HTML
        "description": html.escape(description),  # Material prints it unescaped inside content="…"
    }
    if page.kind.hide:
        front["hide"] = list(page.kind.hide)
    cited = [index.bibliography.items[sid] for sid in _cited(page, context, index)]
    review: dict[str, Any] = {
        "date": cite["release"]["date"],
        "canonical": cite["url"],  # the edition's address: what Zotero saves, and what the page's metadata names
        "edition": {"version": cite["release"]["version"], "current_to": cite["current_to"]},  # printed on page one
        "jsonld": json.dumps(jsonld(index, page, item, cited, description), ensure_ascii=False, sort_keys=True).replace(
            "<", "\\u003c"
        ),
    }
    review["search"] = search.fields(page.kind.search, _levels(page))
    if page.kind.scholarly:
        review["highwire"] = highwire(item, cited, description)
    front["review"] = review
    return {"cite": cite, "front": front}


def _levels(page) -> list[str]:
    """The evidence levels of a page's study, or of its findings (a mechanism's, a topic's)."""
    if page.kind.name == "study":
        return [page.item["evidence"]]
    if page.kind.name in ("mechanism", "topic"):
        return [f["evidence"] for _, f in findings_of(page.kind.collection, page.item)]
    return []


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
        ["citation_public_url", item["URL"]],
        ["citation_abstract", description],
        ["citation_language", "en"],
    ]
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
        "version": item["version"],
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
        data["about"] = {
            "@type": "MedicalTrial",
            "name": page.item["title"],
            "identifier": page.item["nct"],
            "url": f"https://clinicaltrials.gov/study/{page.item['nct']}",
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
    elif kind.name == "home":
        data["about"] = "Psychedelic-assisted therapy for substance use disorders and its potential mechanisms of action"
    return data


def item_date(item: dict) -> str:
    """An item's date as YYYY-MM-DD."""
    return "-".join(f"{p:02d}" for p in item["issued"]["date-parts"][0])
