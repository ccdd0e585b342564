"""`review serve`: the live preview, with a saved edit on screen before the rest of the site has caught up.

`mkdocs serve` rebuilds every page on every save: at 1,000 studies a quarter of a minute before the edited
page shows. The preview keeps the last build (its files, navigation and theme environment, handed over by
the plugin, plugin.py) and, on a save:

1. checks and indexes the content again (a content error is reported and the last good pages stay up);
2. renders the pages of the files that changed through the generator and MkDocs' own page functions, and
   lets the browser reload: the edited page is on screen;
3. in the background, renders every output again, re-renders the pages whose text changed (every page when
   a title in the navigation changed), writes the changed downloads and data, and re-indexes the search.
   Until it is done, a request for any page it has not caught up with waits for it, so no page is served
   stale: a backlink, a list or the navigation that shows the edit is right when the reader gets there.

A template, the configuration, or a file added or removed rebuilds the whole site, as `mkdocs serve` does.
`make site` is still the one full, strict build; the preview is not what is published.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from ..model.errors import ContentError
from ..outputs import search
from ..outputs.render import Renderer
from .build import CONTENT_DIR, TEMPLATES_DIR, renderer
from .changes import ChangeKind, changed_outputs, detect_change
from .plugin import Built

log = logging.getLogger("mkdocs.review.preview")

WATCHED = (CONTENT_DIR, TEMPLATES_DIR.parent, Path("mkdocs.yml"))


@dataclass
class Pending:
    """The background pass: which pages are already current, and whether the pass is still running."""

    fresh: set = field(default_factory=set)
    running: bool = False
    cancel: bool = False
    done: threading.Condition = field(default_factory=threading.Condition)


def snapshot(root: Path) -> dict:
    """{path: (mtime, size)} of every watched file."""
    seen = {}
    for top in WATCHED:
        where = root / top
        paths = [where] if where.is_file() else (p for p in where.rglob("*") if p.is_file())
        for path in paths:
            stat = path.stat()
            seen[path.relative_to(root).as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return seen


class Preview:
    """One live preview of the project in `root`."""

    def __init__(self, root: Path, dev_addr: str | None = None):
        self.root = root
        self.dev_addr = dev_addr
        self.site_dir = tempfile.mkdtemp(prefix="review-serve-")
        self.catching_up: threading.Thread | None = None
        self.config = self._config()
        host, port = self.config.dev_addr
        self.mount_path = urlsplit(self.config.site_url or "/").path
        self.serve_url = f"http://{host}:{port}{self.mount_path}"
        self.config.site_url = self.serve_url
        self.pending = Pending()
        self.lock = threading.Lock()  # held by whoever is changing the built site
        self.seen: dict = {}
        self.review: Renderer | None = None

    def _config(self):
        return load_config(config_file=str(self.root / "mkdocs.yml"), site_dir=self.site_dir, dev_addr=self.dev_addr)

    # -------------------------------------------------------------------------------------- whole builds

    def full_build(self) -> None:
        """The whole site, as `mkdocs serve` builds it (the plugin keeps its files, navigation and theme)."""
        config = self._config()
        config.site_url = self.serve_url
        self.seen = snapshot(self.root)
        mkdocs_build.build(config, serve_url=self.serve_url)
        self.config = config
        self.review = None

    @property
    def built(self) -> Built:
        """What the last full build made. MkDocs keeps one instance of a plugin that has on_startup for every
        configuration loaded in a process, so this is the plugin that made the last build."""
        return self.config.plugins["review"].built

    # -------------------------------------------------------------------------------------- an edit

    def rebuild(self) -> None:
        """Called by the server after a save: show the edited pages now, the rest in the background."""
        self.pending.cancel = True
        with self.lock:
            self.pending.cancel = False
            self._finish()  # a pass cut short by this save: this save's own pass takes over
            before, self.seen = self.seen, snapshot(self.root)
            change = detect_change(before, self.seen, CONTENT_DIR.as_posix())
            if change.kind is ChangeKind.NONE:
                return
            if change.kind is ChangeKind.REBUILD or self.built.files is None:
                log.info("review: %s: rebuilding everything", change.reason or "nothing built yet")
                self._finish()
                self.full_build()
                return
            started = time.perf_counter()
            try:
                review = renderer(self.root / CONTENT_DIR, self.root / TEMPLATES_DIR, self.config.use_directory_urls)
            except ContentError as error:
                log.error("review: the content has problems; the last good pages stay up.\n%s", error.report())
                self.seen = dict(before) | {path: (0, 0) for path in change.files}  # retried on the next save
                return
            self.review = review
            shown = [page for page in review.pages if page.path in change.own_pages]
            self.pending.fresh = set()
            nav_changed = False
            for page in shown:
                out = review.render_page(page)
                nav_changed |= self._update_page(out.path, out.text)
                self.pending.fresh.add(out.path)
            log.info(
                "review: %s on screen in %.2f s; the rest of the site catches up in the background",
                ", ".join(sorted(self.pending.fresh)) or "no page of its own",
                time.perf_counter() - started,
            )
            self.pending.running = True
        self.catching_up = threading.Thread(target=self._catch_up, args=(review, nav_changed), daemon=True)
        self.catching_up.start()

    def _files(self) -> Files:
        files = self.built.files
        assert files is not None, "the preview has not built the site yet"
        return files

    def _file(self, path: str) -> File:
        file = self._files().get_file_from_path(path)
        assert file is not None, f"{path} is not in the last build"
        return file

    def _page(self, path: str) -> Page:
        page = self._file(path).page
        assert page is not None, f"{path} is not a page"
        return page

    def _update_page(self, path: str, text: str, build: bool = True) -> bool:
        """Give MkDocs a page's new text and render it; True if it is in the navigation and its title changed."""
        page = self._page(path)
        title = page.title
        page.file.content_string = text
        mkdocs_build._populate_page(page, self.config, self._files())
        if build:
            self._build(page)
        nav = self.built.nav
        return page.title != title and nav is not None and page in nav.pages

    def _build(self, page: Page) -> None:
        if page.content is None:  # let go of after its last build (plugin.on_post_page): convert it again
            mkdocs_build._populate_page(page, self.config, self._files())
        nav = self.built.nav
        assert nav is not None
        mkdocs_build._build_page(page, self.config, self._doc_files(), nav, self.built.env)

    def _doc_files(self) -> Sequence[File]:
        return self._files().documentation_pages(inclusion=InclusionLevel.is_in_serve)

    def _catch_up(self, review, nav_changed: bool) -> None:
        """Render everything again and bring every changed output up to date, then the search index."""
        started = time.perf_counter()
        updated = 0
        with self.lock:
            try:
                outputs = {}
                for out in review.render():
                    if self.pending.cancel:
                        return
                    outputs[out.path] = out.text
                files = self._files()
                held = {path: file.content_string for path in outputs if (file := files.get_file_from_path(path))}
                todo = changed_outputs({f.src_uri for f in self._doc_files()}, held, outputs, self.pending.fresh)
                if todo.rebuild:  # a page added or gone: a new navigation
                    log.info("review: the edit adds or removes pages: rebuilding everything")
                    self.full_build()
                    return
                changed_pages = []
                for path in todo.pages:
                    nav_changed |= self._update_page(path, outputs[path], build=False)
                    changed_pages.append(self._page(path))
                for path in todo.files:
                    file = self._file(path)
                    file.content_string = outputs[path]
                    Path(file.abs_dest_path).parent.mkdir(parents=True, exist_ok=True)
                    Path(file.abs_dest_path).write_text(outputs[path], encoding="utf-8")
                    updated += 1
                pages = [f.page for f in self._doc_files() if f.page is not None] if nav_changed else changed_pages
                for page in pages:
                    if self.pending.cancel:
                        return
                    if page.file.src_uri not in self.pending.fresh:
                        self._build(page)
                        self.pending.fresh.add(page.file.src_uri)
                        updated += 1
            finally:
                if not self.pending.cancel:
                    self._finish()
        log.info(
            "review: the rest of the site caught up in %.2f s (%d outputs re-rendered)", time.perf_counter() - started, updated
        )
        material = self.config.plugins.get("material/search")
        if not self.pending.cancel and (material is None or not material.config.enabled):
            search.build(Path(self.site_dir), search.records(review.index))

    def _finish(self) -> None:
        with self.pending.done:
            self.pending.running = False
            self.pending.done.notify_all()

    def wait_for(self, url_path: str) -> None:
        """Hold a request for a page the background pass has not caught up with until it has."""
        if not self.pending.running or not url_path.endswith((".html", "/")):
            return
        with self.pending.done:
            self.pending.done.wait_for(lambda: not self.pending.running or self._is_fresh(url_path), timeout=600)

    def _is_fresh(self, url_path: str) -> bool:
        rel = url_path[len(self.mount_path) :] if url_path.startswith(self.mount_path) else url_path.lstrip("/")
        files = self.built.files
        if files is None:
            return True
        file = files.get_file_from_path(rel)
        if file is None:
            for candidate in files.documentation_pages():
                if candidate.url == rel or candidate.dest_uri == rel or candidate.url == rel.removesuffix("index.html"):
                    file = candidate
                    break
        return file is None or file.src_uri in self.pending.fresh

    # -------------------------------------------------------------------------------------- serving

    def serve(self) -> None:
        preview = self

        class Server(LiveReloadServer):
            def _serve_request(self, environ, start_response):
                preview.wait_for(environ["PATH_INFO"])
                return super()._serve_request(environ, start_response)

        host, port = self.config.dev_addr
        server = Server(builder=self.rebuild, host=host, port=port, root=self.site_dir, mount_path=self.mount_path)
        server.error_handler = lambda code: (
            Path(self.site_dir, f"{code}.html").read_bytes() if Path(self.site_dir, f"{code}.html").is_file() else None
        )
        self.config.plugins.on_startup(command="serve", dirty=False)
        try:
            self.full_build()
            for top in WATCHED:
                server.watch(str(self.root / top))
            try:
                server.serve()
            except KeyboardInterrupt:
                log.info("Shutting down...")
            finally:
                server.shutdown()
        finally:
            # Why: a background pass (or its Pagefind run) still writing into the scratch site would recreate
            # folders behind rmtree; stop it and let it finish the file it is on first.
            self.pending.cancel = True
            if self.catching_up is not None:
                self.catching_up.join(timeout=120)
            self.config.plugins.on_shutdown()
            shutil.rmtree(self.site_dir, ignore_errors=True)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(root: Path, dev_addr: str | None = None) -> None:
    # Why: a terminal closing or a supervisor stopping us sends SIGTERM, which by default ends Python without
    # running `finally`, leaving the scratch site in /tmp; treat it as Ctrl-C so the clean-up runs.
    signal.signal(signal.SIGTERM, _interrupt)
    os.chdir(root)
    Preview(root, dev_addr).serve()
