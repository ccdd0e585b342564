"""`review site`: build site/ with MkDocs in strict mode, so that any warning fails, and swap it in whole.

Two builds at once take turns (a lock); a build writes into a fresh folder beside site/ and, only when MkDocs
reported nothing, exchanges it with site/ in one atomic rename (Linux's renameat2 RENAME_EXCHANGE), so that a
reader or a killed build never meets a half-written site/ and never finds none. Folders left by a killed build
are removed by the next one.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import datetime
import errno
import fcntl
import functools
import html
import logging
import os
import posixpath
import re
import shutil
import stat
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote

from ..model import load
from ..model.errors import Problem
from ..model.validate import field_name
from ..outputs import editions, recite, render
from .build import TEMPLATES_DIR

LOCK = ".site.lock"
SCRATCH = ".site-build-"  # the prefix of the folders builds write into


class BuildFault(Exception):
    """A fault of the machine, not of the content (no space, a folder that cannot be written, a lock that is a
    link): said in one line, with site/ as it was."""


@contextlib.contextmanager
def locked(root: Path):
    """Hold the project's build lock (waiting for another build to finish). The lock file is opened without
    following a symbolic link and never truncated: a `.site.lock` that points elsewhere is refused, not emptied."""
    path = root / LOCK
    try:
        handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK, 0o644)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise BuildFault(f"{LOCK} is a symbolic link; remove it (the build's lock is never followed elsewhere)") from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise BuildFault(f"{LOCK} is not a plain file; remove it")
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)


_NOT_SUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP}  # renameat2 or RENAME_EXCHANGE missing here


def _rename_exchange(new: Path, old: Path) -> int:
    """Linux's renameat2(RENAME_EXCHANGE): 0, or the error number (ENOSYS where the C library lacks it)."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return errno.ENOSYS
    if renameat2(-100, os.fsencode(new), -100, os.fsencode(old), 2) == 0:  # AT_FDCWD, RENAME_EXCHANGE
        return 0
    return ctypes.get_errno()


def exchange(new: Path, old: Path) -> None:
    """Put `new` where `old` is, in one step when the system allows it; `new` then holds the old contents. If
    it fails, OSError is raised and `old` is as it was."""
    if not old.exists():
        os.rename(new, old)
        return
    code = _rename_exchange(new, old)
    if code == 0:
        return
    if code not in _NOT_SUPPORTED:
        raise OSError(code, os.strerror(code), str(old))
    # No atomic exchange here: two renames, with a moment in which `old` is absent, undone if the second fails.
    aside = new.with_name(new.name + "-old")
    os.rename(old, aside)
    try:
        os.rename(new, old)
    except OSError:
        os.rename(aside, old)
        raise
    os.rename(aside, new)


HREF = re.compile(r'\shref="([^"#?]*)(?:\?[^"#]*)?(?:#([^"]*))?"')
ANCHOR = re.compile(r'\s(?:id|name)="([^"]+)"')
ID = re.compile(r'\sid="([^"]+)"')


def broken_links(site: Path, sources: dict[str, str] | None = None, root: Path | None = None) -> list:
    """Every link between the built pages that points at no file or at no anchor, and every id a page holds
    twice (a link to it would go to the first), as lines to print. MkDocs checks only the links it writes itself;
    the generated pages' links are HTML, so they are checked here, in the built site, for every page (and the
    hand-written ones) alike. A fault written in content (`sources`: built page -> content file) is reported
    as `path:line: field: message` of that file; one the templates made, as `page: message`."""
    # Each page is read once and only what the check needs is kept of it (its anchors, its links, the ids it holds
    # twice): at 10,000 studies the pages' texts together are more than a gigabyte.
    anchors: dict[str, set[str]] = {}
    links: dict[str, set[tuple[str, str]]] = {}
    twice: dict[str, dict[str, int]] = {}
    for file in sorted(site.rglob("*.html")):
        path = file.relative_to(site).as_posix()
        if path.startswith("editions/"):  # frozen: checked by their own builds
            continue
        text = file.read_text(encoding="utf-8", errors="replace")
        anchors[path] = set(ANCHOR.findall(text))
        if path == "404.html":
            continue
        links[path] = set(HREF.findall(text))
        counts = collections.Counter(ID.findall(text))
        twice[path] = {name: count for name, count in counts.items() if count > 1}
    written = _Sources(sources or {}, root or site.parent)
    problems = []
    is_dir = functools.cache(lambda path: (site / path).is_dir())
    is_file = functools.cache(lambda path: (site / path).is_file())
    for path, found in links.items():
        folder = posixpath.dirname(path)
        for target, anchor in found:  # the problems are sorted at the end
            if re.match(r"^[a-z][a-z0-9+.-]*:|^//", target, re.I):
                continue
            resolved = posixpath.normpath(posixpath.join(folder, target)) if target else path
            if target.endswith("/") or (target and is_dir(resolved)):
                resolved = posixpath.join(resolved, "index.html") if resolved != "." else "index.html"
            if resolved.startswith("..") or not is_file(resolved):
                problems.append(f"WARNING - broken link: {path}: link to {target or '#' + anchor} points at no file")
            elif anchor and resolved in anchors and anchor not in anchors[resolved]:
                problems.append(
                    written.link(path, anchor)
                    or f"WARNING - broken link: {path}: link to {target}#{anchor}: {resolved} has no anchor `{anchor}`"
                )
        for name, count in sorted(twice[path].items()):
            problems.append(
                written.duplicate(path, name)
                or f"WARNING - duplicate id: {path}: `{name}` is the id of {count} elements (a link goes to the first)"
            )
    return sorted(set(problems))


def _field_at(lines: list[str], source: str, number: int) -> str:
    """The name of the `id` field written on a line of a YAML file (`findings[0].id`)."""
    try:
        found = load.field_lines(load.compose("\n".join(lines) + "\n", source))
    except Problem:
        return "id"
    return next((field_name(path) for path, line in found.items() if line == number and path and path[-1] == "id"), "id")


class _Sources:
    """Where in content a fault of a built page is written: the line of its content file."""

    def __init__(self, sources: dict[str, str], root: Path):
        self.sources, self.root = sources, root

    def _lines(self, page: str) -> tuple[str, list[str]] | None:
        source = self.sources.get(page)
        if source is None:
            return None
        try:
            return source, (self.root / source).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return None

    def duplicate(self, page: str, name: str) -> str | None:
        """An id written in content (a finding's, a heading's) that the page already has."""
        found = self._lines(page)
        if found is None:
            return None
        source, lines = found
        for number, line in enumerate(lines, start=1):
            if source.endswith(".md"):
                heading = re.match(r"#{1,6}\s+(.+?)\s*#*\s*$", line)
                if heading and render.slug(heading.group(1)) == name:
                    return str(
                        Problem(
                            source,
                            number,
                            "text",
                            f"the heading `{heading.group(1)}` has the anchor `{name}`, which its page already gives another "
                            "part; reword the heading",
                        )
                    )
            elif re.fullmatch(rf"\s*(- )?id:\s*['\"]?{re.escape(name)}['\"]?\s*", line):
                return str(
                    Problem(
                        source,
                        number,
                        _field_at(lines, source, number),
                        f"`{name}` is also the anchor of another part of the page it is shown on (a heading, or "
                        "another entry); choose another id",
                    )
                )
        return None

    def link(self, page: str, anchor: str) -> str | None:
        """A link written in content to an anchor its page does not have."""
        found = self._lines(page)
        if found is None:
            return None
        source, lines = found
        for number, line in enumerate(lines, start=1):
            match = re.search(rf"\]\(([^)\s]*#{re.escape(anchor)})\)", line)
            if match:
                return str(Problem(source, number, "text", f"link to `{match.group(1)}`: that page has no anchor `{anchor}`"))
        return None


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
    answers: dict[str, str | None] = {}
    problems = []
    sources = [p for p in site.rglob("*.html") if p.relative_to(site).parts[0] != "editions"]
    sources += [site / name for name in SELF_FILES if (site / name).is_file()]
    sources += sorted(p for p in (site / "data").rglob("*") if p.suffix in (".json", ".csv")) if (site / "data").is_dir() else []
    for source in sorted(sources):
        text = html.unescape(source.read_text(encoding="utf-8", errors="replace"))
        for base, rest in sorted({(b, r.rstrip(".,;:")) for b, r in found.findall(text)}):
            if rest not in answers:  # many pages give out the same addresses (the home page's, a list's)
                answers[rest] = _unresolved(site, rest, ids)
            why = answers[rest]
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

    directory_urls = variant == "web"
    recital = recite.Recital(site, state.editions, state.url, state.templates or root / TEMPLATES_DIR, directory_urls)
    editions.install(root, site, list(state.editions), banner, variant, recital.page)


class _Counter(logging.Handler):
    """Counts MkDocs' warnings and errors (strict mode's own counter needs the logger's level at WARNING)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record):
        self.count += 1


def build(root: Path, site_dir: str = "site", config_file: str = "mkdocs.yml") -> int:
    """Build the site into root/site_dir; 0 on success, 1 if MkDocs warned or failed, or the machine did (no space,
    a folder that cannot be written): site_dir is then kept as it was, and one line says why."""
    try:
        with locked(root):
            for stale in [*root.glob(SCRATCH + "*"), *(root / "build").glob(SCRATCH + "*")]:
                shutil.rmtree(stale, ignore_errors=True)  # left by a build that was killed
            return _build(root, site_dir, config_file)
    except BuildFault as fault:
        print(f"review: {fault}; {site_dir}/ is unchanged", file=sys.stderr)
    except OSError as error:
        where = f" ({Path(error.filename).relative_to(root) if _inside(error.filename, root) else error.filename})"
        print(
            f"review: the build stopped: {error.strerror or error}{where if error.filename else ''}; {site_dir}/ is unchanged",
            file=sys.stderr,
        )
    return 1


def _inside(filename, root: Path) -> bool:
    return isinstance(filename, str) and Path(filename).is_absolute() and Path(filename).is_relative_to(root)


def _build(root: Path, site_dir: str, config_file: str) -> int:
    """The build itself, under the lock: MkDocs into a fresh folder, the checks, then the swap."""
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
    engine = logging.getLogger("mkdocs.commands.build")
    engine.addFilter(_not_dirty_notice)
    target = root / site_dir
    scratch = Path(tempfile.mkdtemp(prefix=SCRATCH, dir=root))
    try:
        os.chmod(scratch, 0o777 & ~_umask())  # mkdtemp's folder is private; site/ is read by a web server
        try:
            config = load_config(str(root / config_file), strict=True, site_dir=str(scratch))
            # Dirty mode, into an empty folder, builds every page as a clean build does, except the ones that say
            # they are unmodified: the pages the build cache holds whole (plugin.py, Kept). MkDocs' warning about
            # dirty builds (a folder with stale files) does not apply to an empty folder, and is left out.
            mkdocs_build.build(config, dirty=True)
            plugin = config.plugins.get("review")
            if plugin is not None:
                install_editions(root, scratch, plugin.state, "web" if config.use_directory_urls else "offline")
            failed = counter.count > 0
            review = config.plugins.get("review")
            sources = getattr(getattr(review, "built", None), "sources", {})
            for line in [] if failed else broken_links(scratch, sources, root):
                print(line, file=sys.stderr)
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
            engine.removeFilter(_not_dirty_notice)
        if failed:
            print(f"review: the build failed; {site_dir}/ is unchanged", file=sys.stderr)
            return 1
        try:
            exchange(scratch, target)
        except OSError as error:
            raise BuildFault(f"the new site could not take the place of {site_dir}/ ({error.strerror or error})") from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)  # the new site's folder if it failed, else the old site
    return 0


def _not_dirty_notice(record: logging.LogRecord) -> bool:
    """Leave out MkDocs' warning that a dirty build may keep stale files: `review site` builds into an empty folder."""
    return not str(record.msg).startswith("A 'dirty' build is being performed")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
