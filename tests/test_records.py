"""Nothing lost on export, one record per thing: the expected fields of every cited work are read from content/
(not from the citation hub) and every format the site writes is parsed back with a real reader (bibtexparser,
rispy, json, the page's JSON-LD and Highwire tags) and compared with them. Then the pages' own records: the home
page is a book (never software), each page's key is whole words and unique, a study page cites the paper first,
and a finding's locator is its id."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import bibtexparser
import pytest
import rispy
import yaml
from bibtexparser.middlewares import LatexDecodingMiddleware
from conftest import ROOT

STUDIES = {p.stem: yaml.safe_load(p.read_text()) for p in sorted((ROOT / "content" / "studies").glob("*.yaml"))}


def words(text) -> str:
    """Letters and digits, lower case: titles are sentence-cased and protected differently per format."""
    return re.sub(r"[^a-z0-9]+", "", str(text).lower())


def expected(study: dict) -> dict:
    """What every format must carry of a study, from its content record alone."""
    want = {
        "title": words(study["title"]),
        "families": [a.split(",")[0].strip() for a in study["authors"]],
        "year": str(study["year"]),
        "container": study.get("journal") or study.get("book_title"),
        "url": f"https://doi.org/{study['doi']}" if study.get("doi") else None,
        "incomplete": bool(study.get("authors_incomplete")),
    }
    for key in ("publisher", "edition", "volume", "issue", "pages", "doi", "pmid"):
        want[key] = str(study[key]) if study.get(key) is not None else None
    return want


@pytest.fixture(scope="module")
def bib(real_outputs):
    library = bibtexparser.parse_string(real_outputs["references.bib"], append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks
    return {e.key: {f.key: f.value for f in e.fields} for e in library.entries}


@pytest.fixture(scope="module")
def ris(real_outputs):
    return {r["id"]: r for r in rispy.loads(real_outputs["references.ris"])}


@pytest.fixture(scope="module")
def csl(real_outputs):
    return {i["id"]: i for i in json.loads(real_outputs["references.json"])}


def front(text: str) -> dict:
    return yaml.load(text.split("---\n")[1], Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@pytest.mark.parametrize("sid", list(STUDIES))
def test_bibtex_carries_every_field_of_the_content(bib, sid):
    want, got = expected(STUDIES[sid]), bib[sid]
    assert words(got["title"]) == want["title"]
    assert [a.split(",")[0].strip() for a in got["author"].split(" and ")] == want["families"]
    assert got["year"] == want["year"]
    assert got.get("journal", got.get("booktitle", "")).strip("{}") == (want["container"] or "")
    for key, field in (("publisher", "publisher"), ("edition", "edition"), ("volume", "volume"), ("issue", "number")):
        assert got.get(field) == want[key], key
    assert (got.get("pages") or "").replace("--", "-").replace("\u2013", "-") == (want["pages"] or "")
    assert (got.get("doi"), got.get("url"), got.get("pmid")) == (want["doi"], want["url"], want["pmid"])
    assert ("incomplete" in got.get("note", "")) == want["incomplete"]


@pytest.mark.parametrize("sid", list(STUDIES))
def test_ris_carries_every_field_of_the_content(ris, sid):
    want, got = expected(STUDIES[sid]), ris[sid]
    assert words(got["title"]) == want["title"]
    assert [a.split(",")[0].strip() for a in got["authors"]] == want["families"]
    assert got["year"] == want["year"] and got.get("secondary_title") == want["container"]
    for key, field in (("publisher", "publisher"), ("edition", "edition"), ("volume", "volume"), ("issue", "number")):
        assert got.get(field) == want[key], key
    pages = "-".join(p for p in (got.get("start_page"), got.get("end_page")) if p)
    assert pages == (want["pages"] or "")
    assert (got.get("doi"), (got.get("urls") or [None])[0]) == (want["doi"], want["url"])
    pmid = got.get("unknown_tag", {}).get("M2", [])
    assert pmid == ([f"PMID: {want['pmid']}"] if want["pmid"] else [])
    assert any("incomplete" in n for n in got.get("notes", [])) == want["incomplete"]


@pytest.mark.parametrize("sid", list(STUDIES))
def test_csl_json_carries_every_field_of_the_content(csl, sid):
    want, got = expected(STUDIES[sid]), csl[sid]
    assert words(got["title"]) == want["title"]
    assert [a.get("family", a.get("literal")) for a in got["author"]] == want["families"]
    assert str(got["issued"]["date-parts"][0][0]) == want["year"] and got.get("container-title") == want["container"]
    for key, field in (("publisher", "publisher"), ("edition", "edition"), ("volume", "volume"), ("issue", "issue")):
        assert got.get(field) == want[key], key
    assert (got.get("page"), got.get("DOI"), got.get("URL"), got.get("PMID")) == (
        want["pages"],
        want["doi"],
        want["url"],
        want["pmid"],
    )
    assert ("incomplete" in got.get("note", "")) == want["incomplete"]


def _container(ld: dict) -> dict:
    """{volume, issue, name} of a schema.org work's container chain."""
    out, part = {}, ld.get("isPartOf")
    while part:
        out[{"PublicationIssue": "issue", "PublicationVolume": "volume"}.get(part["@type"], "name")] = part.get(
            "issueNumber", part.get("volumeNumber", part.get("name"))
        )
        part = part.get("isPartOf")
    return out


@pytest.mark.parametrize("sid", list(STUDIES))
def test_json_ld_carries_every_field_of_the_content(real_outputs, sid):
    want = expected(STUDIES[sid])
    about = json.loads(front(real_outputs[f"studies/{sid}.md"])["review"]["jsonld"])["about"]
    assert words(about["name"]) == want["title"] and about["datePublished"] == want["year"]
    assert [a["familyName"] for a in about["author"]] == want["families"]
    chain = _container(about)
    assert (chain.get("name"), chain.get("volume"), chain.get("issue")) == (want["container"], want["volume"], want["issue"])
    assert (about.get("bookEdition"), about.get("pagination"), about.get("publisher", {}).get("name")) == (
        want["edition"],
        want["pages"],
        want["publisher"],
    )
    ids = {i["propertyID"]: i["value"] for i in about.get("identifier", [])}
    assert (ids.get("DOI"), ids.get("PMID"), about.get("url")) == (want["doi"], want["pmid"], want["url"])


def highwire_references(real_outputs) -> dict[str, dict]:
    """{title words: {field: [values]}} of every citation_reference tag on the site."""
    out: dict[str, dict] = {}
    for path, text in real_outputs.items():
        if path.endswith(".md"):
            for name, value in front(text)["review"].get("highwire", []):
                if name == "citation_reference":
                    fields: dict[str, list] = {}
                    for part in value.split(";"):  # as Google Scholar and Zotero split it
                        key, _, val = part.strip().partition("=")
                        fields.setdefault(key, []).append(val)
                    out[words(fields["citation_title"][0])] = fields
    return out


def test_highwire_references_carry_every_field_of_the_content(real_outputs):
    references = highwire_references(real_outputs)
    cited = [sid for sid in STUDIES if words(STUDIES[sid].get("sentence_case_title") or STUDIES[sid]["title"]) in references]
    assert len(cited) > 20
    for sid in cited:
        want = expected(STUDIES[sid])
        got = references[words(STUDIES[sid].get("sentence_case_title") or STUDIES[sid]["title"])]
        assert [a.split(",")[0] for a in got["citation_author"]] == want["families"], sid
        for key in ("volume", "issue", "doi", "pmid", "edition", "publisher"):
            assert got.get(f"citation_{key}", [None]) == [want[key]], (sid, key)


def test_the_issue_without_a_volume_reaches_every_format(bib, ris, csl, real_outputs):
    for sid in ("barrett2020", "reinwald2023"):
        assert STUDIES[sid].get("issue") and not STUDIES[sid].get("volume")
        assert bib[sid]["number"] == ris[sid]["number"] == csl[sid]["issue"] == STUDIES[sid]["issue"]


# ------------------------------------------------------------------------------------------------ the pages


def boxes(text: str, css: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(rf'<code class="{css}">(.*?)</code>', text, re.S)]


def test_the_home_page_is_a_book_with_an_edition_never_software(real_outputs):
    item = json.loads(boxes(real_outputs["index.md"], "cite-csl")[0])[0]
    assert item["type"] == "book" and item["edition"].startswith("Version ") and "version" not in item
    entry = boxes(real_outputs["index.md"], "cite-bibtex")[0]
    assert entry.startswith("@book{") and "version =" not in entry and "edition = {Version " in entry


def test_every_page_record_has_year_and_date_and_a_key_of_whole_words(real_outputs):
    keys = {}
    for path, text in real_outputs.items():
        if not path.endswith(".md"):
            continue
        entry = boxes(text, "cite-bibtex")[-1]  # the page's own box (a study page's second)
        library = bibtexparser.parse_string(entry)
        fields = {f.key: f.value for f in library.entries[0].fields}
        assert re.fullmatch(r"\d{4}", fields["year"]) and fields["date"].startswith(fields["year"]), path
        key = library.entries[0].key
        slug = "review" if path == "index.md" else path.removesuffix(".md").removesuffix("/index").replace("/", "-")
        assert key.endswith("-" + slug), (key, path)
        keys.setdefault(key, []).append(path)
    assert all(len(paths) == 1 for paths in keys.values()), [k for k, p in keys.items() if len(p) > 1]


def test_a_study_page_cites_the_paper_first_and_itself_second(real_outputs):
    page = real_outputs["studies/nardou2019.md"]
    assert page.index("## Cite this study { #cite-this-study") < page.index("## Cite this page of the review { #cite-this-page")
    paper, itself = (json.loads(b)[0] for b in boxes(page, "cite-csl"))
    assert paper["id"] == "nardou2019" and paper["DOI"] == "10.1038/s41586-019-1075-9" and paper["PMID"] == "30944474"
    assert itself["type"] == "entry-encyclopedia" and itself["URL"].endswith("/studies/nardou2019/")
    assert "pmid = {30944474}" in boxes(page, "cite-bibtex")[0] and "M2  - PMID: 30944474" in boxes(page, "cite-ris")[0]
    assert page.count('class="Z3988"') == 1 and "rft.title=Nardou" in page  # the page's COinS stays the page


def test_a_finding_is_cited_by_its_id_with_the_edition(real_outputs, real_renderer):
    page = real_outputs["mechanisms/neuroplasticity.md"]
    assert "Finding <code>np-spines-mouse-mpfc</code>" in page and not re.search(r"Finding \d", page)
    citation = html.unescape(re.search(r'data-cite="([^"]*np-spines-mouse-mpfc\)[^"]*)"', page).group(1))
    version = real_renderer.index.releases[0]["version"]
    assert citation.endswith(f"(SUD Psychedelics Review Team, 2026, Version {version}, finding np-spines-mouse-mpfc)")


def test_page_descriptions_are_plain_text(real_outputs):
    for name in ("about.md", "contribute.md"):
        description = front(real_outputs[name])["description"]
        assert "#" not in description and not re.search(r"[a-z][A-Z]", description.replace("SUDs", "")), description


def test_content_has_the_fields_this_test_reads():
    assert Path(ROOT / "content" / "studies").is_dir() and len(STUDIES) > 50
