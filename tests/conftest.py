"""Shared fixtures: a copy of the small fixture review, and the project's paths."""

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "review"
TEMPLATES = ROOT / "templates" / "pages"


PROJECT_FILES = ["content", "templates", "scripts", "mkdocs.yml", "Makefile", "pyproject.toml", "requirements.txt"]


def copy_project(folder, names=PROJECT_FILES):
    """Copy the project's files into folder, sharing the installed .venv; return folder."""
    for name in names:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, folder / name)
    (folder / ".venv").symlink_to(ROOT / ".venv")
    return folder


def make(folder, target, *args, timeout=600):
    """Run a Makefile target in folder without reinstalling the .venv."""
    import subprocess

    return subprocess.run(["make", "--no-print-directory", "-o", ".venv/.installed", target, *args], cwd=folder, capture_output=True, text=True,
                          env={**os.environ, "MAKEFLAGS": ""}, timeout=timeout)


@pytest.fixture
def review_dir(tmp_path):
    """A writable copy of the fixture review, as tmp/content."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE, target)
    return target


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The real content built by `mkdocs build --strict` into a temporary folder."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("site")
    mkdocs = Path(sys.executable).with_name("mkdocs")
    result = subprocess.run([str(mkdocs), "build", "--strict", "--quiet", "--site-dir", str(out)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return out


CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


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
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield chromium
        chromium.close()
