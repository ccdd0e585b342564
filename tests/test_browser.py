"""In a real browser (Playwright driving Debian's Chromium): read, follow, cite, copy, download, search, print.

Outside CI a missing browser skips these tests; in CI (CI=true) it fails them.
"""

import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

pytestmark = pytest.mark.slow
# The newest release, which changed every page (its changelog entry lists no pages): what a printed page names.
VERSION = "Version " + yaml.safe_load((ROOT / "content" / "site.yaml").read_text(encoding="utf-8"))["version"]


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


def test_the_header_search_finds_a_page_and_a_finding(server, page):
    page.goto(server + "/")
    page.get_by_role("search", name="Search the review").get_by_label("Search the review").fill("tabernanthalog")
    page.keyboard.press("Enter")
    page.wait_for_url("**/find/?q=tabernanthalog")
    shown = results(page)
    assert shown[0] == ("SUBSTANCE", "../substances/tabernanthalog/") or shown[0][1].endswith("/substances/tabernanthalog/")
    finding = page.locator(".review-search-title a").filter(has_text=", finding ").first
    finding.wait_for(timeout=15_000)
    finding.click()
    page.wait_for_url("**#*")
    assert page.evaluate("document.querySelector(':target') !== null")


def results(page) -> list[tuple[str, str]]:
    """(what the result says it is, its address) of every result, in order (showing them all)."""
    page.locator(".review-search-result").first.wait_for(timeout=15_000)
    while page.locator(".review-search-more").count():
        shown = page.locator(".review-search-result").count()
        page.locator(".review-search-more").click()
        page.wait_for_function("n => document.querySelectorAll('.review-search-result').length > n", arg=shown)
    return [
        (r.locator(".review-search-kind").inner_text(), r.locator("a").get_attribute("href"))
        for r in page.locator(".review-search-result").all()
    ]


def test_search_puts_a_study_in_patients_before_a_rat_study(server, page):
    page.goto(server + "/find/?q=alcohol")
    shown = results(page)
    addresses = [href for _, href in shown]
    rat = next(n for n, href in enumerate(addresses) if href.endswith("/studies/reinwald2023/"))
    patients = [n for n, (kind, _) in enumerate(shown) if kind == "STUDY · PATIENTS WITH A SUBSTANCE USE DISORDER"]
    assert patients and max(patients) < rat
    groups = page.locator(".review-search-group").all_inner_texts()
    assert groups.index("Evidence from patients") < groups.index("Evidence from animals and cells")


@pytest.mark.parametrize(
    "field, value, said",
    [
        ("Kind of page", "Trial", lambda kind: kind == "TRIAL"),
        # A study or finding says its level; a mechanism or background page holds findings of several.
        ("Evidence", "Animal studies", lambda kind: kind.endswith("· ANIMAL STUDIES") or kind in ("MECHANISM", "BACKGROUND")),
    ],
    ids=["kind", "evidence"],
)
def test_search_filters_by_kind_of_page_and_by_evidence(server, page, field, value, said):
    page.goto(server + "/find/?q=psilocybin")
    everything = results(page)
    page.get_by_role("combobox", name=field, exact=True).select_option(value=value)
    page.wait_for_function("n => document.querySelectorAll('.review-search-result').length < n", arg=len(everything))
    filtered = results(page)
    assert filtered and all(said(kind) for kind, _ in filtered)
    assert value in page.url.replace("+", " ").replace("%20", " ")


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
    page.get_by_label("Show the map of").select_option("lsd")
    assert page.locator('.map-block[data-substance="lsd"]').is_visible()
    assert page.locator('.map-block[data-substance="all"]').is_visible()  # the main map always stays
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
    page.locator(".review-search-result").first.wait_for(timeout=15_000)
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
    "/studies/bogenschutz2022/",  # a trial's effects and risk of bias by domain
    "/outcomes/",
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
    "/find/?q=alcohol",
    "/data/",
    "/facets/",
    "/print/mechanisms/",
    "/no/such/page/",  # the 404 page, as a static host serves it for any missing address
]
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1366, "height": 768}


def at_width(browser, size):
    context = browser.new_context(viewport=size)
    return context, context.new_page()


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["390px", "1366px"])
@pytest.mark.parametrize("path", PAGE_TYPES)
def test_no_page_scrolls_sideways_and_axe_finds_no_serious_violation(server, browser, path, size):
    import axe_playwright_python  # ships axe-core's axe.min.js

    context, page = at_width(browser, size)
    page.goto(server + path)
    page.wait_for_load_state("load")
    if path.startswith("/find/"):
        page.locator(".review-search-result").first.wait_for(timeout=15_000)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= page.evaluate("innerWidth")
    page.add_script_tag(path=str(Path(axe_playwright_python.__file__).with_name("axe.min.js")))
    result = page.evaluate("axe.run({resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    context.close()
    assert serious == []


def test_the_404_page_is_styled_wherever_it_is_served(server, page):
    answer = page.goto(server + "/a/missing/page/")
    assert answer.status == 404
    assert page.locator(".md-header").evaluate("e => getComputedStyle(e).position") == "sticky"  # Material's styles
    assert page.locator(".md-sidebar--primary").evaluate("e => getComputedStyle(e).position") != "static"
    assert page.locator("h1").inner_text() == "404 - Not found"


# Each table's key columns (the first row's), on a phone: visible, inside the screen, and the rest behind "More".
KEY_COLUMNS = [
    ("/", ".overview", ["Mechanism", "Question", "Evidence", "Certainty"], []),
    ("/mechanisms/neuroplasticity/", ".summary-of-findings", ["Question", "What the evidence says", "Certainty"], ["Findings"]),
    ("/characteristics/", ".characteristics", ["Study", "Design", "Participants", "Main result as reported"], ["Population"]),
    ("/studies/", ".rt", ["Study", "Title", "Evidence"], ["Year", "Cited by"]),
    ("/trials/", ".trials-table", ["Trial", "Status", "Enrolment", "Results"], ["Condition", "Substance", "Phase"]),
    ("/evidence-map/", ".evidence-map", ["Mechanism", "Cell and animal", "Patients with SUD"], []),
    ("/topics/background/", ".forest-table", ["Study", "Odds ratio", "Confidence interval"], ["Comparison"]),
    ("/outcomes/", ".outcome-table", ["Outcome", "Effect", "Certainty", "What it means"], ["Trials (participants)"]),
    ("/studies/bogenschutz2022/", ".effects", ["Outcome", "Estimate"], ["Groups", "Note"]),
    ("/studies/bogenschutz2022/", ".risk-of-bias", ["Domain", "Judgement", "Support"], []),
]


@pytest.mark.parametrize("path, table, key, more", KEY_COLUMNS, ids=[f"{p}{t}" for p, t, _, _ in KEY_COLUMNS])
def test_on_a_phone_a_tables_key_columns_are_readable_and_the_rest_is_one_tap_away(server, browser, path, table, key, more):
    context, page = at_width(browser, PHONE)
    page.goto(server + path)
    row = page.locator(f"{table} table.rt-table > tbody > tr").first
    width = page.evaluate("innerWidth")
    for label in key:
        cell = row.locator(f':scope > [data-label="{label}"]')
        assert cell.is_visible(), label
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, label
    for label in more:
        assert not row.locator(f':scope > [data-label="{label}"]').is_visible(), label
    if more:
        row.get_by_role("button").click()
        assert all(row.locator(f':scope > [data-label="{label}"]').is_visible() for label in more)
    context.close()


@pytest.mark.parametrize("path", ["/characteristics/", "/evidence-map/", "/studies/", "/trials/"])
def test_at_desktop_width_a_table_heavy_page_gives_its_tables_the_window(server, browser, path):
    context, page = at_width(browser, DESKTOP)
    page.goto(server + path)
    assert not page.locator(".md-sidebar--secondary").is_visible()
    width = max(table.bounding_box()["width"] for table in page.locator("table.rt-table").all())  # not a table of counts
    assert width >= 0.9 * DESKTOP["width"]
    context.close()


def test_at_desktop_width_the_summary_of_findings_is_not_squeezed(server, browser):
    context, page = at_width(browser, DESKTOP)
    page.goto(server + "/mechanisms/neuroplasticity/")
    assert page.locator(".summary-of-findings table").bounding_box()["width"] >= 850
    context.close()


@pytest.mark.parametrize("path", ["/topics/background/", "/characteristics/", "/outcomes/"])
def test_forest_plots_are_legible_on_a_phone(server, browser, path):
    """Every text of every plot renders at 9 px or more: its font size in the SVG times the image's scale."""
    import xml.etree.ElementTree as ET

    context, page = at_width(browser, PHONE)
    page.goto(server + path)
    images = page.locator(".forest-plot img").all()
    assert images
    for image in images:
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.currentSrc", arg=image.element_handle())
        source, shown = image.evaluate("img => [img.currentSrc, img.getBoundingClientRect().width]")
        root = ET.fromstring(page.request.get(source).text())
        scale = shown / float(root.get("viewBox").split()[2])
        sizes = [float(t.get("font-size") or root.get("font-size")) for t in root.iter("{http://www.w3.org/2000/svg}text")]
        assert min(sizes) * scale >= 9, (source, min(sizes) * scale)
    context.close()


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
    hidden = [".md-header", ".md-tabs", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer", ".cite-button"]
    hidden += [".review-header-search", ".table-filter", ".rt-toggle", ".cite-copy", ".cite-downloads", ".downloads"]
    for selector in hidden:
        for element in page.locator(selector).all():
            assert element.evaluate("e => getComputedStyle(e).display") == "none", selector
    pdf = tmp_path / "handout.pdf"
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    pages = [p.extract_text() for p in PdfReader(pdf).pages]
    assert 3 <= len(pages) <= 8  # 11 before the print stylesheet
    first = pages[0].replace("\n", " ")
    assert VERSION in first and "Evidence current to" in first and "Summary of findings" in first
    assert len(first) > 1500  # not a mostly blank first page
    assert all(f"Page {n} of {len(pages)}" in text for n, text in enumerate(pages, start=1))
    text = "\n".join(pages)
    assert "Cite this page" in text and "last changed" in text
    assert "/studies/shao2021/" not in text.replace("\n", "")  # no address after each citation
    assert "Shao et al., 2021" in text


def test_the_course_pack_is_one_document_with_a_dated_cover_and_the_references_once(server, page, tmp_path, real_renderer):
    from pypdf import PdfReader

    page.goto(server + "/print/mechanisms/")
    pdf = tmp_path / "course-pack.pdf"
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    pages = [p.extract_text() for p in PdfReader(pdf).pages]
    assert len(pages) <= 40
    cover = pages[0]
    assert "Course pack" in cover and "Evidence current to" in cover and "How to cite" in cover and VERSION in cover
    mechanisms = real_renderer.index.ordered("mechanisms")
    for n, mechanism in enumerate(mechanisms, start=1):  # each starts a page
        heading = f"{n}. {mechanism['title']}"
        assert any(heading in p.split("\n")[:3] for p in pages), heading  # under the page's running footer
    text = "\n".join(pages)
    assert text.count("Shao, L.-X., Liao, C.") == 1  # a work cited by several mechanisms is listed once
    assert all(f"Page {n} of {len(pages)}" in p for n, p in enumerate(pages, start=1))


def test_keyboard_focus_is_visible(server, page):
    page.goto(server + "/mechanisms/neuroplasticity/")
    page.keyboard.press("Tab")
    ring = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; })()"
    )
    assert ring[0] != "none" and float(ring[1].removesuffix("px")) >= 2


@pytest.mark.parametrize(
    "path, selector",
    [
        ("/mechanisms/neuroplasticity/", "sup.note-refs a"),
        ("/mechanisms/neuroplasticity/", ".cite-button"),
        ("/evidence-map/", ".map-filter label"),
        ("/", ".review-header-search button"),
    ],
)
def test_touch_targets_are_at_least_24_px(server, browser, path, selector):
    context, page = at_width(browser, PHONE)
    page.goto(server + path)
    targets = page.locator(selector).all()
    assert targets
    for target in targets[:20]:
        box = target.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, (selector, box)
    context.close()
