"""`review serve`: the live preview, with a saved edit on screen before the rest of the site has caught up.

`mkdocs serve` rebuilds every page on every save: at 1,000 studies a quarter of a minute before the edited
page shows. The preview keeps the last build (its files, navigation, theme environment and renderer, handed over
by the plugin, plugin.py) and, on a save:

1. reads and checks the content again through a Session (build.py), which parses and checks only the files that
   changed (a content error is shown and the last good pages stay up);
2. renders the pages that show an edited file as their own through the generator and MkDocs' own page
   functions, and lets the browser reload: the edited page is on screen;
3. in a background worker, renders again every other page whose inputs changed (outputs/depends.py: the pages
   that list, cite or link to the edit; every page's frame when a title in the navigation changed), then the
   downloads, data and figures, then the search index. A request for a page still in the worker's queue moves
   it to the front and waits for it, so no page is served stale.

A template, the configuration, the navigation's order or a file added or removed rebuilds the whole site in the
worker, into a fresh folder: the last good site is served, with a notice, until the new one is ready. Whatever
fails (a content error, a template error, any other exception), the last good pages stay up and every page served
shows the error as the terminal prints it, until a save fixes it; no request waits on a failed build.
SIGTERM or Ctrl-C stops the server and the worker (Pagefind included) within a second.
`make site` is still the one full, strict build; the preview is not what is published.
"""

from __future__ import annotations

import html
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import watchdog.observers
from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from ..model.errors import ContentError
from ..model.load import _is_ignored
from ..outputs import pages, search
from ..outputs.depends import Dependencies, code_version, digest
from ..outputs.render import Renderer
from ..outputs.search import Cancelled
from .build import CONTENT_DIR, TEMPLATES_DIR, Session
from .changes import ChangeKind, detect_change
from .plugin import Built, ReviewPlugin, release

log = logging.getLogger("mkdocs.review.preview")

WATCHED = (CONTENT_DIR, TEMPLATES_DIR.parent, Path("mkdocs.yml"))
WAIT = 120.0  # the longest a request waits for its page to be brought up to date (it is moved to the front)
STOP = 0.8  # how long stopping waits for the worker to reach a point where it can stop
DOWNLOADS = "(downloads)"  # the queue's entry for the downloads, data and figures


def snapshot(root: Path) -> dict:
    """{path: (mtime, size)} of every watched file (editors' swap and backup files left out, as load leaves them)."""
    seen = {}
    for top in WATCHED:
        where = root / top
        paths = [where] if where.is_file() else (p for p in where.rglob("*") if p.is_file() and not _is_ignored(p.name))
        for path in paths:
            try:
                stat = path.stat()
            except OSError:
                continue  # removed while we looked
            seen[path.relative_to(root).as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return seen


def discard(folder: Path | str | None) -> None:
    """Remove a folder without waiting for it: at 10,000 studies a site is a gigabyte in 13,000 files, seconds of
    deleting, which must not hold up a save or stopping the server."""
    if folder is None or not Path(folder).exists():
        return
    subprocess.Popen(["rm", "-rf", "--", str(folder)], start_new_session=True, stdin=subprocess.DEVNULL)


class Worker:
    """One background job at a time, which can be called off: `cancel` is checked between pages (and by Pagefind
    every tenth of a second)."""

    def __init__(self) -> None:
        self.thread: threading.Thread | None = None
        self.cancel = threading.Event()

    def start(self, job: Callable[[threading.Event], None]) -> None:
        """Run job(cancel) in the background, after calling off the job before it."""
        self.stop()
        self.cancel = threading.Event()
        self.thread = threading.Thread(target=job, args=(self.cancel,), daemon=True, name="review-preview-worker")
        self.thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Call the job off and wait for it to stop (it stops after the page it is on)."""
        self.cancel.set()
        if self.thread is not None and self.thread is not threading.current_thread():
            self.thread.join(timeout)

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()


class Preview:
    """One live preview of the project in `root`."""

    def __init__(self, root: Path, dev_addr: str | None = None):
        self.root = root
        self.dev_addr = dev_addr
        self.site_dir = tempfile.mkdtemp(prefix="review-serve-")
        self.config = self._config(self.site_dir)
        host, port = self.config.dev_addr
        self.mount_path = urlsplit(self.config.site_url or "/").path
        self.serve_url = f"http://{host}:{port}{self.mount_path}"
        self.lock = threading.RLock()  # held by whoever changes the built site or reads MkDocs' structures
        self.queue = threading.Condition(self.lock)  # notified when a page leaves the worker's queue
        self.todo: dict[str, bool] = {}  # pages the worker has still to bring up to date -> whether to re-render them
        self.urgent: list[str] = []  # of those, the ones a reader is waiting for
        self.planning = False  # the worker is working out which pages an edit changed (requests wait for it)
        self.worker = Worker()
        self.session = Session()
        self.code = code_version()
        self.keys: dict[str, str] = {}  # {page or DOWNLOADS: dependency key} of what the served site shows
        self.nav: list = []  # the navigation the served site was built with
        self.good: dict = {}  # the watched files as they were for the last good build
        self.seen: dict = {}  # the watched files as they were at the last save
        self.full_needed = True  # the next save must rebuild everything (nothing is built, or a full build failed)
        self.error: str | None = None  # shown on every page served until a save fixes it
        self.notice: str | None = None  # what the worker is doing that the reader should know (a full rebuild)
        self.server: LiveReloadServer | None = None
        self.scratch: list[Path] = []  # generated files of the builds served or being built
        self.current = Built()  # what the served site was built with (a failed build leaves it as it was)

    def _config(self, site_dir: str):
        config = load_config(config_file=str(self.root / "mkdocs.yml"), site_dir=site_dir, dev_addr=self.dev_addr)
        if hasattr(self, "serve_url"):
            config.site_url = self.serve_url
        return config

    @property
    def plugin(self) -> ReviewPlugin:
        """MkDocs keeps one instance of a plugin that has on_startup for every configuration loaded in a process,
        so this is the plugin that makes every build."""
        return self.config.plugins["review"]

    # -------------------------------------------------------------------------------------- whole builds

    def full_build(self, cancel: threading.Event | None = None) -> None:
        """The whole site, as `mkdocs serve` builds it, into a fresh folder that replaces the served one only when
        the build succeeded (the plugin keeps its files, navigation, theme and renderer)."""
        started = time.perf_counter()
        seen = snapshot(self.root)
        folder = tempfile.mkdtemp(prefix="review-serve-")
        config = self._config(folder)
        config.site_url = self.serve_url
        plugin: ReviewPlugin = config.plugins["review"]
        plugin.session, plugin.cancel, plugin.managed = self.session, cancel, True
        plugin.failure = None
        try:
            mkdocs_build.build(config, serve_url=self.serve_url)
        except BaseException as error:
            discard(folder)
            if plugin.built.scratch is not None and plugin.built.scratch not in self.scratch:
                release(plugin.built.scratch)
                discard(plugin.built.scratch)
            if isinstance(error, Abort) and plugin.failure is not None:
                raise plugin.failure from None  # the error itself, not MkDocs' "Aborted with a BuildError!"
            raise
        finally:
            plugin.cancel = None  # single pages are built with the plugin too, and are not called off
        built = Built(**vars(plugin.built))
        renderer = built.renderer
        assert renderer is not None
        keys = self._keys(renderer)
        with self.lock:
            old, self.site_dir, self.config, self.current = self.site_dir, folder, config, built
            if self.server is not None:
                self.server.root = folder
            for scratch in self.scratch:
                if scratch != built.scratch:
                    release(scratch)
                    discard(scratch)
            self.scratch = [built.scratch] if built.scratch else []
            self.keys, self.nav = keys, pages.navigation(renderer.pages)
            self.good, self.full_needed, self.error = seen, False, None
            self.todo.clear()
            self.queue.notify_all()
        discard(old)
        log.info("review: the whole site built in %.1f s, into %s", time.perf_counter() - started, folder)

    def _keys(self, renderer: Renderer) -> dict[str, str]:
        deps = Dependencies(renderer, self.root / TEMPLATES_DIR, self.code)
        keys = deps.keys()
        keys[DOWNLOADS] = digest(deps.shared, sorted(deps.fingerprint.items()))
        return keys

    # -------------------------------------------------------------------------------------- an edit

    def rebuild(self) -> None:
        """Called by the server after a save: show the edited pages now, the rest in the background. Never raises:
        a failure is kept in `error`, shown on every page, and the last good pages stay up."""
        seen = snapshot(self.root)
        if seen == self.seen and (not self.full_needed or self.worker.running):
            return  # a file was read, not changed (the system reports both): the work under way goes on
        self.worker.stop()
        try:
            self._rebuild(seen)
        except Exception as error:  # whatever it is, the preview keeps serving the last good pages
            self._failed(error)
        finally:
            self._reload()

    def _failed(self, error: BaseException) -> None:
        """Keep a failure to show it on every page, and print it on the terminal in the same words."""
        self.error = describe(error)
        if isinstance(error, (ContentError, PluginError)):
            log.error("review: the content has problems; the last good pages stay up.\n%s", self.error)
        else:
            log.error("review: the preview could not be updated; the last good pages stay up.\n%s", self.error)
            log.debug("%s", "".join(traceback.format_exception(error)))

    def _rebuild(self, seen: dict) -> None:
        self.seen = seen
        change = detect_change(self.good, self.seen, CONTENT_DIR.as_posix())
        if change.kind is ChangeKind.NONE and not self.full_needed:
            self.error = None
            return
        if change.kind is ChangeKind.REBUILD or self.full_needed:
            self._start_full(change.reason or "the last build did not finish")
            return
        started = time.perf_counter()
        with self.lock:
            renderer = self.session.renderer(self.root / CONTENT_DIR, self.root / TEMPLATES_DIR, self.config.use_directory_urls)
            if pages.navigation(renderer.pages) != self.nav:
                self._start_full("the navigation changed")
                return
            own = [page for page in renderer.pages if page.path in change.own_pages]
            nav_changed = False
            for page in own:
                nav_changed |= self._update_page(page.path, renderer.render_page(page).text)
            # Until the worker has worked out which other pages changed, a request for any of them waits.
            self.planning, self.todo, self.urgent = True, {}, []
            self.error = None
            self.good = self.seen
            self.current.renderer = renderer
        log.info(
            "review: %s on screen in %.2f s; the rest of the site catches up in the background",
            ", ".join(page.path for page in own) or "no page of its own",
            time.perf_counter() - started,
        )
        shown = {page.path for page in own}
        self.worker.start(lambda cancel: self._catch_up(renderer, shown, nav_changed, cancel))

    def _start_full(self, reason: str) -> None:
        log.info("review: %s: rebuilding everything", reason)
        with self.lock:
            self.full_needed = True
            self.notice = (
                f"Rebuilding the whole site ({reason}); this page is from the last build and reloads when the new one is ready."
            )
            self.todo.clear()
            self.queue.notify_all()

        def job(cancel: threading.Event) -> None:
            try:
                self.full_build(cancel)
                self._index_search(cancel)
            except Cancelled:
                return
            except Exception as error:
                self._failed(error)
            finally:
                if not cancel.is_set():
                    self.notice = None
                    self._reload()

        self.worker.start(job)

    def _page_paths(self) -> list[str]:
        return [f.src_uri for f in self._doc_files()]

    def _files(self) -> Files:
        files = self.current.files
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
        nav = self.current.nav
        return page.title != title and nav is not None and page in nav.pages

    def _build(self, page: Page) -> None:
        if page.content is None:  # let go of after its last build (plugin.on_post_page): convert it again
            mkdocs_build._populate_page(page, self.config, self._files())
        nav = self.current.nav
        assert nav is not None
        mkdocs_build._build_page(page, self.config, self._doc_files(), nav, self.current.env)

    def _doc_files(self) -> Sequence[File]:
        return self._files().documentation_pages(inclusion=InclusionLevel.is_in_serve)

    def _plan(self, renderer: Renderer, shown: set[str], nav_changed: bool) -> dict[str, str]:
        """Which outputs the edit changed: the pages whose dependency key changed (and every page's frame when a
        title in the navigation changed), and the downloads. Returns the new keys."""
        with self.lock:
            try:
                keys = self._keys(renderer)
                for path in shown:
                    self.keys[path] = keys[path]
                todo = {page.path: True for page in renderer.pages if keys[page.path] != self.keys.get(page.path)}
                if nav_changed:  # every page's frame shows the new title
                    todo |= {path: False for path in self._page_paths() if path not in todo and path not in shown}
                if keys[DOWNLOADS] != self.keys.get(DOWNLOADS):
                    todo[DOWNLOADS] = True
                self.todo = todo
                return keys
            finally:
                self.planning = False
                self.queue.notify_all()

    def _catch_up(self, renderer: Renderer, shown: set[str], nav_changed: bool, cancel: threading.Event) -> None:
        """Bring every output the edit changed up to date, the ones readers wait for first, then index the search."""
        started, done = time.perf_counter(), 0
        try:
            keys = self._plan(renderer, shown, nav_changed)
            by_path = {page.path: page for page in renderer.pages}
            while True:
                with self.lock:
                    if cancel.is_set():
                        return
                    if not self.todo:
                        break
                    path = next((p for p in self.urgent if p in self.todo), None) or next(iter(self.todo))
                    render = self.todo[path]
                    if path == DOWNLOADS:
                        self._write_downloads(renderer)
                    elif render:
                        self._update_page(path, renderer.render_page(by_path[path]).text)
                    else:
                        self._build(self._page(path))
                    if path in keys:
                        self.keys[path] = keys[path]
                    del self.todo[path]
                    done += 1
                    self.queue.notify_all()
            log.info("review: the rest of the site caught up in %.2f s (%d outputs)", time.perf_counter() - started, done)
            self._index_search(cancel)
        except Cancelled:
            return
        except Exception as error:
            self._failed(error)
            with self.lock:
                self.full_needed = True  # the served site is partly updated: the next save rebuilds it
                self.todo.clear()
                self.queue.notify_all()
            self._reload()

    def _write_downloads(self, renderer: Renderer) -> None:
        """The outputs besides the pages (downloads, figures, data, feed): each written again if its text changed."""
        for out in renderer.files():
            target = Path(self.site_dir) / out.path
            data = out.text.encode("utf-8")
            if not target.is_file() or target.read_bytes() != data:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)

    def _index_search(self, cancel: threading.Event) -> None:
        material = self.config.plugins.get("material/search")
        renderer = self.current.renderer
        if renderer is None or (material is not None and material.config.enabled):
            return
        started = time.perf_counter()
        search.build(Path(self.site_dir), search.records(renderer.index), cancel)
        log.info("review: search index updated in %.1f s", time.perf_counter() - started)

    # -------------------------------------------------------------------------------------- serving

    def source_of(self, url_path: str) -> str | None:
        """The page (source path) a URL asks for, if it is one."""
        rel = url_path[len(self.mount_path) :] if url_path.startswith(self.mount_path) else url_path.lstrip("/")
        if not (rel == "" or rel.endswith((".html", "/"))):
            return None
        files = self.current.files
        if files is None:
            return None
        file = files.get_file_from_path(rel)
        if file is None:
            wanted = rel if rel.endswith(".html") else rel + "index.html"
            file = next((f for f in files.documentation_pages() if f.dest_uri == wanted), None)
        return file.src_uri if file is not None else None

    def wait_for(self, url_path: str) -> None:
        """Hold a request for a page the worker has not brought up to date yet, moving it to the front of the queue."""
        if not self.todo and not self.planning:
            return
        with self.lock:
            path = self.source_of(url_path)
            if path is None:
                return
            self.queue.wait_for(lambda: not self.planning or not self.worker.running, timeout=WAIT)
            if path not in self.todo:
                return
            self.urgent.append(path)
            self.queue.wait_for(lambda: path not in self.todo or not self.worker.running, timeout=WAIT)

    def banner(self) -> bytes:
        """What every page served shows above its content: the error, or what the worker is doing."""
        parts = []
        if self.error:
            parts.append(
                '<div id="review-preview-error" role="alert" style="background:#fff0f0;color:#600;border:2px solid #c00;'
                'padding:.8em 1em;margin:0;font:14px/1.4 sans-serif;position:relative;z-index:10">'
                "<strong>The preview could not show your last save: the pages are from the last good build.</strong>"
                f'<pre style="white-space:pre-wrap;margin:.5em 0 0;font-size:13px">{html.escape(self.error)}</pre></div>'
            )
        if self.notice:
            parts.append(
                '<div id="review-preview-notice" role="status" style="background:#fffbe6;color:#333;padding:.5em 1em;'
                f'font:14px/1.4 sans-serif;position:relative;z-index:10">{html.escape(self.notice)}</div>'
            )
        return "".join(parts).encode("utf-8")

    def _reload(self) -> None:
        """Make every open page reload (the server's own signal after a build)."""
        server = self.server
        if server is None:
            return
        with server._epoch_cond:
            server._visible_epoch = server._wanted_epoch = max(server._visible_epoch, round(time.monotonic() * 1000))
            server._epoch_cond.notify_all()

    def serve(self) -> None:
        preview = self

        class Server(LiveReloadServer):
            def _serve_request(self, environ, start_response):
                if not environ["PATH_INFO"].startswith("/livereload/"):
                    with self._epoch_cond:  # a save being handled first (as MkDocs' own server does, below)
                        self._epoch_cond.wait_for(lambda: self._visible_epoch == self._wanted_epoch)
                    preview.wait_for(environ["PATH_INFO"])
                return super()._serve_request(environ, start_response)

            def _inject_js_into_html(self, content, epoch):
                content = super()._inject_js_into_html(content, epoch)
                shown = preview.banner()
                if not shown:
                    return content
                at = content.find(b"<body")
                at = content.find(b">", at) + 1 if at >= 0 else 0
                return content[:at] + shown + content[at:]

        host, port = self.config.dev_addr
        server = Server(builder=self.rebuild, host=host, port=port, root=self.site_dir, mount_path=self.mount_path)

        def error_page(code: int) -> bytes:
            page = Path(server.root, f"{code}.html")
            if page.is_file():
                return server._inject_js_into_html(page.read_bytes(), server._visible_epoch)
            # Nothing built yet (the first build failed): the error, and a reload when a save fixes it.
            empty = b"<!doctype html><html><head><meta charset='utf-8'><title>Preview</title></head><body></body></html>"
            return server._inject_js_into_html(empty, server._visible_epoch)

        server.error_handler = error_page
        # MkDocs polls every watched file twice a second (13,000 files at 10,000 studies, and up to half a second
        # before a save is seen); the system's own notifications (inotify on Linux) report a save at once.
        observer: Any = watchdog.observers.Observer()
        server.observer = observer
        self.config.plugins.on_startup(command="serve", dirty=False)
        self.plugin.managed = True
        try:
            self.server = server
            try:
                self.full_build(self.worker.cancel)
                self.worker.start(self._index_first)
            except Exception as error:  # served all the same: the error shows until a save fixes it
                self._failed(error)
                self.full_needed = True
            server.root = self.site_dir
            for top in WATCHED:
                server.watch(str(self.root / top))
            try:
                server.serve()
            except KeyboardInterrupt:
                log.info("Shutting down...")
            finally:
                server.shutdown()
        except KeyboardInterrupt:
            log.info("Shutting down...")
        finally:
            self.worker.stop(STOP)
            discard(self.site_dir)
            for folder in self.scratch:
                release(folder)
                discard(folder)
            self.site_dir = ""

    def _index_first(self, cancel: threading.Event) -> None:
        try:
            self._index_search(cancel)
        except Cancelled:
            return
        except Exception as error:
            self._failed(error)
            self._reload()


def describe(error: BaseException) -> str:
    """A failure as the terminal shows it: a content error's `path:line: field: message` lines, a template's
    `file:line: message`, or the exception's one line."""
    if isinstance(error, ContentError):
        return error.report()
    if isinstance(error, PluginError):
        return str(error).strip()
    if isinstance(error, jinja2.TemplateError):
        where = getattr(error, "filename", None) or getattr(error, "name", None)
        line = getattr(error, "lineno", None)
        if where and Path(where).is_absolute() and Path(where).is_relative_to(Path.cwd()):
            where = Path(where).relative_to(Path.cwd()).as_posix()
        if where:
            return f"{where}:{line or 1}: template error: {error.message or error}"
    return "".join(traceback.format_exception_only(type(error), error)).strip()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(root: Path, dev_addr: str | None = None) -> None:
    """Run the preview until SIGTERM or Ctrl-C, then end the process at once."""
    # Why: a terminal closing or a supervisor stopping us sends SIGTERM, which by default ends Python without
    # running `finally`, leaving the scratch site in /tmp; treat it as Ctrl-C so the clean-up runs. And Ctrl-C
    # (SIGINT) itself: a shell starts a background command with SIGINT ignored, and Python then leaves it so.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    os.chdir(root)
    Preview(root, dev_addr).serve()
    # Why: at 10,000 studies the preview holds millions of objects, and freeing them one by one as the interpreter
    # ends takes seconds; everything the process owns outside its memory is cleaned up by now.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
