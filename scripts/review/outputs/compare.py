"""What changed from one edition to the next, from the editions' manifests and the current content (both recorded by
editions.snapshot): findings added, removed or reworded, summary-of-findings certainty and trial statuses changed,
pages added or removed; and the changed wording marked word by word (difflib), as <del> and <ins>.

The changelog page, the feed and each page's "What changed since edition X" are made from here, not written by hand.
A comparison needs both editions: where one is not built (no history in this copy) it says so instead of guessing.
"""

from __future__ import annotations

import difflib
import html
from dataclasses import dataclass, field

from markupsafe import Markup

from ..model import markup
from ..synthesis import certainty


@dataclass(frozen=True)
class Reworded:
    """A finding, page text or rating that reads differently: `old` and `new` (None when added or removed)."""

    id: str  # the finding's id, the text's label, the row's `mechanism/outcome`, the trial's id
    page: str  # the page that holds it, by manifest name
    title: str  # that page's title (a finding, a text), the row's question, the trial's NCT number and title
    old: str | None
    new: str | None


@dataclass(frozen=True)
class ReleaseChanges:
    """What one release changed compared with the release before it."""

    version: str
    date: str
    previous: str | None  # the release compared with; None for the first release
    known: bool  # both editions are at hand (else `missing` says which is not)
    missing: str | None = None
    findings: list[Reworded] = field(default_factory=list)
    ratings: list[Reworded] = field(default_factory=list)
    rated_first: int = 0  # rows given a certainty for the first time (the previous edition had no ratings)
    trials: list[Reworded] = field(default_factory=list)
    pages_added: list[str] = field(default_factory=list)
    pages_removed: list[str] = field(default_factory=list)
    page_count: int = 0

    @property
    def empty(self) -> bool:
        return not (self.findings or self.ratings or self.rated_first or self.trials or self.pages_added or self.pages_removed)


def state(index, version: str) -> dict | None:
    """What a release holds: its edition's manifest, or for the newest release the current content; None if unknown."""
    if version in index.editions:
        return index.editions[version]
    return index.snapshot if version == index.releases[0]["version"] else None


def releases(index) -> list[ReleaseChanges]:
    """Every release with what it changed, newest first."""
    out = []
    for n, release in enumerate(index.releases):
        version = release["version"]
        previous = index.releases[n + 1]["version"] if n + 1 < len(index.releases) else None
        new, old = state(index, version), state(index, previous) if previous else None
        if new is None:
            out.append(ReleaseChanges(version, release["date"], previous, False, version))
        elif previous is None:
            out.append(ReleaseChanges(version, release["date"], None, True, page_count=len(new["pages"])))
        elif old is None:
            out.append(ReleaseChanges(version, release["date"], previous, False, previous))
        else:
            out.append(between(version, release["date"], previous, old, new))
    return out


def between(version: str, date: str, previous: str, old: dict, new: dict) -> ReleaseChanges:
    """The changes from manifest `old` (release `previous`) to manifest `new`."""
    findings = _changed(
        {k: (v["page"], v.get("title", v["page"]), v["statement"]) for k, v in old["findings"].items()},
        {k: (v["page"], v.get("title", v["page"]), v["statement"]) for k, v in new["findings"].items()},
    )
    ratings: list[Reworded] = []
    rated_first = 0
    if old["ratings"]:
        ratings = _changed(
            {k: (_rating_page(k), v["question"], v.get("certainty") or "") for k, v in old["ratings"].items()},
            {k: (_rating_page(k), v["question"], v.get("certainty") or "") for k, v in new["ratings"].items()},
        )
    else:
        rated_first = len(new["ratings"])
    trials = _changed(
        {k: (f"trials/{k}", f"{v['nct']}: {v['title']}", v.get("status") or "") for k, v in old["trials"].items()},
        {k: (f"trials/{k}", f"{v['nct']}: {v['title']}", v.get("status") or "") for k, v in new["trials"].items()},
    )
    before, after = set(old["pages"]), set(new["pages"])
    return ReleaseChanges(
        version,
        date,
        previous,
        True,
        findings=findings,
        ratings=ratings,
        rated_first=rated_first,
        trials=trials,
        pages_added=sorted(after - before),
        pages_removed=sorted(before - after),
        page_count=len(after),
    )


def _rating_page(key: str) -> str:
    return "mechanisms/" + key.split("/", 1)[0]


def _changed(old: dict[str, tuple[str, str, str]], new: dict[str, tuple[str, str, str]]) -> list[Reworded]:
    """The entries added, removed or changed from `old` to `new` ({id: (page, title, value)}), in a stable order."""
    out = []
    for key in sorted(old.keys() | new.keys(), key=lambda k: ((new.get(k) or old[k])[0], k)):
        before, after = old.get(key), new.get(key)
        if before is not None and after is not None and before[2] == after[2]:
            continue
        page, title, _ = after or before  # type: ignore[misc]
        out.append(Reworded(key, page, title, before[2] if before else None, after[2] if after else None))
    return out


def since(index, page_name: str) -> dict | None:
    """What changed on one page since the newest edition before the current release: {version, date, new_page,
    findings, texts, ratings, trials}, or None when there is no such edition or nothing changed."""
    current = index.releases[0]["version"]
    older = [r for r in index.releases if r["version"] != current and r["version"] in index.editions]
    if not older:
        return None
    release = older[0]
    old, new = index.editions[release["version"]], index.snapshot
    changes = between(current, index.releases[0]["date"], release["version"], old, new)
    texts = _changed(
        {k: (page_name, k, v) for k, v in old["texts"].get(page_name, {}).items()},
        {k: (page_name, k, v) for k, v in new["texts"].get(page_name, {}).items()},
    )
    order = {fid: n for n, fid in enumerate(index.findings)}  # the findings in page order
    found = {
        "version": release["version"],
        "date": release["date"],
        "new_page": page_name not in old["pages"],
        "findings": sorted(
            (f for f in changes.findings if f.page == page_name),
            key=lambda f: (f.id not in order, order.get(f.id, 0), f.id),
        ),
        "texts": texts,
        "ratings": [r for r in changes.ratings if r.page == page_name],
        "trials": [t for t in changes.trials if t.page == page_name],
    }
    if not any(found[k] for k in ("new_page", "findings", "texts", "ratings", "trials")):
        return None
    return found


def word_diff(old: str | None, new: str | None) -> Markup:
    """Two wordings of a Markdown text as plain words, what was removed in <del> and what was added in <ins>."""
    before = markup.plain(old).split() if old else []
    after = markup.plain(new).split() if new else []
    parts = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(html.escape(" ".join(before[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{html.escape(' '.join(before[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{html.escape(' '.join(after[j1:j2]))}</ins>")
    return Markup(" ".join(parts))


def certainty_label(level: str | None) -> str:
    """A certainty level as the pages say it."""
    return certainty.LABELS.get(level, "Not rated") if level else "Not rated"
