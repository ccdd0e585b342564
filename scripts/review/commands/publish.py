"""`review site`: build site/ with MkDocs in strict mode, so that any warning fails, and swap it in whole.

Two builds at once take turns (a lock); a build writes into a fresh folder beside site/ and, only when MkDocs
reported nothing, exchanges it with site/ in one atomic rename (Linux's renameat2 RENAME_EXCHANGE), so that a
reader or a killed build never meets a half-written site/ and never finds none. Folders left by a killed build
are removed by the next one.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime
import fcntl
import html
import logging
import os
import posixpath
import re
import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote

from ..outputs import editions

LOCK = ".site.lock"
SCRATCH = ".site-build-"  # the prefix of the folders builds write into


@contextlib.contextmanager
def locked(root: Path):
    """Hold the project's build lock (waiting for another build to finish)."""
    with open(root / LOCK, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def exchange(new: Path, old: Path) -> None:
    """Put `new` where `old` is, in one step when the system allows it; `new` then holds the old contents."""
    if not old.exists():
        os.rename(new, old)
        return
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None and renameat2(-100, os.fsencode(new), -100, os.fsencode(old), 2) == 0:  # AT_FDCWD, RENAME_EXCHANGE
        return
    # No atomic exchange here: two renames, with a moment in which `old` is absent.
    aside = new.with_name(new.name + "-old")
    os.rename(old, aside)
    os.rename(new, old)
    os.rename(aside, new)


HREF = re.compile(r'\shref="([^"#?]*)(?:\?[^"#]*)?(?:#([^"]*))?"')
ANCHOR = re.compile(r'\s(?:id|name)="([^"]+)"')


def broken_links(site: Path) -> list:
    """Every link between the built pages that points at no file or at no anchor, as `page: link` lines.
    MkDocs checks only the links it writes itself; the generated pages' links are HTML, so they are checked
    here, in the built site, for every page (and the hand-written ones) alike."""
    pages = {
        p.relative_to(site).as_posix(): p.read_text(encoding="utf-8", errors="replace")
        for p in site.rglob("*.html")
        if not p.relative_to(site).as_posix().startswith("editions/")  # frozen: checked by their own builds
    }
    anchors = {path: set(ANCHOR.findall(text)) for path, text in pages.items()}
    problems = []
    for path, text in pages.items():
        if path == "404.html":
            continue
        folder = posixpath.dirname(path)
        for target, anchor in HREF.findall(text):
            if re.match(r"^[a-z][a-z0-9+.-]*:|^//", target, re.I):
                continue
            resolved = posixpath.normpath(posixpath.join(folder, target)) if target else path
            if target.endswith("/") or (target and (site / resolved).is_dir()):
                resolved = posixpath.join(resolved, "index.html") if resolved != "." else "index.html"
            if resolved.startswith("..") or not (site / resolved).is_file():
                problems.append(f"{path}: link to {target or '#' + anchor} points at no file")
            elif anchor and resolved in anchors and anchor not in anchors[resolved]:
                problems.append(f"{path}: link to {target}#{anchor}: {resolved} has no anchor `{anchor}`")
    return sorted(set(problems))


SELF_FILES = ("sitemap.xml", "feed.xml")  # beside the pages, files that give out the site's own addresses


def dead_addresses(site: Path, *site_urls: str) -> list[str]:
    """Every address under one of `site_urls` (the site's address in the content and in mkdocs.yml) that a published
    file gives out for itself and that the built site does not hold, as `file: address: why` lines: canonical links,
    Highwire and JSON-LD, cite boxes and every link or text on the current pages (the editions' own pages are frozen,
    but addresses into them are checked), the sitemap, the feed and the open data. A directory address is its
    index.html (or, in the offline copy, the `.html` file); a #fragment must be an id on that page."""
    bases = sorted({url.rstrip("/") + "/" for url in site_urls if url}, key=len, reverse=True)
    if not bases:
        return []
    found = re.compile("(" + "|".join(re.escape(b) for b in bases) + r")([^\s\"'<>(){}\[\],\\]*)")
    ids: dict[Path, set[str]] = {}
    problems = []
    sources = [p for p in site.rglob("*.html") if p.relative_to(site).parts[0] != "editions"]
    sources += [site / name for name in SELF_FILES if (site / name).is_file()]
    sources += sorted(p for p in (site / "data").rglob("*") if p.suffix in (".json", ".csv")) if (site / "data").is_dir() else []
    for source in sorted(sources):
        text = html.unescape(source.read_text(encoding="utf-8", errors="replace"))
        for base, rest in sorted({(b, r.rstrip(".,;:")) for b, r in found.findall(text)}):
            why = _unresolved(site, rest, ids)
            if why:
                problems.append(f"{source.relative_to(site).as_posix()}: {base}{rest} {why}")
    return problems


def _unresolved(site: Path, address: str, ids: dict[Path, set[str]]) -> str | None:
    """Why an address relative to the site's root does not resolve in `site`, or None."""
    path, _, fragment = address.partition("#")
    path = unquote(path.split("?", 1)[0])
    if path and posixpath.normpath(path).startswith(".."):
        return "points outside the site"
    stem = path.rstrip("/")
    candidates = [f"{stem}/index.html" if stem else "index.html"]
    candidates += [f"{stem}.html"] if stem and path.endswith("/") else [path] if stem else []
    target = next((site / c for c in candidates if (site / c).is_file()), None)
    if target is None:
        return "points at no file"
    if fragment and target.suffix == ".html":
        if target not in ids:
            ids[target] = set(ANCHOR.findall(target.read_text(encoding="utf-8", errors="replace")))
        if unquote(fragment) not in ids[target]:
            return f"points at no anchor `{fragment}`"
    return None


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def reader_date(date: str) -> str:
    """`2026-12-01` as `1 December 2026` (in English whatever the machine's locale)."""
    try:
        day = datetime.date.fromisoformat(date)
    except ValueError:
        return date
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def install_editions(root: Path, site: Path, state, variant: str) -> None:
    """Install the editions the pages were rendered with (the plugin's state), each page with its banner."""
    current = state.releases[0]["version"] if state.releases else ""

    def banner(version: str, link: str, exists: bool) -> str:
        date = reader_date(str(state.editions[version].get("date", "")))
        return editions.banner_html(version, date, current, link, exists)

    editions.install(root, site, list(state.editions), banner, variant)


class _Counter(logging.Handler):
    """Counts MkDocs' warnings and errors (strict mode's own counter needs the logger's level at WARNING)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record):
        self.count += 1


def build(root: Path, site_dir: str = "site", config_file: str = "mkdocs.yml") -> int:
    """Build the site into root/site_dir; 0 on success, 1 if MkDocs warned or failed (site_dir is then kept)."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's notice on every build; the README says it
    from mkdocs.commands import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    logger = logging.getLogger("mkdocs")
    shown = logging.StreamHandler(sys.stderr)
    shown.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
    shown.setLevel(logging.WARNING)
    counter = _Counter()
    logger.addHandler(shown)
    logger.addHandler(counter)
    logger.setLevel(logging.WARNING)  # warnings are shown and counted; what is fine stays quiet
    target = root / site_dir
    with locked(root):
        for stale in root.glob(SCRATCH + "*"):
            shutil.rmtree(stale, ignore_errors=True)
        scratch = Path(tempfile.mkdtemp(prefix=SCRATCH, dir=root))
        try:
            config = load_config(str(root / config_file), strict=True, site_dir=str(scratch))
            mkdocs_build.build(config)
            plugin = config.plugins.get("review")
            if plugin is not None:
                install_editions(root, scratch, plugin.state, "web" if config.use_directory_urls else "offline")
            failed = counter.count > 0
            for line in [] if failed else broken_links(scratch):
                print(f"WARNING - broken link: {line}", file=sys.stderr)
                failed = True
            bases = [config.site_url or "", plugin.state.url if plugin is not None else ""]
            dead = [] if failed else dead_addresses(scratch, *bases)
            for line in dead[:20]:
                print(f"WARNING - dead self-address: {line}", file=sys.stderr)
            if dead:
                more = f" ({len(dead) - 20} more not shown)" if len(dead) > 20 else ""
                print(f"WARNING - {len(dead)} addresses the site gives out for itself are not in it{more}", file=sys.stderr)
                failed = True
        except (Abort, ConfigurationError, PluginError) as error:
            print(str(error).strip(), file=sys.stderr)
            failed = True
        finally:
            logger.removeHandler(shown)
            logger.removeHandler(counter)
        if failed:
            shutil.rmtree(scratch, ignore_errors=True)
            print(f"review: the build failed; {site_dir}/ is unchanged", file=sys.stderr)
            return 1
        exchange(scratch, target)
        shutil.rmtree(scratch, ignore_errors=True)
    return 0
