"""Every internal link and anchor in the built site resolves."""

import posixpath
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest


class Page(HTMLParser):
    """Collects the ids and the outgoing links of one HTML page."""

    def __init__(self):
        super().__init__()
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name) and not (tag == "link" and attrs.get("rel") in ("canonical", "alternate")):
                self.links.append(attrs[name])


def parse(path):
    """Parse one built HTML file."""
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def pages(built_site):
    """{site path: Page} for every HTML file of the built site."""
    return {p.relative_to(built_site).as_posix(): parse(p) for p in built_site.rglob("*.html")}


def resolve(source, link):
    """The site path and anchor a relative link from source points to, or None if external."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith("//"):
        return None
    path = unquote(parts.path)
    if not path:
        target = source
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
        if path.endswith("/") or not posixpath.splitext(target)[1]:
            target = posixpath.join(target, "index.html")
    return target, unquote(parts.fragment)


def test_site_has_many_pages(pages):
    assert len(pages) > 80


def test_every_internal_link_and_anchor_resolves(pages, built_site):
    broken = []
    for source, page in pages.items():
        if source == "404.html":  # links there are absolute, under site_url, by design
            continue
        for link in page.links:
            resolved = resolve(source, link)
            if resolved is None:
                continue
            target, anchor = resolved
            if not (built_site / target).exists():
                broken.append(f"{source}: {link} (no file {target})")
            elif anchor and target.endswith(".html") and anchor not in pages[target].ids:
                broken.append(f"{source}: {link} (no anchor #{anchor} in {target})")
    assert broken == []
