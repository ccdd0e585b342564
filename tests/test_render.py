"""Render phase: the fixture review renders exactly to its golden files (`make golden` regenerates them), and
what the pages must show holds for the fixture and the real content."""

import inspect
import posixpath
import re

import pytest
from conftest import FIXTURE, ROOT, TEMPLATES
from review.commands.build import build, renderer
from review.model.schema import COLLECTIONS
from review.outputs import addresses, pages
from review.outputs.data import leaf_fields
from review.outputs.render import heading
from review.outputs.works import study_item
from review.synthesis import characteristics

GOLDEN = ROOT / "tests" / "golden"
GOLDEN_FILES = sorted(p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def OUT() -> dict:
    """{site path: text} of the fixture review."""
    return build(FIXTURE, TEMPLATES)


def test_golden_set_matches_the_outputs(OUT):
    assert sorted(OUT) == GOLDEN_FILES


@pytest.mark.parametrize("path", GOLDEN_FILES)
def test_output_matches_golden(OUT, path):
    expected = (GOLDEN / path).read_bytes().decode("utf-8")  # bytes: CSV keeps its CRLF line ends
    assert OUT[path] == expected, f"{path} differs; run `make golden` if intended"


def test_render_is_deterministic(OUT):
    assert build(FIXTURE, TEMPLATES) == OUT


def test_a_finding_has_its_anchor_and_its_study_links_back(OUT):
    assert 'id="pl-spines-mice"' in OUT["mechanisms/plasticity.md"]
    assert 'href="../../mechanisms/plasticity/#pl-spines-mice"' in OUT["studies/shao2021.md"]


def test_an_inline_citation_is_not_repeated_after_the_statement(OUT):
    statement = re.search(
        r'id="pl-not-in-humans">\n<p class="finding-statement">(.*?)</p>', OUT["mechanisms/plasticity.md"]
    ).group(1)
    assert statement.count("Rieser et al., 2021") == 1


def test_a_study_lists_every_place_that_cites_it_even_in_prose(OUT, real_outputs):
    # The hand-written home page and a topic's prose cite works outside any finding (issue: one-way links).
    assert 'href="../../topics/background/"' in OUT["studies/rieser2021.md"]
    assert 'href="../../"' in OUT["studies/shao2021.md"]
    assert 'href="../../mechanisms/subjective-experience/"' in real_outputs["studies/starosta2006.md"]


def test_every_reference_in_every_field_is_listed_on_the_page_it_points_to(OUT, real_renderer):
    index = real_renderer.index
    for (collection, target), places in index.referrers.items():
        if collection in ("studies", "trials", "questions", "therapies"):
            page = real_renderer.render_page(
                next(p for p in real_renderer.pages if p.kind.collection == collection and p.item["id"] == target)
            )
            for place in places:
                href = real_renderer.href(place.path, page.path, place.finding or "")
                assert f'href="{href}"' in page.text, (collection, target, place)


@pytest.mark.parametrize(
    "text", ["A *b* [c](d) {#e} <f> & g | h # i `j`", "1. Not a list", "-- not a rule --", "Title: subtitle"]
)
def test_heading_text_is_markdown_escaped(OUT, text):
    import markdown

    html = markdown.markdown(f"## {heading(text)} {{ #x }}", extensions=["attr_list"])
    assert re.sub(r"<[^>]+>", "", html).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">") == " ".join(text.split())


def test_the_offline_copy_links_to_html_files(OUT):
    pages = {out.path: out.text for out in renderer(FIXTURE, TEMPLATES, directory_urls=False).render()}
    assert 'href="../studies/shao2021.html#' not in pages["mechanisms/plasticity.md"]
    assert 'href="../studies/shao2021.html"' in pages["mechanisms/plasticity.md"]


# Study fields that a study's page does not show, each with the reason (the open data has its own list).
NOT_ON_THE_STUDY_PAGE = {
    "checked.mirrors": "kept for audits and never shown to readers",
    "checked.also": "the editors' other addresses, kept with the record",
    "characteristics.effect.favours": "the direction in which the forest plots draw the estimate",
}


def _shown_by(text: str, key: str) -> bool:
    """Whether code or a template reads a field by name: `item.key`, `c.key`, `'key'` or `"key"`."""
    return re.search(rf"\.{key}\b|['\"]{key}['\"]", text) is not None


@pytest.mark.parametrize("path", sorted(leaf_fields(COLLECTIONS["studies"])))
def test_every_study_field_shows_on_the_study_page(path):
    """A field added to the content model but to no template fails here (the open data takes it by itself):
    the study template, the reference (works.study_item) or the characteristics box (characteristics.ROWS)
    must read it, or it is listed above with the reason."""
    if path in NOT_ON_THE_STUDY_PAGE:
        return
    readers = (TEMPLATES / "study.html.j2").read_text() + inspect.getsource(study_item) + inspect.getsource(characteristics)
    assert _shown_by(readers, path.rsplit(".", 1)[-1]), f"{path} is shown nowhere on a study's page"


def test_no_template_links_to_a_page_by_its_path():
    """Pages are linked by kind and id (page_url, entity, place_url ...): an address lives in pages.py only."""
    for template in sorted(TEMPLATES.glob("*.j2")):
        assert not re.findall(r"""['"][\w/-]+\.md['"]\s*\|\s*href|\.md['"]\s*\)\s*\|\s*href""", template.read_text()), (
            template.name
        )


HREF = re.compile(r'href="([^"#:]*)(?:#[^"]*)?"')


def reachable(outputs: dict, nav: list, directory_urls: bool = True) -> set:
    """The pages reached from the home page by following the links of each page and of the navigation."""
    by_address = {addresses.served(path, directory_urls): path for path in outputs if path.endswith(".md")}
    in_nav = set(re.findall(r"'([^']+\.md)'", str(nav)))
    seen, todo = set(), ["index.md", *in_nav]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        folder = addresses.served(path, directory_urls)
        folder = folder.rstrip("/") if folder.endswith("/") else folder.rpartition("/")[0]
        for link in HREF.findall(outputs[path]):
            target = posixpath.normpath(posixpath.join(folder, link)) if link else folder
            target = "" if target == "." else target + ("/" if link.endswith("/") and target else "")
            if target in by_address:
                todo.append(by_address[target])
    return seen


@pytest.mark.parametrize("content", ["fixture", "real"])
def test_every_page_is_reachable_from_the_home_page(OUT, real_outputs, real_renderer, content):
    """No orphans: every generated page can be reached by links from the home page (the navigation included)."""
    if content == "fixture":
        outputs, made = OUT, renderer(FIXTURE, TEMPLATES)
    else:
        outputs, made = real_outputs, real_renderer
    assert reachable(outputs, pages.navigation(made.pages)) == {p for p in outputs if p.endswith(".md")}


def test_an_orphan_page_is_found():
    outputs = {"index.md": '<a href="about/">About</a>', "about.md": "", "orphan.md": '<a href="../">Home</a>'}
    assert reachable(outputs, []) == {"index.md", "about.md"}


def test_no_page_shows_a_findings_id_as_text(real_outputs, real_renderer):
    """A finding is shown by its page and number ("Induced neuroplasticity, finding 3"); its id is an address."""
    ids = set(real_renderer.index.findings)
    shown = {}
    for path, text in real_outputs.items():
        if not path.endswith(".md"):
            continue
        body = text.split("\n---\n", 1)[1]  # after the front matter
        # Tags and their attributes, heading anchors, and code (the editing guide's examples of content are ids).
        words = re.sub(r"<code>.*?</code>|<[^>]+>|\{ #[^}]*\}", " ", body)
        found = {fid for fid in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", words) if fid in ids}
        if found:
            shown[path] = sorted(found)
    assert shown == {}


def test_two_mechanisms_may_share_an_outcome_id_and_the_course_pack_keeps_its_ids_unique(review_dir):
    # An outcome id is unique on its mechanism's page only (the check says no more), so the course pack, which prints
    # every mechanism on one page, prefixes its summary rows' anchors with the mechanism (the 10,000-study bench's
    # cloned mechanisms failed the strict build on `sof-…` ids repeated in print/mechanisms).
    text = (review_dir / "mechanisms" / "plasticity.yaml").read_text(encoding="utf-8")
    copy = re.sub(r"\b(id|outcome): pl-", r"\1: cp-", text.replace("id: plasticity", "id: plasticity-copy"))
    (review_dir / "mechanisms" / "plasticity-copy.yaml").write_text(copy.replace("order: 1", "order: 2"), encoding="utf-8")
    out = build(review_dir, TEMPLATES)
    pack = out["print/mechanisms.md"]
    ids = re.findall(r'\bid="([^"]+)"', pack) + re.findall(r"\{ #([^ }]+) \}", pack)
    assert "plasticity-sof-spines" in ids and "plasticity-copy-sof-spines" in ids
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []
    assert 'id="sof-spines"' in out["mechanisms/plasticity.md"]  # the page's own anchor is unchanged
