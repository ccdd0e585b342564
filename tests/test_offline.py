"""No page loads anything from another host, and the offline copy browses and searches from file://."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from conftest import copy_project, make

pytestmark = pytest.mark.slow

LOADING = {
    ("script", "src"),
    ("img", "src"),
    ("iframe", "src"),
    ("source", "src"),
    ("video", "src"),
    ("audio", "src"),
    ("embed", "src"),
    ("object", "data"),
}
LOADING_RELS = {"stylesheet", "icon", "preload", "prefetch", "preconnect", "dns-prefetch", "manifest", "modulepreload"}


class Loads(HTMLParser):
    """The addresses a page loads (not the ones it merely links to)."""

    def __init__(self):
        super().__init__()
        self.loads = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for element, attribute in LOADING:
            if tag == element and attrs.get(attribute):
                self.loads.append(attrs[attribute])
        if tag == "link" and attrs.get("href") and set((attrs.get("rel") or "").split()) & LOADING_RELS:
            self.loads.append(attrs["href"])


def test_no_page_loads_from_another_host(built_site):
    offenders = []
    for page in sorted(built_site.rglob("*.html")):
        parser = Loads()
        parser.feed(page.read_text(encoding="utf-8"))
        offenders += [f"{page.relative_to(built_site)}: {a}" for a in parser.loads if urlsplit(a).netloc or a.startswith("//")]
    assert offenders == []


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory):
    """`make site-offline` run on a copy of the project."""
    import zipfile

    folder = copy_project(tmp_path_factory.mktemp("offline"))
    result = make(folder, "site-offline")
    assert result.returncode == 0, result.stderr
    assert "site-offline/index.html" in zipfile.ZipFile(folder / "site-offline.zip").namelist()
    return folder / "site-offline"


def test_the_offline_copy_browses_and_searches_from_the_folder(offline_site, browser):
    page = browser.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto((offline_site / "index.html").as_uri())
    page.locator("article a[href$='mechanisms/neuroplasticity.html']").first.click()
    page.wait_for_url("**/mechanisms/neuroplasticity.html")
    page.locator("a.citation", has_text="Shao et al., 2021").first.click()
    page.wait_for_url("**/studies/shao2021.html")
    page.locator("input.md-search__input").fill("tabernanthalog")
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=10_000)
    assert results.count() > 0
    page.close()
    assert requests and [url for url in requests if not url.startswith("file://")] == []
