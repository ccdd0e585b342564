"""In a real browser (Playwright driving Debian's Chromium): read, follow, cite, copy, download, search, print.

Outside CI a missing browser skips these tests; in CI (CI=true) it fails them.
"""

import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_reader_path_from_home_to_finding_and_back(server, page):
    page.goto(server + "/")
    assert page.title() == "Psychedelic-assisted therapy for substance use disorders: An evidence review"
    page.get_by_role("link", name="Mechanisms", exact=True).first.click()
    page.wait_for_url("**/mechanisms/")
    page.locator("article").get_by_role("link", name="Induced neuroplasticity").first.click()
    page.wait_for_url("**/mechanisms/neuroplasticity/")
    citation = page.locator("#np-spines-mouse-mpfc a.citation", has_text="Shao et al., 2021").first
    assert "Psilocybin induces rapid and persistent growth" in citation.get_attribute("title")
    citation.click()
    page.wait_for_url("**/studies/shao2021/")
    assert page.locator("h1").inner_text().startswith("Psilocybin induces rapid")
    page.locator("article a[href$='#np-spines-mouse-mpfc']").first.click()
    page.wait_for_url("**/mechanisms/neuroplasticity/#np-spines-mouse-mpfc")
    assert page.evaluate("document.querySelector(':target').id") == "np-spines-mouse-mpfc"


def test_search_finds_a_page_and_a_finding(server, page):
    page.goto(server + "/")
    page.get_by_role("link", name="Search", exact=True).first.click()
    page.wait_for_url("**/find/")
    page.locator(".pagefind-ui__search-input").fill("tabernanthalog")
    # Pagefind's UI shows placeholders first and fills each result in as its fragment arrives: wait for the two
    # results themselves rather than reading the titles once.
    links = page.locator(".pagefind-ui__result-link")
    links.filter(has_text=re.compile(r"^\s*Tabernanthalog\s*$")).first.wait_for(timeout=15_000)
    finding = links.filter(has_text=", finding ").first
    finding.wait_for(timeout=15_000)
    finding.click()
    page.wait_for_url("**#*")
    assert page.evaluate("document.querySelector(':target') !== null")


def test_studies_table_sorts_and_filters(server, page):
    page.goto(server + "/studies/")
    year = page.locator(".sortable table th", has_text="Year")
    year.click()
    years = [int(t) for t in page.locator(".sortable table tbody tr td:nth-child(2)").all_inner_texts()]
    assert years == sorted(years)
    rows = page.locator(".sortable table tbody tr")
    total = rows.count()
    page.locator("input.table-filter").fill("animal psilocybin")
    visible = [r for r in rows.all() if r.is_visible()]
    assert 0 < len(visible) < total


def test_the_evidence_map_filters_by_kind_of_evidence_and_substance(server, page):
    page.goto(server + "/evidence-map/")
    column = page.locator('.map-block[data-substance="all"] td[data-column="healthy-volunteers"]').first
    assert column.is_visible()
    page.locator(".map-filter input[value=healthy-volunteers]").uncheck()
    assert not column.is_visible()
    page.locator(".map-filter select").select_option("lsd")
    assert page.locator('.map-block[data-substance="lsd"]').is_visible()
    assert not page.locator('.map-block[data-substance="all"]').is_visible()
    assert not page.locator('.map-block[data-substance="psilocybin"]').is_visible()


def test_the_trials_table_filters_by_condition_substance_and_status(server, page):
    page.goto(server + "/trials/")
    rows = page.locator("#trials-classic tbody tr")
    total = rows.count()
    assert total >= 31
    count = page.locator(".trial-filter-count")
    assert count.inner_text() == f"Showing {total} of {total} trials."
    page.get_by_label("Condition", exact=True).select_option(label="Tobacco")
    tobacco = [r for r in rows.all() if r.is_visible()]
    assert 0 < len(tobacco) < total and all(r.get_attribute("data-condition") == "tobacco" for r in tobacco)
    assert count.inner_text() == f"Showing {len(tobacco)} of {total} trials."
    assert count.get_attribute("aria-live") == "polite"
    page.get_by_label("Condition", exact=True).select_option(label="All")
    page.get_by_label("Substance", exact=True).select_option(label="LSD")
    page.get_by_label("Status", exact=True).select_option(label="Not yet recruiting")
    shown = [r for r in rows.all() if r.is_visible()]
    assert [r.locator("td a").first.inner_text() for r in shown] == ["NCT05474989"]


@pytest.mark.parametrize(
    "path, controls, shown",
    [
        ("/evidence-map/", ".map-filter select, .map-filter input", ".map-block"),
        ("/trials/", ".trial-filter select", "#trials-classic tbody tr, #trials-related tbody tr"),
    ],
)
def test_without_javascript_a_filtered_page_shows_everything_and_no_dead_control(server, browser, path, controls, shown):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(server + path)
    assert tab.locator(controls).count() == 0
    items = tab.locator(shown)
    assert items.count() > 1 and all(item.is_visible() for item in items.all())
    context.close()


def test_the_characteristics_table_sorts_by_design(server, page):
    page.goto(server + "/characteristics/")
    page.locator(".sortable table th", has_text="Design").click()
    designs = page.locator(".sortable table tbody tr td:nth-child(2)").all_inner_texts()
    assert designs == sorted(designs, key=str.lower)


def test_a_findings_cite_button_copies_its_page_with_a_locator(server, page):
    page.goto(server + "/mechanisms/neuroplasticity/")
    page.locator("#np-spines-mouse-mpfc .cite-button").click()
    page.wait_for_function("document.querySelector('#np-spines-mouse-mpfc .cite-button').textContent === 'Copied'")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("SUD Psychedelics Review Team. (2026). Induced neuroplasticity. In Psychedelic-assisted therapy")
    assert re.search(
        r"/mechanisms/neuroplasticity/#np-spines-mouse-mpfc In text: "
        r"\(SUD Psychedelics Review Team, 2026, Version [0-9.]+, finding np-spines-mouse-mpfc\)$",
        copied,
    )


def read_clipboard(page):
    """{mime type: text} of the clipboard's first item."""
    return page.evaluate("""async () => {
        const [item] = await navigator.clipboard.read();
        const out = {};
        for (const type of item.types) out[type] = await (await item.getType(type)).text();
        return out;
    }""")


def canonical(page) -> str:
    return page.locator("link[rel=canonical]").get_attribute("href")


def test_the_cite_box_copies_the_reference_with_its_italics_and_as_plain_text(server, page):
    page.goto(server + "/mechanisms/neuroplasticity/")
    box = page.locator(".cite-box")
    box.scroll_into_view_if_needed()
    box.locator("button.cite-copy-rich").click()
    page.wait_for_function("document.querySelector('.cite-copy-rich').textContent === 'Copied'")
    copied = read_clipboard(page)
    assert "<i>Psychedelic-assisted therapy for substance use disorders: An evidence review</i>" in copied["text/html"]
    # The reference names the page's own address (its canonical one): the frozen edition of its last change when
    # that edition is in the site, else the living page (this site is built without editions).
    address = canonical(page)
    assert address == "https://example.org/sud-psychedelics-review/mechanisms/neuroplasticity/"
    assert re.fullmatch(
        r"SUD Psychedelics Review Team\. \(2026\)\. Induced neuroplasticity\. In Psychedelic-assisted therapy "
        r"for substance use disorders: An evidence review \(Version \d+\.\d+\.\d+\)\. " + re.escape(address),
        copied["text/plain"],
    )
    box.locator("button.cite-copy-plain").click()
    assert page.evaluate("navigator.clipboard.readText()") == copied["text/plain"]
    assert box.locator(".cite-intext-form").inner_text() == "(SUD Psychedelics Review Team, 2026)"


@pytest.mark.parametrize(
    "label, parse",
    [
        ("BibTeX", lambda text: __import__("bibtexparser").parse_string(text).entries[0].fields_dict["url"].value),
        ("RIS", lambda text: __import__("rispy").loads(text)[0]["urls"][0]),
        ("CSL-JSON", lambda text: json.loads(text)[0]["URL"]),
    ],
)
def test_the_cite_box_downloads_a_file_that_parses(server, page, tmp_path, label, parse):
    page.goto(server + "/mechanisms/neuroplasticity/")
    button = page.locator(".cite-downloads").get_by_role("button", name=label, exact=True)
    button.scroll_into_view_if_needed()
    with page.expect_download() as info:
        button.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert parse(target.read_text(encoding="utf-8")) == canonical(page)
    assert canonical(page) == "https://example.org/sud-psychedelics-review/mechanisms/neuroplasticity/"  # no editions here


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/mechanisms/neuroplasticity/",
        "/studies/",
        "/studies/shao2021/",
        "/questions/",
        "/glossary/",
        "/therapies/",
        "/topics/implementation/",
    ],
)
def test_no_request_leaves_the_site(server, page, path):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(server + path, wait_until="networkidle")
    page.goto(server + "/find/?q=psilocybin", wait_until="networkidle")
    page.locator(".pagefind-ui__result").first.wait_for(timeout=15_000)
    assert requests and [url for url in requests if not url.startswith(server)] == []


PAGE_TYPES = [
    "/",
    "/about/",
    "/changelog/",
    "/editing/",
    "/mechanisms/",
    "/mechanisms/neuroplasticity/",
    "/topics/background/",
    "/studies/",
    "/studies/shao2021/",
    "/questions/",
    "/questions/optimal-dose/",
    "/trials/",
    "/trials/nct04141501/",
    "/trials/nct02037126/",
    "/substances/",
    "/substances/lsd/",
    "/therapies/",
    "/therapies/brenda/",
    "/glossary/",
    "/evidence-map/",
    "/characteristics/",
    "/method/",
    "/print/mechanisms/",
]


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_axe_finds_no_serious_accessibility_violation(server, page, path):
    import axe_playwright_python  # ships axe-core's axe.min.js

    page.goto(server + path)
    page.add_script_tag(path=str(Path(axe_playwright_python.__file__).with_name("axe.min.js")))
    result = page.evaluate("axe.run({resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_hovering_a_glossary_term_shows_its_definition(server, page):
    page.goto(server + "/mechanisms/neuroplasticity/")
    term = page.locator("article abbr[title]", has_text="TrkB").first
    assert term.get_attribute("title").startswith("Tropomyosin receptor kinase B: ")
    term.hover()
    page.locator(".md-tooltip2, .md-tooltip").filter(has_text="Tropomyosin receptor kinase B").first.wait_for(
        state="visible", timeout=5_000
    )


def test_a_printed_mechanism_page_is_a_clean_handout(server, page, tmp_path):
    from pypdf import PdfReader

    page.goto(server + "/mechanisms/neuroplasticity/")
    page.emulate_media(media="print")
    for hidden in [".md-header", ".md-tabs", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer", ".cite-button"]:
        for element in page.locator(hidden).all():
            assert element.evaluate("e => getComputedStyle(e).display") == "none", hidden
    pdf = tmp_path / "handout.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = "\n".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "Cite this page" in text and "Version " in text and "last changed" in text
    assert "example.org/sud-psychedelics-review/studies/shao2021/" in text.replace("\n", "")
