"""Two builds of the same content are byte-identical: pages, sitemap (and its gzip), search index, downloads."""

import os
import subprocess
import sys

import pytest
import yaml
from conftest import ROOT, copy_project, tree

pytestmark = pytest.mark.slow


def build_in(folder, **env):
    """`review site` in a copy of the project; the built files."""
    copy_project(folder)
    result = subprocess.run(
        [sys.executable, "-m", "review", "site"],
        cwd=folder,
        capture_output=True,
        text=True,
        env={**{k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}, "PYTHONPATH": str(folder / "scripts"), **env},
    )
    assert result.returncode == 0, result.stderr
    return tree(folder / "site")


def test_two_builds_are_identical(tmp_path, built_site):
    again = build_in(tmp_path / "again")
    first = tree(built_site)
    assert sorted(first) == sorted(again)
    assert [path for path in first if first[path] != again[path]] == []
    assert "sitemap.xml.gz" in first and "pagefind/pagefind-entry.json" in first


def test_dates_come_from_the_content_not_the_clock(tmp_path):
    files = build_in(tmp_path / "dated")
    dates = {line.strip()[9:19] for line in files["sitemap.xml"].decode().splitlines() if "<lastmod>" in line}
    releases = yaml.safe_load((ROOT / "content" / "changelog.yaml").read_text())["releases"]
    assert dates and dates <= {release["date"] for release in releases}
