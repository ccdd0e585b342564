"""What an edit changes, decided by pure functions (no files read, nothing built), for the live preview.

After a save the preview asks, like Zola's `detect_change_kind`, which watched files changed and what kind of
change that is (`detect_change`: nothing, content whose own pages can be shown at once, or a change that needs
the whole site built again). Which other pages the edit changes is decided by their dependency keys
(outputs/depends.py). preview.py does the work; the decisions are here, unit-tested.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import PurePosixPath

from ..model.schema import COLLECTIONS
from ..outputs import pages

Snapshot = Mapping[str, tuple[int, int]]  # {watched file, relative to the project: (mtime_ns, size)}


class ChangeKind(Enum):
    NONE = "none"  # nothing watched changed
    CONTENT = "content"  # content files edited: their own pages first, the rest of the site behind them
    REBUILD = "rebuild"  # a template, the configuration, or a file added or removed: build everything again


@dataclass(frozen=True)
class Change:
    """One save: its kind, the files that changed, and the pages that show an edited file as their own (source
    paths, shown at once), with the reason for a rebuild."""

    kind: ChangeKind
    files: tuple[str, ...] = ()
    own_pages: tuple[str, ...] = ()
    reason: str = ""


def detect_change(before: Snapshot, after: Snapshot, content_dir: str = "content") -> Change:
    """What kind of change lies between two snapshots of the watched files."""
    changed = tuple(sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path)))
    if not changed:
        return Change(ChangeKind.NONE)
    if before.keys() != after.keys():
        return Change(ChangeKind.REBUILD, changed, reason="a file was added or removed")
    outside = [path for path in changed if not path.startswith(f"{content_dir}/")]
    if outside:
        return Change(ChangeKind.REBUILD, changed, reason=f"{outside[0]} is not content")
    own = dict.fromkeys(page for path in changed for page in own_pages(path, content_dir))
    return Change(ChangeKind.CONTENT, changed, tuple(own))


def own_pages(path: str, content_dir: str = "content") -> list[str]:
    """The page that shows a content file as its own (`content/studies/x.yaml` -> `studies/x.md`, a glossary
    term -> the glossary), or none (site.yaml, changelog.yaml and search.yaml show on every page)."""
    parts = PurePosixPath(path).relative_to(content_dir).parts
    if len(parts) != 2:
        return []
    folder, name = parts[0], PurePosixPath(parts[1]).stem
    if folder == "pages":
        return [f"{name}.md"]
    if folder in COLLECTIONS:
        return [pages.address(folder, name)[0]]
    return []
