"""What reference managers and search engines read from a page: exactly one COinS span, describing the page
itself; JSON-LD typed by the kind of page; Highwire tags only on the review's own articles."""

import functools
import html
import json
import re
from urllib.parse import parse_qs

import pytest
import yaml
from review.outputs.pages import KINDS

SCHOLARLY = {k.name for k in KINDS if k.scholarly}


@functools.cache
def front(text):
    """A page's front matter (parsed once per page for the whole module, with libyaml where it is there)."""
    return yaml.load(text.split("---\n")[1], Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def pages(real_outputs):
    return {path: text for path, text in real_outputs.items() if path.endswith(".md")}


def coins_of(text):
    spans = re.findall(r'<span class="Z3988" title="([^"]*)"></span>', text)
    return [parse_qs(html.unescape(span)) for span in spans]


def test_every_page_has_one_coins_span_and_it_describes_the_page(real_outputs, real_renderer):
    info = real_renderer.index.info
    for page in real_renderer.pages:
        text = real_outputs[page.path]
        spans = coins_of(text)
        assert len(spans) == 1, page.path
        fields = spans[0]
        expected_title = info["title"] if page.kind.name == "home" else page.title
        assert fields["rft.title"] == [expected_title], page.path
        assert fields["rft.aucorp"] == ["SUD Psychedelics Review Team"] and "rft.au" not in fields
        edition = real_renderer.index.release_of(page.path)["version"]  # the edition of the page's last change
        # named only when the site carries that edition and the edition holds the page (a page added since is not in it)
        manifest = real_renderer.index.editions.get(edition, {})
        built = page.path.removesuffix(".md").removesuffix("/index") in manifest.get("pages", []) or (
            page.path == "index.md" and "index" in manifest.get("pages", [])
        )
        assert fields["rft.identifier"] == [
            real_renderer.index.info["url"]
            + (f"editions/{edition}/" if built else "")
            + ("" if page.path == "index.md" else page.path.removesuffix(".md").removesuffix("/index") + "/")
        ]
        assert fields["rft.type"] == (["book"] if page.kind.name == "home" else ["encyclopediaArticle"])
        assert fields["rft.description"][0].strip()
        if page.kind.name != "home":
            assert fields["rft.source"] == [info["title"]]


def test_highwire_tags_only_on_the_reviews_own_articles(real_outputs, real_renderer):
    for page in real_renderer.pages:
        review = front(real_outputs[page.path])["review"]
        assert ("highwire" in review) is (page.kind.name in SCHOLARLY), page.path


def test_highwire_names_the_group_author_whole_and_the_review_as_container(real_outputs, real_renderer):
    tags = dict(
        (n, v) for n, v in front(real_outputs["mechanisms/neuroplasticity.md"])["review"]["highwire"] if n != "citation_reference"
    )
    assert tags["citation_author"] == "SUD Psychedelics Review Team"
    assert tags["citation_inbook_title"].startswith("Psychedelic-assisted therapy for substance use disorders")
    # the date of the release in which the page last changed (Highwire writes it with slashes)
    changed = real_renderer.index.release_of("mechanisms/neuroplasticity.md")["date"]
    assert tags["citation_publication_date"] == changed.replace("-", "/") and len(changed) == 10


EXPECTED_TYPES = {
    "home": "WebSite",
    "page": "WebPage",
    "mechanism": "ScholarlyArticle",
    "study": "CreativeWork",
    "glossary": "DefinedTermSet",
    "studies": "CollectionPage",
    "editing": "WebPage",
}


@pytest.mark.parametrize("kind, schema_type", sorted(EXPECTED_TYPES.items()))
def test_json_ld_is_typed_by_the_kind_of_page(real_outputs, real_renderer, kind, schema_type):
    page = next(p for p in real_renderer.pages if p.kind.name == kind)
    data = json.loads(front(real_outputs[page.path])["review"]["jsonld"])
    assert data["@type"] == schema_type
    assert data["author"] == [{"@type": "Organization", "name": "SUD Psychedelics Review Team"}]


def test_a_study_page_says_which_work_it_is_about(real_outputs):
    about = json.loads(front(real_outputs["studies/sampedro2017.md"])["review"]["jsonld"])["about"]
    assert about["@type"] == "ScholarlyArticle"
    assert {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.1093/ijnp/pyx036"} in about["identifier"]
    assert len(about["author"]) == 17
    assert about["author"][1] == {
        "@type": "Person",
        "familyName": "de la Fuente Revenga",
        "givenName": "M.",
        "name": "M. de la Fuente Revenga",
    }


def test_cited_works_in_json_ld_have_all_their_authors(real_outputs):
    cited = json.loads(front(real_outputs["mechanisms/neuroplasticity.md"])["review"]["jsonld"])["citation"]
    ly = next(w for w in cited if w["name"].startswith("Psychedelics promote"))
    assert (
        len(ly["author"]) == 16
        and ly["isPartOf"]["@type"] == "PublicationIssue"
        and ly["isPartOf"]["isPartOf"]["isPartOf"]["name"] == "Cell Reports"
    )


def test_json_ld_cannot_close_its_script_element(real_outputs):
    for text in pages(real_outputs).values():
        assert "</" not in front(text)["review"]["jsonld"]


def test_the_page_title_is_written_for_themes_that_print_it_as_html(real_outputs, real_renderer):
    # Material prints page.meta.title unescaped in <title>, the header and the navigation.
    for page in real_renderer.pages:
        title = front(real_outputs[page.path])["title"]
        assert "<" not in title
        assert html.unescape(title) == (real_renderer.index.info["title"] if page.kind.name == "home" else page.title)
