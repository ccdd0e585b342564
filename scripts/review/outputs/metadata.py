"""A page's citation and machine-readable metadata, all derived from the page's CSL item (see works.py):
the cite box's formats, the front matter the theme turns into Highwire tags and JSON-LD, and the COinS span."""

from __future__ import annotations

import html
import json
from typing import Any

from ..model import markup
from ..model.walk import findings_of
from . import addresses, pages, search, works
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
    key = page_key(info, release["date"][:4], pages.key_of(path).removesuffix("/index"), whole)
    current_to = index.search["current_to"]
    item = works.page_item(key, info, info["title"] if whole else title, url, release, description, whole, current_to)
    return page_formats(item) | {
        "current_to": current_to,
        "living": addresses.absolute(info["url"], path, anchor),
        "editions": index.editions_of(path),
        "url": url,
        "release": release,
    }


def formats(item: dict, key: str, intext: str, apa_html: str = "", apa_text: str = "") -> dict:
    """A work's citation in the formats a cite box shows, from its CSL item: the APA reference (HTML and plain
    text; a bibliography's own, where a year takes a letter), the in-text form, BibTeX, RIS and CSL-JSON."""
    return {
        "item": item,
        "key": key,
        "apa_html": apa_html or works.apa(item),
        "apa_text": apa_text or works.apa(item, html_out=False),
        "intext": f"({intext})",
        "bibtex": works.bibtex(item),
        "ris": works.ris(item),
        "csl": works.csl_json([item]),
    }


def page_formats(item: dict) -> dict:
    """A page's citation in every format, with the COinS span through which Zotero saves the page itself."""
    key = item["id"]
    return formats(item, key, works.labels({key: item})[key]) | {"coins": works.coins(item)}


def page_key(info, year: str, name: str, whole: bool = False) -> str:
    """A page's citation key: the first author, the year and the page's name (`mechanisms/neuroplasticity`), or
    `review` for the review itself. It names the page by its address, which never changes: whole words, one page
    one key."""
    first = works.site_author(info["authors"][0])
    return works.slug_key(first.literal or first.family, year, "review" if whole else name)


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
    return work_formats(index.bibliography, sid)


def work_formats(bibliography: works.Bibliography, sid: str) -> dict:
    """A cited work's citation in every format, as its bibliography shows it (its year's letter, `et al.`)."""
    return formats(bibliography.items[sid], sid, bibliography.labels[sid], bibliography.html[sid], bibliography.text[sid])


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
    if page.kind.hide:
        front["hide"] = list(page.kind.hide)
    cited = [index.bibliography.items[sid] for sid in _cited(page, context, index)]
    review: dict[str, Any] = {
        "date": cite["release"]["date"],
        "canonical": cite["url"],  # the address the page gives out for itself: what Zotero saves, what its metadata names
        "edition": {"version": cite["release"]["version"], "current_to": cite["current_to"]},  # printed on page one
        "jsonld": json.dumps(jsonld(index, page, item, cited, description), ensure_ascii=False, sort_keys=True).replace(
            "<", "\\u003c"
        ),
    }
    review["search"] = search.fields(page.kind.search, _levels(page))
    if page.kind.scholarly:
        review["highwire"] = highwire(item, cited, description)
    source = pages.source_of(page)
    if source:
        review["source"] = source  # the content file the page is made from (its "edit" link, where a repository is set)
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
    tags.append(["citation_publication_date", "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))])
    if item.get("container-title"):  # the home page is the review itself, in nothing
        tags.append(["citation_inbook_title", item["container-title"]])
    tags += [
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
