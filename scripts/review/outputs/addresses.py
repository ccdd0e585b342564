"""Page addresses, in one place: where a page's file is, where it is served, and a link from one to another.

A page is named by its source path (`studies/shao2021.md`); with directory URLs (the published site) it is
served at `studies/shao2021/`, without them (the offline copy, where Material turns them off) at
`studies/shao2021.html`. Other outputs (`references.bib`) are served at their own path.
"""

from __future__ import annotations

import functools
import posixpath


def served(path: str, directory_urls: bool = True) -> str:
    """Where a site file is served, relative to the site's root: `''` for the home page."""
    if not path.endswith(".md"):
        return path
    stem = path[: -len(".md")]
    if not directory_urls:
        return stem + ".html"
    if stem == "index":
        return ""
    return stem.removesuffix("/index").removesuffix("index") + "/"


def _folder(page: str, directory_urls: bool) -> str:
    """The folder a page is served from: `studies/shao2021` (directory URLs) or `studies`."""
    where = served(page, directory_urls)
    if directory_urls and page.endswith(".md"):
        return where.rstrip("/")
    return posixpath.dirname(where)


def relative(target: str, page: str, anchor: str = "", directory_urls: bool = True) -> str:
    """The link from page to target (both source paths), with an optional #anchor."""
    return _relative(target, page, directory_urls) + (f"#{anchor}" if anchor else "")


@functools.lru_cache(maxsize=1 << 16)
def _relative(target: str, page: str, directory_urls: bool) -> str:
    """Cached: a large page links to the same few pages again and again (every citation of a study)."""
    there = served(target, directory_urls)
    link = posixpath.relpath(there or ".", _folder(page, directory_urls) or ".")
    if there.endswith("/") or there == "":
        link = "./" if link == "." else link + "/"
    return link


def in_edition(version: str, path: str) -> str:
    """The source path of a page in a built edition, which the site carries at `editions/<version>/`."""
    return f"editions/{version}/{path}"


def absolute(site_url: str, path: str, anchor: str = "") -> str:
    """The published address of a page or file (always with directory URLs)."""
    return site_url.rstrip("/") + "/" + served(path) + (f"#{anchor}" if anchor else "")
