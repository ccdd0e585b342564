"""In a real browser (Playwright driving Debian's Chromium): navigate, cite, follow backlinks, search.

Outside CI a missing browser skips these tests; in CI (CI=true) it fails them.
"""

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest


class QuietHandler(SimpleHTTPRequestHandler):
    """A static file handler that does not log each request."""

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(built_site):
    """The built site served on a free loopback port."""
    handler = functools.partial(QuietHandler, directory=str(built_site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def page(browser, server):
    """A fresh page, allowed to use the clipboard of the served origin."""
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    yield page
    context.close()


def test_reader_path_from_home_to_finding(server, page):
    page.goto(server + "/")
    assert "Psychedelic-assisted therapy for substance use disorders" in page.title()
    page.get_by_role("link", name="Mechanisms", exact=True).first.click()
    page.wait_for_url("**/mechanisms/")
    page.locator("article").get_by_role("link", name="Induced neuroplasticity").first.click()
    page.wait_for_url("**/mechanisms/neuroplasticity/")
    citation = page.locator("#np-spines-mouse-mpfc").get_by_role("link", name="Shao et al., 2021").first
    assert "Psilocybin induces rapid and persistent growth" in citation.get_attribute("title")
    citation.click()
    page.wait_for_url("**/studies/shao2021/")
    assert page.locator("h1").inner_text().startswith("Psilocybin induces rapid")
    page.locator("article a[href$='#np-spines-mouse-mpfc']").first.click()
    page.wait_for_url("**/mechanisms/neuroplasticity/#np-spines-mouse-mpfc")
    finding = page.locator("#np-spines-mouse-mpfc")
    assert finding.is_visible()
    assert page.evaluate("document.querySelector(':target').id") == "np-spines-mouse-mpfc"


def test_search_finds_a_term(server, page):
    page.goto(server + "/")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator("input.md-search__input").fill("tabernanthalog")
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=10_000)
    assert results.count() > 0
    assert "tabernanthalog" in page.locator(".md-search-result").inner_text().lower()


def test_studies_table_sorts_by_year(server, page):
    page.goto(server + "/studies/")
    year_header = page.locator(".sortable table th", has_text="Year")
    year_header.click()
    years = [int(t) for t in page.locator(".sortable table tbody tr td:nth-child(2)").all_inner_texts()]
    assert years == sorted(years)
    year_header.click()
    years = [int(t) for t in page.locator(".sortable table tbody tr td:nth-child(2)").all_inner_texts()]
    assert years == sorted(years, reverse=True)


def test_finding_cite_button_copies_a_reference_to_the_anchor(server, page):
    page.goto(server + "/mechanisms/neuroplasticity/")
    button = page.locator("#np-spines-mouse-mpfc .cite-button")
    button.click()
    page.wait_for_function("document.querySelector('#np-spines-mouse-mpfc .cite-button').textContent === 'Copied'")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("SUD Psychedelics Review Team. (")
    assert copied.endswith("/mechanisms/neuroplasticity/#np-spines-mouse-mpfc")


def test_cite_box_copy_button_copies_the_apa_reference(server, page):
    page.goto(server + "/mechanisms/neuroplasticity/")
    box = page.locator(".cite-box")
    box.scroll_into_view_if_needed()
    box.locator(".cite-apa").hover()
    box.locator("button[data-md-type='copy']").first.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.strip().startswith("SUD Psychedelics Review Team. (")
    assert "Induced neuroplasticity (Version " in copied
    assert copied.strip().endswith("/mechanisms/neuroplasticity/")


@pytest.mark.parametrize("label, parse", [
    ("BibTeX", lambda text: __import__("bibtexparser").parse_string(text).entries[0].fields_dict["url"].value),
    ("RIS", lambda text: __import__("rispy").loads(text)[0]["urls"][0]),
    ("CSL-JSON", lambda text: __import__("json").loads(text)[0]["URL"]),
])
def test_cite_box_downloads_a_file_that_parses(server, page, tmp_path, label, parse):
    page.goto(server + "/mechanisms/neuroplasticity/")
    button = page.locator(".cite-downloads").get_by_role("button", name=label, exact=True)
    button.scroll_into_view_if_needed()
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename.startswith("sud-psychedelics-review-team-")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert parse(target.read_text(encoding="utf-8")) == "https://example.org/sud-psychedelics-review/mechanisms/neuroplasticity/"


@pytest.mark.parametrize("path", ["/", "/mechanisms/neuroplasticity/", "/studies/", "/studies/shao2021/", "/questions/",
                                  "/glossary/", "/therapies/", "/topics/implementation/"])
def test_no_request_leaves_the_site(server, page, path):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(server + path, wait_until="networkidle")
    page.locator("input.md-search__input").fill("psilocybin")
    page.wait_for_timeout(500)
    assert requests and [url for url in requests if not url.startswith(server)] == []


PAGE_TYPES = ["/", "/about/", "/changelog/", "/editing/", "/mechanisms/", "/mechanisms/neuroplasticity/", "/topics/background/",
              "/studies/", "/studies/shao2021/", "/questions/", "/questions/optimal-dose/", "/trials/", "/trials/nct04141501/",
              "/substances/", "/substances/lsd/", "/therapies/", "/therapies/brenda/", "/glossary/",
              "/print/mechanisms/"]


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_axe_finds_no_serious_accessibility_violation(server, page, path):
    import axe_playwright_python  # ships axe-core's axe.min.js

    page.goto(server + path)
    page.add_script_tag(path=str(Path(axe_playwright_python.__file__).with_name("axe.min.js")))
    result = page.evaluate("axe.run({resultTypes: ['violations']})")
    serious = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_hovering_an_abbreviation_shows_its_definition(server, page):
    page.goto(server + "/mechanisms/neuroplasticity/")
    term = page.locator("article abbr[title]", has_text="TrkB").first
    assert term.get_attribute("title").startswith("Tropomyosin receptor kinase B: ")
    assert term.locator("xpath=ancestor::a").first.get_attribute("href").endswith("glossary/#trkb")
    term.hover()
    tooltip = page.locator(".md-tooltip2, .md-tooltip").filter(has_text="Tropomyosin receptor kinase B")
    tooltip.first.wait_for(state="visible", timeout=5_000)


@pytest.mark.parametrize("path", ["/mechanisms/neuroplasticity/"])
def test_printed_mechanism_page_is_a_clean_handout(server, page, path, tmp_path):
    from pypdf import PdfReader

    page.goto(server + path)
    page.emulate_media(media="print")
    assert page.locator(".md-header").count() == 1
    for hidden in [".md-header", ".md-tabs", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer", ".cite-button"]:
        for element in page.locator(hidden).all():
            assert element.evaluate("e => getComputedStyle(e).display") == "none", hidden
    pdf = tmp_path / "handout.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = "\n".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "Cite this page" in text and "Version " in text and "last changed" in text
    assert "example.org/sud-psychedelics-review/studies/shao2021/" in text.replace("\n", "")
    assert "Table of contents" not in text


def test_studies_table_filters(server, page):
    page.goto(server + "/studies/")
    rows = page.locator(".sortable table tbody tr")
    total = rows.count()
    page.locator("input.table-filter").fill("animal psilocybin")
    visible = [r for r in rows.all() if r.is_visible()]
    assert 0 < len(visible) < total
    assert all("animal" in r.inner_text().lower() and "psilocybin" in r.inner_text().lower() for r in visible)
