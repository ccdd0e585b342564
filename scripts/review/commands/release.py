"""`make release VERSION=x.y.z CHANGES='…'` and `make release-commit`: the maintainer's two steps of a release.

1. `review release VERSION --changes TEXT` adds the release to the top of content/changelog.yaml (its date today
   unless `--date`) and sets site.yaml's `version` and `date` (and CITATION.cff's beside content/) to match; the content check must pass, else both files
   are put back as they were. Commit the release.
2. `review release --record-commit`, once that commit is made, records it as the release's `commit:` (the commit
   that holds the release's own changelog entry): from then on `make site` builds its edition. Commit that too.

Both edit the files as text, so that their comments and layout stay as the editors wrote them.
"""

from __future__ import annotations

import datetime
import subprocess
import sys
import textwrap
from pathlib import Path

import yaml

from ..model.errors import ContentError
from ..outputs.editions import COMMIT, VERSION
from .build import check


def _say(message: str) -> int:
    print(f"release: {message}", file=sys.stderr)
    return 1


def _newest(changelog: Path) -> dict:
    data = yaml.safe_load(changelog.read_text(encoding="utf-8"))
    return data["releases"][0]


def _with_keys(text: str, **values: str) -> str:
    """A YAML file's text with the top-level `key: value` lines of `values` rewritten, everything else as written."""
    return "".join(
        next((f"{key}: {value}\n" for key, value in values.items() if line.startswith(f"{key}:")), line)
        for line in text.splitlines(keepends=True)
    )


def new(content: Path, version: str, changes: str, date: str | None = None) -> int:
    """Add release `version` to the changelog and site.yaml; 1 with a message if it cannot be."""
    changelog, site = content / "changelog.yaml", content / "site.yaml"
    if not VERSION.fullmatch(version):
        return _say(f"{version!r} is not a version: write MAJOR.MINOR.PATCH, like VERSION=0.3.0")
    date = date or datetime.date.today().isoformat()
    try:
        datetime.date.fromisoformat(date)
    except ValueError:
        return _say(f"{date!r} is not a date: write YYYY-MM-DD")
    words = " ".join(changes.split())
    if not words:
        return _say("say what changed, for readers: CHANGES='Added …'")
    try:
        check(content)
        newest = _newest(changelog)
    except ContentError as error:
        print(error.report(), file=sys.stderr)
        return _say("fix the content first")
    if tuple(map(int, version.split("."))) <= tuple(map(int, newest["version"].split("."))):
        return _say(f"{version} is not after the newest release, {newest['version']}")
    if date < newest["date"]:
        return _say(f"{date} is before the newest release's date, {newest['date']}")
    before = {path: path.read_text(encoding="utf-8") for path in (changelog, site)}
    body = textwrap.fill(words, 100, initial_indent="      ", subsequent_indent="      ", break_on_hyphens=False)
    entry = f'  - version: {version}\n    date: "{date}"\n    changes: >-\n{body}\n'
    text = before[changelog]
    at = text.index("releases:\n") + len("releases:\n")
    changelog.write_text(text[:at] + entry + text[at:], encoding="utf-8")
    site.write_text(_with_keys(before[site], version=version, date=f'"{date}"'), encoding="utf-8")
    # CITATION.cff (GitHub's "Cite this repository") names the same version and date, when the project has one.
    cff = content.parent / "CITATION.cff"
    if cff.is_file():
        before[cff] = cff.read_text(encoding="utf-8")
        cff.write_text(_with_keys(before[cff], **{"version": version, "date-released": f'"{date}"'}), encoding="utf-8")
    try:
        check(content)
    except ContentError as error:
        for path, old in before.items():
            path.write_text(old, encoding="utf-8")
        print(error.report(), file=sys.stderr)
        return _say("the release was not recorded (the files are as they were)")
    print(f"release: {version} of {date} recorded in {changelog} and {site}.")
    print("  Next: list the pages it changed under `pages:` if not every page did; commit; then `make release-commit`.")
    return 0


def record_commit(root: Path, content: Path) -> int:
    """Record HEAD as the commit of the newest release, if HEAD holds that release and it has no commit yet."""
    changelog = content / "changelog.yaml"
    newest = _newest(changelog)
    if newest.get("commit"):
        return _say(f"{newest['version']} has its commit already ({newest['commit'][:12]})")
    head = subprocess.run(["git", "-C", str(root), "rev-parse", "--verify", "HEAD^{commit}"], capture_output=True, text=True)
    commit = head.stdout.strip()
    if head.returncode != 0 or not COMMIT.fullmatch(commit):
        return _say("no commit to record: commit the release first")
    inside = changelog.resolve().relative_to(root.resolve()).as_posix()
    shown = subprocess.run(
        ["git", "-C", str(root), "show", "--end-of-options", f"{commit}:{inside}"], capture_output=True, text=True
    )
    try:
        committed = yaml.safe_load(shown.stdout)["releases"][0] if shown.returncode == 0 else {}
    except (yaml.YAMLError, KeyError, IndexError, TypeError):
        committed = {}
    if committed.get("version") != newest["version"]:
        return _say(f"HEAD ({commit[:12]}) does not hold release {newest['version']}: commit the release first")
    lines = changelog.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(n for n, line in enumerate(lines) if line.strip() == f"- version: {newest['version']}")
    at = next(n for n in range(start, len(lines)) if lines[n].lstrip().startswith("date:"))
    lines.insert(at + 1, f"    commit: {commit}\n")
    changelog.write_text("".join(lines), encoding="utf-8")
    print(f"release: {newest['version']} is commit {commit[:12]}, recorded in {changelog}; commit this change.")
    return 0
