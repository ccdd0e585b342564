"""Relative links between generated pages."""

import functools
import posixpath


def relative(target, page_path):
    """A link from page_path to target (both site-relative .md paths, target may carry #anchor)."""
    path, _, anchor = target.partition("#")
    link = _relpath(path, posixpath.dirname(page_path) or ".")
    return link + (f"#{anchor}" if anchor else "")


@functools.lru_cache(maxsize=None)
def _relpath(path, start):
    """posixpath.relpath, cached: pages in one folder link to the same targets again and again."""
    return posixpath.relpath(path, start)
