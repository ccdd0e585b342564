"""Two builds of the same content are byte-identical: pages, sitemap (and its gzip), search index, downloads."""

import os
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import ROOT
from test_build import snapshot


def build_into(folder, **env):
    """`mkdocs build --strict` of the real project into folder."""
    mkdocs = Path(sys.executable).with_name("mkdocs")
    result = subprocess.run([str(mkdocs), "build", "--strict", "--quiet", "--site-dir", str(folder)], cwd=ROOT,
                            capture_output=True, text=True, env={**os.environ, **env})
    assert result.returncode == 0, result.stderr
    return snapshot(folder)


def test_two_builds_are_identical(tmp_path, built_site):
    again = build_into(tmp_path / "again")
    first = snapshot(built_site)
    assert sorted(first) == sorted(again)
    assert [path for path in first if first[path] != again[path]] == []
    assert "sitemap.xml.gz" in first and "search/search_index.json" in first


def test_dates_come_from_the_content_not_the_clock(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    os.environ.pop("SOURCE_DATE_EPOCH", None)
    files = build_into(tmp_path / "site", **env)
    sitemap = files["sitemap.xml"].decode()
    dates = {line.strip()[9:19] for line in sitemap.splitlines() if "<lastmod>" in line}
    releases = yaml.safe_load((ROOT / "content" / "changelog.yaml").read_text())["releases"]
    assert dates and dates <= {release["date"] for release in releases}


def test_one_process_builds_what_several_build(tmp_path, built_site):
    alone = build_into(tmp_path / "alone", REVIEW_PROCESSES="1")
    shared = build_into(tmp_path / "shared", REVIEW_PROCESSES="3")
    assert sorted(alone) == sorted(shared)
    assert [path for path in alone if alone[path] != shared[path]] == []
