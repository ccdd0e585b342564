"""Citing: downloads that parse with independent parsers, reference-manager metadata in the built HTML,
CITATION.cff in step with content/site.yaml."""

import json
import re
import textwrap
import tomllib
from html.parser import HTMLParser
from urllib.parse import parse_qs

import bibtexparser
from bibtexparser.middlewares import LatexDecodingMiddleware
import pytest
import rispy
import yaml
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON

from conftest import ROOT
from review import citation
from review.build import build
from review.load import load
from review.render import Site

REVIEW = load(ROOT / "content")
SITE = Site(REVIEW)
STUDIES = SITE.data["studies"]
OUT = build(ROOT / "content", ROOT / "templates" / "pages")
MECHANISMS = sorted(SITE.data["mechanisms"])


def bib_titles(text):
    """{key: title} parsed by bibtexparser, LaTeX decoded (pylatexenc) and without the protecting braces."""
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    return {e.key: e.fields_dict["title"].value.strip("{}") for e in library.entries}


def test_latex_specials_round_trip():
    study = {"type": "journal-article", "authors": ["Doe, J."], "year": 2020, "title": "A & B: 50% of $5 on #1_x",
             "journal": "J & K"}
    assert bib_titles(citation.works_bibtex({"x": study})) == {"x": study["title"]}


def test_all_works_round_trip_through_bibtexparser():
    assert bib_titles(OUT["references.bib"]) == {sid: s["title"] for sid, s in STUDIES.items()}


def test_all_works_round_trip_through_rispy():
    records = rispy.loads(OUT["references.ris"])
    assert {r["id"]: r["title"] for r in records} == {sid: s["title"] for sid, s in STUDIES.items()}
    assert {r["id"]: r.get("doi") for r in records} == {sid: s.get("doi") for sid, s in STUDIES.items()}


def test_all_works_render_with_citeproc():
    source = CiteProcJSON(json.loads(OUT["references.json"]))
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for sid in sorted(STUDIES):
        bibliography.register(Citation([CitationItem(sid)]))
    rendered = [str(item) for item in bibliography.bibliography()]
    assert len(rendered) == len(STUDIES)
    for sid, study in STUDIES.items():
        assert any(study["title"].rstrip(".") in line for line in rendered), sid


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_mechanism_downloads_hold_the_works_it_cites(mechanism):
    cited = set(SITE.cited_in(SITE.data["mechanisms"][mechanism]))
    assert set(bib_titles(OUT[f"references/{mechanism}.bib"])) == cited
    assert {r["id"] for r in rispy.loads(OUT[f"references/{mechanism}.ris"])} == cited
    assert {item["id"] for item in json.loads(OUT[f"references/{mechanism}.json"])} == cited


@pytest.mark.parametrize("page", ["index.md", "mechanisms/neuroplasticity.md", "studies/shao2021.md", "questions/index.md"])
def test_page_cite_box_formats_parse_and_point_at_the_page(page):
    url = SITE.page_url(page)
    entry = bibtexparser.parse_string(cite_box_text(OUT[page], "cite-bibtex")).entries[0]
    assert entry.entry_type == "techreport"
    assert entry.fields_dict["url"].value == url
    assert entry.fields_dict["number"].value == "Version " + SITE.info["version"]
    assert rispy.loads(cite_box_text(OUT[page], "cite-ris"))[0]["urls"] == [url]
    assert json.loads(cite_box_text(OUT[page], "cite-csl"))[0]["URL"] == url


def cite_box_text(markdown, kind):
    """The text of one fenced block of a page's cite box (indented under its tab)."""
    block = re.search(rf"^    ``` {{ \.text \.{kind} }}\n(.*?)^    ```$", markdown, re.M | re.S)
    return textwrap.dedent(block.group(1))


class Head(HTMLParser):
    """Collects meta tags, JSON-LD and COinS spans of a page."""

    def __init__(self):
        super().__init__()
        self.meta, self.jsonld, self.coins, self._in_jsonld = [], [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("name", "").startswith("citation_"):
            self.meta.append((attrs["name"], attrs["content"]))
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_jsonld = True
        if tag == "span" and attrs.get("class") == "Z3988":
            self.coins.append(parse_qs(attrs["title"]))

    def handle_data(self, data):
        if self._in_jsonld:
            self.jsonld.append(json.loads(data))
            self._in_jsonld = False


def head_of(built_site, url_path):
    """Parse the built HTML page at url_path."""
    parser = Head()
    parser.feed((built_site / url_path / "index.html").read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_highwire_tags_for_zotero(built_site, mechanism):
    head = head_of(built_site, f"mechanisms/{mechanism}")
    tags = dict(head.meta)
    assert tags["citation_title"] == SITE.data["mechanisms"][mechanism]["title"]
    assert [v for k, v in head.meta if k == "citation_author"] == SITE.info["authors"]
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}", tags["citation_publication_date"])
    assert tags["citation_public_url"] == SITE.page_url(f"mechanisms/{mechanism}.md")
    assert tags["citation_technical_report_institution"] == SITE.info["publisher"]
    assert tags["citation_technical_report_number"] == SITE.info["version"]
    references = [v for k, v in head.meta if k == "citation_reference"]
    assert len(references) == len(SITE.cited_in(SITE.data["mechanisms"][mechanism]))
    assert all(r.startswith("citation_title=") for r in references)


def test_jsonld_and_coins(built_site):
    head = head_of(built_site, "mechanisms/neuroplasticity")
    (data,) = head.jsonld
    assert data["@type"] == "ScholarlyArticle"
    assert data["headline"] == "Induced neuroplasticity"
    assert data["version"] == SITE.info["version"]
    assert data["license"] == SITE.info["license_url"]
    assert data["isPartOf"]["name"] == SITE.info["title"]
    assert {"datePublished", "dateModified", "author", "citation"} <= set(data)
    titles = {c["rft.atitle"][0] for c in head.coins if "rft.atitle" in c}
    assert STUDIES["shao2021"]["title"] in titles


def test_every_finding_anchor_is_linked_from_its_studies():
    missing = []
    for fid, finding in SITE.findings.items():
        for sid in finding["studies"]:
            if f"#{fid})" not in OUT[f"studies/{sid}.md"]:
                missing.append(f"{sid} -> {fid}")
    assert missing == []


def test_citation_cff_matches_site_yaml():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["title"] == SITE.info["title"]
    assert cff["version"] == SITE.info["version"]
    assert str(cff["date-released"]) == SITE.info["date"]
    assert [a["name"] for a in cff["authors"]] == SITE.info["authors"]
    assert cff["url"] == SITE.info["url"]
    assert cff["license"] == SITE.info["license"].replace(" ", "-")


def test_release_version_is_the_project_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["version"] == SITE.info["version"] == SITE.releases[0]["version"]


@pytest.mark.parametrize("page", sorted(p for p in OUT if p.endswith(".md")))
def test_front_matter_is_what_yaml_and_json_write_for_the_cited_works(page):
    # Each work's part is serialised once and pasted into every page that cites it; the result must still be
    # exactly what yaml.dump and json.dumps write for the whole, and list the works the page cites.
    text = OUT[page].split("---\n", 2)[1]
    meta = yaml.safe_load(text)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    assert yaml.dump(meta, Dumper=dumper, allow_unicode=True, sort_keys=False, width=10_000) == text
    jsonld = json.loads(meta["jsonld"])
    assert json.dumps(jsonld, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c") == meta["jsonld"]
    cited = sorted({m.group(1) for m in re.finditer(r"data-href=\"[^\"]*/studies/([^/\"]+)/\"", OUT[page])})
    assert meta["citation"]["references"] == [SITE.work(sid)["highwire"] for sid in cited]
    assert jsonld["citation"] == [SITE.work(sid)["schema_org"] for sid in cited]
