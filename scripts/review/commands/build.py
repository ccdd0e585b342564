"""The pipeline, whichever entry point calls it: load -> validate -> index -> render, each phase once."""

from __future__ import annotations

import sys
from pathlib import Path

from ..model.errors import ContentError, Problem
from ..model.load import Reader, Review, load
from ..model.validate import Checked, SitePages, validate
from ..outputs import editions, pages
from ..outputs.index import Index
from ..outputs.render import Renderer, slug

CONTENT_DIR = Path("content")  # relative to the project folder, where every command runs
TEMPLATES_DIR = Path("templates") / "pages"


SITE = SitePages(pages.keys, pages.reserved(), pages.page_anchors, slug)  # what the check needs of the site's pages


def problems(review: Review) -> list[Problem]:
    """Every problem of some content, all at once (empty when it is good)."""
    return validate(review, SITE)


class Session:
    """Reading and checking that remember what they did: the live preview keeps one between saves, and the build
    cache one between builds, so that a file unchanged since the last check is neither parsed nor checked again.
    What it returns is what a check from nothing returns (tests/test_incremental.py holds it to that)."""

    def __init__(self) -> None:
        self.reader = Reader()
        self.checked = Checked()

    def check(self, content_dir=CONTENT_DIR) -> Review:
        """Read and check all content; raise ContentError with every problem at once. Return the Review. Editors'
        backup and swap files are left out, each with a notice."""
        review = load(content_dir, self.reader)
        for path in review.ignored:
            print(f"note: {path}: left out (an editor's backup, swap or lock file)", file=sys.stderr)
        found = validate(review, SITE, self.checked)
        if found:
            raise ContentError(found)
        return review

    def renderer(
        self, content_dir=CONTENT_DIR, templates_dir=TEMPLATES_DIR, directory_urls: bool = True, with_editions: bool = True
    ) -> Renderer:
        """A Renderer for checked content (ContentError if it has problems), with the editions built beside it (none
        for a build that will not carry them, such as the Zensical export)."""
        review = self.check(content_dir)
        assert review.changelog is not None
        releases = review.changelog.data["releases"]
        variant = "web" if directory_urls else "offline"
        built = editions.available(Path(content_dir).resolve().parent, variant, releases) if with_editions else {}
        return Renderer(Index(review, built), templates_dir, directory_urls)


def check(content_dir=CONTENT_DIR):
    """Read and check all content; raise ContentError with every problem at once. Return the Review. Editors'
    backup and swap files are left out, each with a notice."""
    return Session().check(content_dir)


def renderer(
    content_dir=CONTENT_DIR, templates_dir=TEMPLATES_DIR, directory_urls: bool = True, with_editions: bool = True
) -> Renderer:
    """A Renderer for checked content (ContentError if it has problems), with the editions built beside it (none
    for a build that will not carry them, such as the Zensical export)."""
    return Session().renderer(content_dir, templates_dir, directory_urls, with_editions)


def build(content_dir=CONTENT_DIR, templates_dir=TEMPLATES_DIR, directory_urls: bool = True) -> dict:
    """{site path: text} of every generated file (Markdown pages and downloads)."""
    return {out.path: out.text for out in renderer(content_dir, templates_dir, directory_urls).render()}
