"""What an edit changes (commands/changes.py): the preview's decisions as pure functions, on small snapshots."""

import pytest
from review.commands.changes import Change, ChangeKind, detect_change, own_pages

SITE = {
    "content/studies/shao2021.yaml": (1, 10),
    "content/glossary/bdnf.yaml": (1, 10),
    "content/pages/about.md": (1, 10),
    "content/site.yaml": (1, 10),
    "templates/pages/study.html.j2": (1, 10),
    "mkdocs.yml": (1, 10),
}


def saved(*paths, removed=(), added=()):
    """The snapshot after saving `paths` (a new mtime), removing and adding files."""
    after = {path: (2, 10) if path in paths else stamp for path, stamp in SITE.items() if path not in removed}
    return after | {path: (2, 10) for path in added}


@pytest.mark.parametrize(
    "after, expected",
    [
        (SITE, Change(ChangeKind.NONE)),
        (
            saved("content/studies/shao2021.yaml"),
            Change(ChangeKind.CONTENT, ("content/studies/shao2021.yaml",), ("studies/shao2021.md",)),
        ),
        (
            saved("content/glossary/bdnf.yaml"),
            Change(ChangeKind.CONTENT, ("content/glossary/bdnf.yaml",), ("glossary/index.md",)),
        ),
        (saved("content/pages/about.md"), Change(ChangeKind.CONTENT, ("content/pages/about.md",), ("about.md",))),
        (saved("content/site.yaml"), Change(ChangeKind.CONTENT, ("content/site.yaml",), ())),
        (
            saved("content/site.yaml", "content/studies/shao2021.yaml"),
            Change(ChangeKind.CONTENT, ("content/site.yaml", "content/studies/shao2021.yaml"), ("studies/shao2021.md",)),
        ),
        (
            saved("templates/pages/study.html.j2"),
            Change(ChangeKind.REBUILD, ("templates/pages/study.html.j2",), reason="templates/pages/study.html.j2 is not content"),
        ),
        (saved("mkdocs.yml"), Change(ChangeKind.REBUILD, ("mkdocs.yml",), reason="mkdocs.yml is not content")),
        (
            saved(added=["content/studies/new2026.yaml"]),
            Change(ChangeKind.REBUILD, ("content/studies/new2026.yaml",), reason="a file was added or removed"),
        ),
        (
            saved(removed=["content/glossary/bdnf.yaml"]),
            Change(ChangeKind.REBUILD, ("content/glossary/bdnf.yaml",), reason="a file was added or removed"),
        ),
    ],
    ids=[
        "nothing",
        "a study",
        "a glossary term",
        "a page",
        "site.yaml",
        "two files",
        "a template",
        "mkdocs.yml",
        "added",
        "removed",
    ],
)
def test_detect_change(after, expected):
    assert detect_change(SITE, after) == expected


@pytest.mark.parametrize(
    "path, expected",
    [
        ("content/mechanisms/neuroplasticity.yaml", ["mechanisms/neuroplasticity.md"]),
        ("content/topics/background.yaml", ["topics/background.md"]),
        ("content/trials/nct04141501.yaml", ["trials/nct04141501.md"]),
        ("content/pages/index.md", ["index.md"]),
        ("content/changelog.yaml", []),
        ("content/schema/studies.schema.json", []),
    ],
)
def test_own_pages(path, expected):
    assert own_pages(path) == expected
