"""Shared fixtures: the project's paths, a writable copy of the fixture review, built sites, a browser, pandoc.

Tests that build a whole site with MkDocs, drive the browser or start servers are marked `slow`;
`make test-fast` runs the others.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "review"
TEMPLATES = ROOT / "templates" / "pages"
CSL = ROOT / "tests" / "fixtures" / "csl"
PROJECT_FILES = ["content", "templates", "scripts", "mkdocs.yml", "Makefile", "pyproject.toml", "requirements.txt"]
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

sys.path.insert(0, str(ROOT / "scripts"))


def copy_project(folder: Path, names=PROJECT_FILES, content: Path | None = None) -> Path:
    """Copy the project's files into folder (content from `content` if given), sharing the installed .venv."""
    for name in names:
        source = content if name == "content" and content is not None else ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, folder / name)
    (folder / ".venv").symlink_to(ROOT / ".venv")
    return folder


def make(folder: Path, target: str, *args, timeout=600, env=None):
    """Run a Makefile target in folder without reinstalling the .venv."""
    return subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/.installed", target, *args],
        cwd=folder,
        capture_output=True,
        text=True,
        env={**os.environ, "MAKEFLAGS": "", **(env or {})},
        timeout=timeout,
    )


def lines_in(path: Path, message: str, offset: int, edited: str | None = None) -> str:
    """An expected problem with its line numbers derived from the fixture, not written in the test: `{line}` is the
    line of an edit made at `offset` of the file's original text, `{at:text}` the first line of the edited file
    (`edited`, else the file as it is) that holds `text`."""
    text = path.read_text() if edited is None else edited
    message = message.replace("{line}", str(text[:offset].count("\n") + 1))
    return re.sub(
        r"\{at:([^}]*)\}",
        lambda m: str(next(n for n, line in enumerate(text.splitlines(), start=1) if m.group(1) in line)),
        message,
    )


def wait_until(condition, timeout: float = 120):
    """Wait for a condition, never for a fixed time: check it again every few hundredths of a second until it
    returns something true (which is returned) or `timeout` seconds pass (None). For what only polling can see:
    a server answering, a log line, a file appearing."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value or None
        time.sleep(0.02)


def leaves(data, path=()):
    """The path of every scalar (text, number, true/false, null) in a YAML document."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaves(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from leaves(value, (*path, index))
    else:
        yield path


def tree(folder: Path) -> dict:
    """{relative path: bytes} of every file under folder."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def review_dir(tmp_path) -> Path:
    """A writable copy of the fixture review, as tmp/content."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE, target)
    return target


@pytest.fixture(scope="session")
def real_outputs() -> dict:
    """{site path: text} of everything the generator makes from the real content."""
    from review.commands.build import build

    return build(ROOT / "content", TEMPLATES)


@pytest.fixture(scope="session")
def real_renderer():
    """The Renderer of the real content (its index, bibliography and pages)."""
    from review.commands.build import renderer

    return renderer(ROOT / "content", TEMPLATES)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real content built by `review site` (MkDocs, strict) in a copy of the project."""
    project = copy_project(tmp_path_factory.mktemp("project"))
    result = subprocess.run(
        [sys.executable, "-m", "review", "site"],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(project / "scripts")},
    )
    assert result.returncode == 0, result.stderr
    return project / "site"


class QuietHandler(SimpleHTTPRequestHandler):
    """A static file handler that does not log each request."""

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server(built_site):
    """The built site served on a free loopback port."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(built_site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _require_browser():
    """Fail in CI, skip elsewhere, when Chromium or Playwright is missing."""
    missing = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "playwright is not installed"
    if missing is None and not CHROMIUM.exists():
        missing = f"no browser at {CHROMIUM}"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{missing}; .ci/run must install it")
        pytest.skip(missing)


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium driven by Playwright."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    """A fresh browser page allowed to use the clipboard of the served site."""
    context = browser.new_context(accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(scope="session")
def pandoc() -> str:
    """The pandoc binary that pypandoc-binary installs (a test dependency)."""
    import pypandoc

    return pypandoc.get_pandoc_path()


CTGOV = ROOT / "tests" / "fixtures" / "ctgov"


class RegistryHandler(SimpleHTTPRequestHandler):
    """ClinicalTrials.gov API v2 as the tests need it: /api/v2/studies/{NCT} from tests/fixtures/ctgov (404 with a
    plain-text body for any other study, as the real API answers) and /api/v2/studies (a search page)."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/api/v2/studies":
            body, status, kind = (CTGOV / "search.json").read_bytes(), 200, "application/json"
        elif path.startswith("/api/v2/studies/") and (CTGOV / f"{path.rsplit('/', 1)[1]}.json").is_file():
            body, status, kind = (CTGOV / f"{path.rsplit('/', 1)[1]}.json").read_bytes(), 200, "application/json"
        else:
            body, status, kind = b"Study not found", 404, "text/plain"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def registry_api():
    """A local stand-in for the ClinicalTrials.gov API v2, as its base address."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), RegistryHandler)
    # A short poll: shutdown() waits for the loop to look again (half a second by default, per test).
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/api/v2"
    httpd.shutdown()
    httpd.server_close()
