"""Shared fixtures: a copy of the small fixture review, and the project's paths."""

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "review"
TEMPLATES = ROOT / "templates" / "pages"


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
