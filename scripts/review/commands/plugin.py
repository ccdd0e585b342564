"""The MkDocs plugin `review`: the review's pages as generated files, and the checks MkDocs cannot make on them.

One job per event: date the build from the changelog, check and render the review before MkDocs empties the
site folder, add the generated files and the navigation, give each page its last-changed date and edition
address, sanitise every page's HTML against the templates' own allow-list, and index the built site with
Pagefind. The build's state lives on the plugin object (MkDocs keeps one instance per process for a plugin
with on_startup, across every configuration it loads), and `built` is what the live preview (preview.py)
renders single pages with. Registered as the entry point `review` in pyproject.toml;
the Zensical export (`review export`) uses no plugin.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import nh3
import pathspec
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from ..model.errors import ContentError, Problem
from ..model.load import is_editor_file, parse_yaml, read_text
from ..outputs import addresses, fastpages, pages, search
from ..outputs.depends import Dependencies
from ..outputs.render import Renderer
from ..outputs.search import Cancelled
from .build import CONTENT_DIR, TEMPLATES_DIR, Session
from .cache import BuildCache, link, uses_cache
from .progress import Progress

log = logging.getLogger("mkdocs.plugins.review")

# What a built page's content may hold: the templates' own structure, nothing else. Content reaches the page
# escaped or sanitised already; this second pass catches a template that printed something it should not have.
PAGE_TAGS = {
    *("a", "abbr", "blockquote", "br", "button", "caption", "code", "div", "em", "figcaption", "figure"),
    *("h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "label", "li", "nav", "ol", "p", "pre"),
    *("section", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr"),
    *("ul", "details", "summary", "dl", "dt", "dd", "mark", "ins", "del", "picture", "source"),
}
PAGE_ATTRIBUTES = {
    "*": {
        *("id", "class", "title", "hidden", "role", "lang", "aria-label", "aria-hidden", "aria-describedby"),
        *("aria-live", "tabindex"),
    },
    "a": {"href", "download"},
    "img": {"src", "alt", "width", "height", "loading"},
    "source": {"srcset", "media"},
    "input": {"type", "name", "checked"},
    "label": {"for"},
    "button": {"type"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}


CACHED_LAYOUT = "review-cached.html"  # the empty layout of a page whose HTML the build cache holds


class Kept(File):
    """A generated page whose HTML the build cache holds and that MkDocs need not read or lay out: in MkDocs' dirty
    mode (which `review site` builds in, into an empty folder) a file that reports itself unmodified is skipped.
    The plugin links its HTML into the site and gives its Page what the sitemap reads (cache.py)."""

    def is_modified(self) -> bool:
        return False


def edit_uri(repository: str) -> str:
    """The path from a repository's address to the editor of a file on its main branch (GitHub's or GitLab's)."""
    host = urlsplit(repository).hostname or ""
    return "-/edit/main/" if "gitlab" in host else "edit/main/"


class ReviewConfig(base.Config):
    """The plugin's options in mkdocs.yml (`plugins: - review: {...}`), relative to the project folder."""

    content_dir = c.Type(str, default=str(CONTENT_DIR))
    templates_dir = c.Type(str, default=str(TEMPLATES_DIR))
    html_pages = c.Type(bool, default=True)  # hand the generated pages to MkDocs as HTML (fastpages.py)
    cache = c.Type(bool, default=True)  # the build cache in build/cache/ (cache.py); off: `cache: false`


@dataclass
class Built:
    """What the last build made, which MkDocs keeps nowhere else: its files, navigation and theme environment, the
    generator's renderer and the folder of generated files. The live preview renders single pages with them."""

    files: Files | None = None
    nav: Navigation | None = None
    env: Any = None
    renderer: Renderer | None = None
    scratch: Path | None = None
    sources: dict[str, str] = field(default_factory=dict)  # built HTML file -> the content file its page shows


@dataclass
class BuildState:
    """The state of one build, from on_pre_build to on_post_build."""

    outputs: list[tuple[str, str]] = field(default_factory=list)  # (site path, file holding its text)
    records: list[dict] = field(default_factory=list)  # the findings, for the search
    converted: dict[str, tuple[str, list]] = field(default_factory=dict)  # src_uri -> (html, toc tokens)
    writing: Progress | None = None  # the pages being written, while MkDocs writes them
    scratch: Path | None = None  # this build's folder of generated files
    cache: BuildCache | None = None  # the build cache, when this build uses it
    session: Session | None = None  # what this build read and checked
    html_keys: dict[str, str] = field(default_factory=dict)  # src_uri -> key of its HTML in the cache
    linked: dict[str, Path] = field(default_factory=dict)  # src_uri -> its HTML in the cache, linked into the site
    kept: dict[str, tuple[File, Path, list]] = field(default_factory=dict)  # src_uri -> (file, its HTML, sitemap facts)
    listed: set[str] = field(default_factory=set)  # the pages in the navigation
    editions: dict[str, dict] = field(default_factory=dict)  # the built editions the pages were rendered with
    releases: list[dict] = field(default_factory=list)  # the changelog's releases, newest first
    url: str = ""  # the site's address as the content gives it (site.yaml), on which every citation is built
    templates: Path | None = None  # the page templates (the editions' cite boxes are refreshed with them)


class ReviewPlugin(BasePlugin[ReviewConfig]):
    """The review's generator inside a MkDocs build."""

    def __init__(self) -> None:
        self.state = BuildState()
        self.built = Built()
        self.serving = False  # under `mkdocs serve` / `review serve` the generated files outlive a build
        self.session: Session | None = None  # remembered reading and checking (the preview's), else a fresh one
        self.cancel: threading.Event | None = None  # set by the preview to call a build off (Cancelled)
        # Set by `review serve`, which indexes the search in its own time and removes each build's generated files
        # when it lets that build go (it may serve the last good build while a new one fails).
        self.managed = False
        self.failure: Exception | None = None  # what stopped the last build, if one failed

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled

    # ---------------------------------------------------------------------------------------- lifecycle

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Note a live preview: it keeps the generated files between builds (preview.py reads them)."""
        self.serving = command == "serve"

    def on_shutdown(self) -> None:
        """Remove the last build's generated files when the preview stops."""
        if not self.managed:
            self._remove_scratch()

    def on_build_error(self, *, error: Exception) -> None:
        """Keep what stopped a build: MkDocs reports a plugin's error as `Aborted with a BuildError!`, and the live
        preview shows the error itself on its pages. A failed build (a content error included) removes its
        generated files, unless a preview serves them (`review serve` removes them itself)."""
        self.failure = error
        if not self.serving and not self.managed:
            self._remove_scratch()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Date the build by the newest release in content/changelog.yaml (unless SOURCE_DATE_EPOCH is set), so
        that the sitemap and its gzip header come from the content, not the clock, and rebuilds are identical.
        A `nav` in mkdocs.yml is refused: the navigation is made from the page declaration."""
        if config.nav:
            raise PluginError("mkdocs.yml: nav: the navigation is made from scripts/review/outputs/pages.py (NAV); remove `nav:`")
        if "SOURCE_DATE_EPOCH" not in os.environ:
            changelog = self._root(config) / self.config.content_dir / "changelog.yaml"
            try:  # read as the check reads it: any file, however broken, is a problem the check reports
                newest = parse_yaml(read_text(changelog, "changelog.yaml"), "changelog.yaml")["releases"][0]["date"]
                day = datetime.strptime(str(newest), "%Y-%m-%d").replace(tzinfo=UTC)
            except (Problem, KeyError, IndexError, TypeError, ValueError):
                return config  # the content check reports the problem
            os.environ["SOURCE_DATE_EPOCH"] = str(int(day.timestamp()))
        self._set_repository(config)
        return config

    def _set_repository(self, config: MkDocsConfig) -> None:
        """MkDocs' `repo_url` and `edit_uri` from content/site.yaml's `repository`, the one place it is set (null
        until the maintainer publishes it: then no page links to a repository)."""
        site = self._root(config) / self.config.content_dir / "site.yaml"
        try:
            repository = parse_yaml(read_text(site, "site.yaml"), "site.yaml").get("repository")
        except (Problem, AttributeError):
            return  # the content check reports the problem
        if isinstance(repository, str) and repository.startswith("https://"):
            config.repo_url = repository
            config.edit_uri = edit_uri(repository)

    @staticmethod
    def _root(config: MkDocsConfig) -> Path:
        return Path(config.config_file_path).parent

    # ---------------------------------------------------------------------------------------- the pages

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Check and render the review. A content error stops the build here, listing every problem, before MkDocs
        empties the site folder: under `mkdocs serve` the last good pages stay up until the error is fixed."""
        root = self._root(config)
        scratch = self._new_scratch(root)
        self.state = state = BuildState(scratch=scratch)
        if uses_cache(self.config.cache) and not self.serving and self.session is None:
            state.cache = BuildCache(root, Path(config.config_file_path).name)
        templates = root / self.config.templates_dir
        try:
            state.session = self.session or (state.cache.session() if state.cache else Session())
            review = state.session.renderer(root / self.config.content_dir, templates, config.use_directory_urls)
            keys = Dependencies(review, templates, state.cache.code).keys() if state.cache else {}
            shown = Progress("rendering pages", len(review.pages))
            for n, page in enumerate(review.pages):
                self._check_cancel()
                state.outputs.append((page.path, str(self._page_source(review, page, keys.get(page.path), scratch / f"{n}.md"))))
                shown.step()
            for n, out in enumerate(review.files()):
                # Each output goes to disk as it is made, and MkDocs reads it from there when it needs it: at 10,000
                # studies the generated texts would otherwise all sit in memory at once.
                where = scratch / f"d{n}{Path(out.path).suffix}"
                where.write_text(out.text, encoding="utf-8")
                state.outputs.append((out.path, str(where)))
            shown.close()
        except ContentError as error:
            raise PluginError("\n" + error.report()) from None
        self.built.renderer = review
        state.records = search.records(review.index)
        self.built.sources = sources(review.pages, review.index.review, config.use_directory_urls)
        state.editions, state.releases = review.index.editions, review.index.releases  # review site installs them
        state.url = review.index.info["url"]
        state.templates = root / self.config.templates_dir
        state.writing = Progress("writing pages", len(review.pages))
        config.nav = pages.navigation(review.pages)  # the navigation comes from the page declaration (pages.NAV)
        config.not_in_nav = pathspec.gitignore.GitIgnoreSpec.from_lines(pages.not_in_nav())
        if state.cache is not None:
            state.listed = listed = set(_nav_paths(config.nav))
            titles = [(page.path, page.title) for page in review.pages if page.path in listed]
            frame = state.cache.frame(config, [config.nav, titles], root)
            state.html_keys = {path: state.cache.html_key(key, frame) for path, key in keys.items()}
            state.cache.pages = len(review.pages)

    def _page_source(self, review: Renderer, page: pages.Page, key: str | None, scratch: Path) -> Path:
        """The file holding a page's generated Markdown: the build cache's, rendered only if it has none under the
        page's key, or a scratch file."""
        state = self.state
        if state.cache is not None and key is not None:
            found = state.cache.markdown(key)
            return found or state.cache.store_markdown(key, review.render_page(page).text)
        scratch.write_text(review.render_page(page).text, encoding="utf-8")
        return scratch

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Replace the docs folder's files with the generated ones (and drop any other file found there)."""
        generated = {path for path, _ in self.state.outputs}
        docs = Path(config.docs_dir)
        for file in list(files):  # only the generator's pages are published from the docs folder
            if file.src_uri not in generated and Path(file.abs_src_path or "/").is_relative_to(docs):
                if not is_editor_file(Path(file.src_uri).name):  # the check has noted those, and left them out too
                    log.warning("review: %s is not a generated page and is left out", file.src_uri)
                files.remove(file)
        skip = "material/tags" not in config.plugins  # the tags plugin reads every page it lists
        for path, source in sorted(self.state.outputs, key=lambda out: docs_order(out[0])):
            existing = files.get_file_from_path(path)
            if existing is not None:
                files.remove(existing)
            found = self._kept(path) if skip else None
            file = (Kept if found else File).generated(config, path, abs_src_path=source)
            if found:
                self.state.kept[path] = (file, *found)
            files.append(file)
        return files

    def _kept(self, path: str) -> tuple[Path, list] | None:
        """A page MkDocs need not read: not in the navigation (whose titles every page shows), with its HTML and its
        sitemap facts in the build cache."""
        state = self.state
        key = state.html_keys.get(path)
        if state.cache is None or key is None or path in state.listed or key not in state.cache.facts:
            return None
        found = state.cache.html(key)
        if found is None:
            return None
        state.cache.skipped += 1
        return found, state.cache.facts[key]

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Keep the build's files and navigation for the live preview, which renders single pages with them."""
        self.built.files, self.built.nav = files, nav
        return nav

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Keep the theme's template environment for the live preview, for the same reason; give it the empty
        layout of a page whose HTML comes from the build cache (cache.py), which is linked into the site whole."""
        env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({CACHED_LAYOUT: ""}), env.loader])
        self.built.env = env
        for file, _, (date, canonical) in self.state.kept.values():  # what the sitemap reads of a page not read
            file.page.update_date, file.page.canonical_url = date, canonical  # type: ignore[union-attr]
        return env

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Give each page the date of the release in which it last changed (the sitemap's lastmod) and, as its
        canonical address, the permanent address of that release's edition (what its citation names). With
        `html_pages` on, convert the page here (fastpages.py) and give Python-Markdown nothing to parse."""
        self._check_cancel()
        review = page.meta.get("review")
        if not isinstance(review, dict):
            return markdown
        if review.get("date"):
            page.update_date = str(review["date"])
        if review.get("canonical"):
            page.canonical_url = str(review["canonical"])
        # The edit link opens the content file the page is made from; a page made from the whole review has none.
        page.edit_url = (
            f"{config.repo_url}/{config.edit_uri}{review['source']}" if config.repo_url and review.get("source") else None
        )
        if self._from_cache(page, markdown):
            return ""
        if self.config.html_pages:
            self.state.converted[page.file.src_uri] = fastpages.to_html(markdown)
            return ""
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Sanitise every page's HTML against the templates' allow-list (see PAGE_TAGS), taking a page converted
        in on_page_markdown, with its contents list, from there."""
        if page.file.src_uri in self.state.linked:
            return ""
        converted = self.state.converted.pop(page.file.src_uri, None)
        if converted is not None:
            html, tokens = converted
            page.toc = get_toc(tokens)
        # What the search indexes: the page, not the theme; with its kind, evidence levels and group (search.py).
        found = (page.meta.get("review") or {}).get("search")
        html = f"<div data-pagefind-body>\n{search.attributes(found) if found else ''}\n{html}\n</div>"
        return nh3.clean(
            html,
            tags=PAGE_TAGS,
            attributes=PAGE_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            generic_attribute_prefixes={"data-"},
            link_rel=None,
            strip_comments=False,
        )

    @event_priority(-100)  # last: the page is final
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Let go of a page's HTML once the theme has made its file (MkDocs keeps every page otherwise), and count
        it on the terminal when the build is long. With the build cache, the page's HTML is kept in the cache
        and linked into the site (MkDocs writes nothing for an empty output)."""
        page.content = None
        self._check_cancel()
        if self.state.writing is not None:
            self.state.writing.step()
        state, src = self.state, page.file.src_uri
        if state.cache is None or src not in state.html_keys:
            return output
        kept = state.linked.get(src) or state.cache.store_html(
            state.html_keys[src], output.encode("utf-8", errors="xmlcharrefreplace"), [page.update_date, page.canonical_url]
        )
        link(kept, Path(page.file.abs_dest_path))
        return ""

    def _from_cache(self, page: Page, markdown: str) -> bool:
        """Whether a page's HTML is in the build cache: if so it is laid out with an empty template and linked into
        the site in on_post_page. A page the tags plugin fills in (its listing of every tagged page) is never."""
        state, src = self.state, page.file.src_uri
        if state.cache is None or src not in state.html_keys or "<!-- material/tags" in markdown:
            state.html_keys.pop(src, None)
            return False
        found = state.cache.html(state.html_keys[src])
        if found is None:
            return False
        state.linked[src] = found
        page.meta["template"] = CACHED_LAYOUT
        return True

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        """Make the 404 page load styled wherever a server shows it (see served_anywhere)."""
        if template_name == "404.html":
            return served_anywhere(output_content, urlsplit(config.site_url or "/").path or "/")
        return output_content

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Index the built pages and the findings with Pagefind (outputs/search.py), unless Material's own search
        is on (the offline copy, which browsers cannot fetch an index into from file://)."""
        if self.state.writing is not None:
            self.state.writing.close()
            self.state.writing = None
        for file, entry, _ in self.state.kept.values():  # the pages MkDocs did not read (Kept)
            link(entry, Path(file.abs_dest_path))
        if self.managed:
            return
        if not self.serving:  # every generated file has been read or copied by now (a preview reads them again)
            self._remove_scratch()
        if self.state.cache is not None and self.state.session is not None:
            self.state.cache.save(self.state.session)
        material = config.plugins.get("material/search")
        if material is not None and material.config.enabled:
            return
        search.build(Path(config.site_dir), self.state.records)

    # ---------------------------------------------------------------------------------------- scratch

    def _new_scratch(self, root: Path) -> Path:
        """A fresh folder for this build's generated files, under build/ (removed after the build; under a preview,
        which may still be serving the last build's pages, the preview removes it when it lets that build go). It
        holds a lock for as long as this process uses it, so that the folders of builds that were killed, whose
        locks the system has let go, are removed here, and a running preview's never are."""
        if not self.managed:
            self._remove_scratch()
        build = root / "build"
        build.mkdir(exist_ok=True)
        for folder in build.glob(GENERATED + "*"):
            _remove_if_abandoned(folder)
        scratch = Path(tempfile.mkdtemp(prefix=GENERATED, dir=build))
        _hold(scratch)
        self.built.scratch = scratch
        return scratch

    def _remove_scratch(self) -> None:
        if self.state.scratch is not None:
            release(self.state.scratch)
            shutil.rmtree(self.state.scratch, ignore_errors=True)
            self.state.scratch = None


GENERATED = "generated-"  # the prefix of a build's folder of generated files, in build/
LOCK = ".in-use"  # the lock inside it, held by the process that uses it
_HELD: dict[Path, int] = {}  # this process's locks on its folders of generated files (a preview's may be several)


def _hold(folder: Path) -> None:
    """Lock a new folder of generated files for as long as this process uses it."""
    handle = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    fcntl.flock(handle, fcntl.LOCK_EX)
    _HELD[folder] = handle


def release(folder: Path | str) -> None:
    """Let go of the lock on a folder of generated files this process no longer uses (before removing it)."""
    handle = _HELD.pop(Path(folder), None)
    if handle is not None:
        os.close(handle)


def _remove_if_abandoned(folder: Path) -> None:
    """Remove a folder of generated files whose process has ended (its lock is free). A folder without a lock
    (one being made this instant, or left by an older version) is kept for a minute."""
    try:
        handle = os.open(folder / LOCK, os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        try:
            if time.time() - folder.lstat().st_mtime > 60:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass
        return
    except OSError:
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return  # in use
    finally:
        os.close(handle)
    shutil.rmtree(folder, ignore_errors=True)


def sources(planned: list, review: Any, directory_urls: bool) -> dict[str, str]:
    """{built HTML file: content file} of every page that shows one file: an entity's page its YAML file, a
    hand-written page its Markdown (so that a fault found in the built page is reported where it is written)."""
    out = {}
    for page in planned:
        collection = page.kind.collection
        if collection == "pages":
            source = page.item.path
        elif collection and page.item is not None and page.item.get("id") in review.entities.get(collection, {}):
            source = review.entities[collection][page.item["id"]].path
        else:
            continue
        served = addresses.served(page.path, directory_urls)
        out[served + "index.html" if served.endswith("/") or not served else served] = source
    return out


def served_anywhere(page: str, site_path: str) -> str:
    """The 404 page, which a server sends for any missing address, at any depth: MkDocs links its styles, scripts
    and navigation from the site's path (`/sud-psychedelics-review/assets/...`), so served from another path (the
    site at a server's root, a preview) it loaded unstyled. Its addresses become relative to a <base> that a first
    script sets to the site's root as seen from the address asked for: the part of the path up to the site's path
    if it holds it, else the server's root."""
    prefix = site_path if site_path.endswith("/") else site_path + "/"
    for attribute in ("href", "src"):
        page = page.replace(f'{attribute}="{prefix}', f'{attribute}="./')
    script = (
        "<script>(function(){var p=" + json.dumps(prefix) + ",l=location.pathname,i=l.indexOf(p);"
        "document.write('<base href=\"'+(i<0?'/':l.slice(0,i+p.length))+'\">');})();</script>"
    )
    return page.replace("<head>", "<head>" + script, 1)


def _nav_paths(nav):
    """The page paths in MkDocs' `nav`."""
    for entry in nav:
        if isinstance(entry, str):
            yield entry
        elif isinstance(entry, dict):
            for value in entry.values():
                yield from [value] if isinstance(value, str) else _nav_paths(value)


def docs_order(path: str) -> tuple:
    """The order MkDocs gives files it finds in docs_dir (a folder's files before its subfolders', index first),
    so that the search index and the tag listings do not depend on the order pages were rendered in."""
    folder, _, name = path.rpartition("/")
    return tuple(folder.split("/")) if folder else (), name.rsplit(".", 1)[0] not in ("index", "README"), name
