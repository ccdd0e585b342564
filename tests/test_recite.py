"""An old edition's citation apparatus is refreshed at install (outputs/recite.py): checked on two small editions
shaped like the real 0.1.0 and 0.2.0 (tests/fixtures/editions/), read back with html.parser, not with recite's own
patterns."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from conftest import ROOT, TEMPLATES, Apparatus
from review.outputs import editions, recite, works

EDITIONS = Path(__file__).parent / "fixtures" / "editions"
URL = "https://example.org/sud-psychedelics-review/"
VERSIONS = ("0.1.0", "0.2.0")
PAGES = ("index.html", "mechanisms/neuroplasticity/index.html", "studies/griffiths2011/index.html", "about/index.html")


def recital(site: Path) -> recite.Recital:
    manifests = {v: json.loads((EDITIONS / v / "manifest.json").read_text()) for v in VERSIONS}
    return recite.Recital(site, manifests, URL, TEMPLATES)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path]:
    """The two fixture editions installed into a site (a current home and mechanism page beside them)."""
    root = tmp_path_factory.mktemp("root")
    for version in VERSIONS:
        shutil.copytree(EDITIONS / version, root / editions.EDITIONS_DIR / "web" / version)
    site = tmp_path_factory.mktemp("site")
    for page in ("index.html", "changelog/index.html", "mechanisms/neuroplasticity/index.html"):
        (site / page).parent.mkdir(parents=True, exist_ok=True)
        (site / page).write_text("<html><body>current</body></html>")
    editions.install(root, site, VERSIONS, lambda v, link, ok: f"<aside>{v}</aside>", "web", recital(site).page)
    return root, site


def fields(coins: str) -> dict[str, list[str]]:
    return parse_qs(coins)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("page", PAGES)
def test_the_edition_page_is_saved_as_itself(installed, version, page):
    _, site = installed
    before = Apparatus((EDITIONS / version / "site" / page).read_text())
    after = Apparatus((site / "editions" / version / page).read_text())
    address = URL + f"editions/{version}/" + page.removesuffix("index.html")
    assert len(after.coins) == 1, "one COinS span, for the page (0.1.0 had one per cited work)"
    coins = fields(after.coins[0])
    assert coins["rft.identifier"] == [address]
    assert coins["rft.aucorp"] == ["SUD Psychedelics Review Team"] and "rft.au" not in coins  # the group whole
    assert coins["rft.edition"] == [f"Version {version}"]
    own = dict(m for m in after.meta if m[0] != "citation_reference")
    if own:  # the page's own Highwire tags, where it had them
        assert own["citation_public_url"] == address
        assert own["citation_edition"] == f"Version {version}"
        assert "citation_technical_report_number" not in own
    assert [m for m in after.meta if m[0] == "citation_reference"] == [m for m in before.meta if m[0] == "citation_reference"]
    for block in after.jsonld:
        data = json.loads(block)
        assert data["url"] == address and data["version"] == version
        assert data["author"] == [{"@type": "Organization", "name": "SUD Psychedelics Review Team"}]
    box = after.boxes[-1]
    assert f"(Version {version})" in box and f"(Version {version}; Version {version})" not in box
    assert f"Version {version}, released" in box and address in box


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("page", PAGES)
def test_only_the_apparatus_changes(installed, version, page):
    _, site = installed
    before = (EDITIONS / version / "site" / page).read_text()
    after = (site / "editions" / version / page).read_text()
    after = editions.BANNER.sub("", after).replace(f"<aside>{version}</aside>", "")
    assert Apparatus(after).outside() == Apparatus(before).outside()


@pytest.mark.parametrize("version", VERSIONS)
def test_a_study_page_cites_the_paper_first(installed, version):
    _, site = installed
    page = Apparatus((site / "editions" / version / "studies/griffiths2011/index.html").read_text())
    text = "".join(page.boxes)
    assert text.index("The paper itself, as published (DOI 10.1007/s00213-011-2358-5") < text.index("Version " + version)
    assert "@article{griffiths2011," in text
    assert fields(page.coins[0])["rft.type"] == ["encyclopediaArticle"]  # the page itself, not the paper


def test_installing_twice_gives_the_same_bytes(installed, tmp_path):
    root, site = installed
    first = {p: p.read_bytes() for p in (site / "editions").rglob("*.html")}
    again = recital(site)
    for path, data in first.items():
        version, relative = path.relative_to(site / "editions").as_posix().split("/", 1)
        assert again.page(version, relative, data.decode()) == data.decode(), path
    editions.install(root, site, VERSIONS, lambda v, link, ok: f"<aside>{v}</aside>", "web", again.page)
    assert {p: p.read_bytes() for p in (site / "editions").rglob("*.html")} == first


def test_a_page_without_apparatus_and_an_edition_without_review_stay_as_they_are(tmp_path):
    plain = "<html><head><title>Not found</title></head><body>404</body></html>"
    manifests = {"0.1.0": json.loads((EDITIONS / "0.1.0" / "manifest.json").read_text())}
    assert recite.Recital(tmp_path, manifests, URL, TEMPLATES).page("0.1.0", "x/index.html", plain) == plain
    page = (EDITIONS / "0.1.0" / "site" / "index.html").read_text()
    manifests["0.1.0"].pop("review")
    assert recite.Recital(tmp_path, manifests, URL, TEMPLATES).page("0.1.0", "index.html", page) == page


def test_a_format_2_manifest_gains_the_review_from_its_commit(tmp_path):
    # An old cache keeps working: the manifest is upgraded in place from two files of its commit (the site kept).
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True, text=True).stdout

    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "site.yaml").write_text("title: A review\nauthors: [The Team]\npublisher: The Team\n")
    (tmp_path / "content" / "search.yaml").write_text('current_to: "2026-01-01"\n')
    git("init", "-q")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "r")
    commit = git("rev-parse", "HEAD").strip()
    cached = tmp_path / editions.EDITIONS_DIR / "web" / "1.0.0"
    (cached / "site").mkdir(parents=True)
    (cached / "site" / "index.html").write_text("<html></html>")
    old = {"format": 2, "version": "1.0.0", "date": "2026-01-02", "commit": commit, "pages": ["index"], "findings": {}}
    (cached / "manifest.json").write_text(json.dumps(old))
    found = editions.available(tmp_path)["1.0.0"]
    assert found["format"] == editions.MANIFEST_FORMAT and found["pages"] == ["index"]
    assert found["review"] == {"title": "A review", "authors": [{"organisation": "The Team"}], "current_to": "2026-01-01"}
    assert json.loads((cached / "manifest.json").read_text())["review"] == found["review"]
    assert (cached / "site" / "index.html").read_text() == "<html></html>"


REAL = ROOT / "site" / "editions"
BUILT = ROOT / editions.EDITIONS_DIR / "web"


@pytest.mark.slow
@pytest.mark.skipif(not (REAL / "0.1.0").is_dir(), reason="the real editions are installed by `make editions site`")
@pytest.mark.parametrize("version", ["0.1.0", "0.2.0"])
def test_the_real_editions_read_as_their_pages_and_keep_their_text(version):
    # The real 0.1.0 and 0.2.0, as `make site` installed them from the cache: one COinS span per page, naming its
    # own edition, and outside the apparatus (and the banner) the page as the edition built it.
    for path in sorted((REAL / version).rglob("*.html")):
        relative = path.relative_to(REAL / version).as_posix()
        page = Apparatus(path.read_text())
        built = Apparatus((BUILT / version / "site" / relative).read_text())
        assert Apparatus(editions.BANNER.sub("", page.text)).outside() == built.outside(), path
        if relative == "404.html" or not built.boxes:
            continue
        assert len(page.coins) == 1, path
        assert not re.search(r'<meta name="citation_\w+" content="[^"]*">\n\s*\n\s*<meta name="citation_', page.text), path
        assert fields(page.coins[0])["rft.identifier"][0].endswith(f"editions/{version}/{relative}".removesuffix("index.html"))


def test_a_works_note_is_the_current_codes_where_the_edition_wrote_none():
    # Zotero keeps a chapter's DOI and any PMID only from CSL's note: 0.1.0 wrote no note (its boxes lost the DOI).
    chapter = {"id": "c", "type": "chapter", "title": "T", "author": [{"family": "A", "given": "B."}], "container-title": "C"}
    chapter |= {"issued": {"date-parts": [[2021]]}, "DOI": "10.1/x", "PMID": "9"}
    article = chapter | {"id": "a", "type": "article-journal", "note": "An old note"}
    made = works.Bibliography.of_items({"c": chapter, "a": article})
    assert made.items["c"]["note"] == "DOI: 10.1/x\nPMID: 9" and made.items["a"]["note"] == "PMID: 9"
