"""The build cache (commands/cache.py) against its oracle, a build from nothing: after an edit of the content, a
page template, a theme template, the configuration or the code, `make site` with the cache writes a site that is
byte for byte the one a build without it writes, and reuses what it may (content edits) or nothing (the code)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_project, tree

pytestmark = pytest.mark.slow


def site(project: Path, *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "review", "site", *args],
        cwd=project,
        capture_output=True,
        text=True,
        # A build date after the content's newest release: a page then keeps a last-changed date of its own, which
        # the sitemap shows, also for the pages MkDocs does not read when their HTML is cached (plugin.py, Kept).
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(project / "scripts"),
            "HOME": str(project),
            "SOURCE_DATE_EPOCH": "1893456000",
        },
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return tree(project / "site")


def reused(project: Path) -> dict:
    return json.loads((project / "build" / "cache" / "mkdocs.yml" / "last.json").read_text())


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def differing(cached: dict, cold: dict) -> list[str]:
    return sorted(path for path in cached.keys() | cold.keys() if cached.get(path) != cold.get(path))


CHANGES = [
    # (what, file, old, new, how much may be reused: "some" or "none")
    ("a study", "content/studies/shao2021.yaml", "title: Psilocybin induces", "title: Cache-edit Psilocybin induces", "some"),
    (
        "a mechanism's title",
        "content/mechanisms/neuroplasticity.yaml",
        "title: Induced neuroplasticity",
        "title: Cached plasticity",
        "some",
    ),
    ("a page template", "templates/pages/study.html.j2", "{% import", "<p>template-edit</p>\n{% import", "none"),
    ("a theme template", "templates/theme/main.html", "{% extends", "{# theme-edit #}<!-- theme-edit -->\n{% extends", "none"),
    ("the configuration", "mkdocs.yml", 'copyright: "Content CC BY 4.0', 'copyright: "Config-edit. Content CC BY 4.0', "none"),
    ("the code", "scripts/review/outputs/render.py", '"""Render phase:', '"""Render phase (code-edit):', "none"),
]


def test_a_cached_build_is_the_build_from_nothing_after_every_kind_of_change(tmp_path):
    project = copy_project(tmp_path)
    site(project)  # fills the cache
    assert reused(project)["markdown_reused"] == 0
    site(project)
    assert reused(project)["html_reused"] == reused(project)["pages"]  # every page (the facet index is generated)
    # and MkDocs read none of them but the pages in the navigation, whose titles every page's frame shows
    assert 0 < reused(project)["skipped"] < reused(project)["pages"]
    for what, file, old, new, reuse in CHANGES:
        edit(project / file, old, new)
        cached = site(project)
        counts = reused(project)
        cold = site(project, "--no-cache")
        assert differing(cached, cold) == [], f"after editing {what}, the cached build differs from a build from nothing"
        if reuse == "none":  # the templates and the code are inputs of every page
            assert counts["html_reused"] == 0, what
        else:
            assert 0 < counts["markdown_reused"] < counts["pages"], what
            assert counts["skipped"] <= counts["html_reused"], what
            if what == "a study":  # not in the navigation: every other page's frame is as it was
                assert counts["skipped"] > 0, what
    assert "Cache-edit" in cached["studies/shao2021/index.html"].decode()
    assert "template-edit" in cached["studies/shao2021/index.html"].decode()
    assert "Config-edit" in cached["index.html"].decode()


def test_the_cache_can_be_switched_off(tmp_path):
    project = copy_project(tmp_path)
    site(project, "--no-cache")
    assert not (project / "build" / "cache" / "mkdocs.yml" / "last.json").exists()
    edit(project / "mkdocs.yml", "  - review\n", "  - review:\n      cache: false\n")
    site(project)
    assert not (project / "build" / "cache" / "mkdocs.yml" / "last.json").exists()
