"""Editions: every release of the review readable at its own permanent address, `editions/<version>/`, for good.

An edition is built from its own commit with its own code and its own pinned requirements, so later edits to
the content, the templates or the generator never change it. Which commit a release is: the `commit` of its
entry in content/changelog.yaml, or, for a release not yet recorded there, the git tag `v<version>`. The only
change made to an edition's tree before it is built is its address (content/site.yaml `url`, mkdocs.yml
`site_url`), so that its citations and canonical links name the edition itself.

Git is run only on checked values: the changelog passes the content check first, a version is MAJOR.MINOR.PATCH and
a commit 40 hexadecimal digits (whole strings), every git argument follows `--end-of-options`, and the tree is
archived by the object id git itself verified.

Builds are cached in build/editions/<variant>/<version>/ (variant `web` for site/, `offline` for the offline
copy), keyed by commit, with a manifest of what the edition holds (its pages, findings, summary-of-findings
certainty, trial statuses and page texts; `snapshot`). `review site` renders the current pages against the cached
editions and installs exactly those into the site, each page with a banner that names its edition and links to
the current page. A page names its edition's address only when that edition is in the site.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

EDITIONS_DIR = Path("build") / "editions"
VARIANTS = {"web": ("site", "site"), "offline": ("site-offline", "site-offline")}  # variant: (make target, output dir)
MANIFEST_FORMAT = 2  # a manifest of an older format is made again from the edition's tree (its site is kept)
VERSION = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+")  # matched whole (fullmatch): no trailing newline slips through
COMMIT = re.compile(r"[0-9a-f]{40}")
IN_EDITION_BUILD = "REVIEW_EDITION"  # set while an edition is built: it builds no editions of its own


def edition_url(site_url: str, version: str) -> str:
    """The permanent address of an edition: `<site>/editions/<version>/`. An edition's own build has that address
    as its site address already, and keeps it."""
    suffix = f"editions/{version}/"
    return site_url if site_url.endswith("/" + suffix) else site_url.rstrip("/") + "/" + suffix


def manifest_name(path: str) -> str:
    """A page's name in a manifest, from its source path: `mechanisms/neuroplasticity`, `mechanisms`, `index`."""
    name = path.removesuffix(".md").removesuffix("/index")
    return "index" if name in ("index", "") else name


# ------------------------------------------------------------------------------------------------ releases


@dataclass(frozen=True)
class Release:
    """A release as the editions need it, its version and commit checked before git sees them."""

    version: str
    date: str
    commit: str | None  # recorded in the changelog; None: look for the tag v<version>


class ChangelogError(Exception):
    """The changelog holds something no git command may be given."""


def releases_of(entries: Iterable) -> list[Release]:
    """The changelog's releases, newest first, each value matched whole: ChangelogError (one line) otherwise. The
    content check has read them already; this is the last line of defence before git."""
    out = []
    for n, entry in enumerate(entries):
        where = f"content/changelog.yaml: releases[{n}]"
        if not isinstance(entry, dict):
            raise ChangelogError(f"{where}: is not a release (write `- version: …` with `date:` and `changes:`)")
        version, commit = entry.get("version"), entry.get("commit")
        if not isinstance(version, str) or not VERSION.fullmatch(version):
            raise ChangelogError(f"{where}: version: {version!r} is not a version like `1.0.0`")
        if commit is not None and not (isinstance(commit, str) and COMMIT.fullmatch(commit)):
            raise ChangelogError(f"{where}: commit: {commit!r} is not a full git commit id (40 hexadecimal digits)")
        out.append(Release(version, str(entry.get("date", "")), commit))
    return out


def _git(root: Path, command: str, options: tuple[str, ...], *arguments: str) -> subprocess.CompletedProcess:
    """`git <command> <options> --end-of-options <arguments>`: our own fixed options, then arguments that git reads
    as arguments whatever they hold (`--output=…` is a revision name there, not an option)."""
    return subprocess.run(["git", "-C", str(root), command, *options, "--end-of-options", *arguments], capture_output=True)


def resolve(root: Path, release: Release) -> str | None:
    """The verified commit id of a release (its recorded commit, else its tag), or None when this repository does
    not hold it (no history, a shallow clone, no tag)."""
    name = release.commit or f"refs/tags/v{release.version}"
    result = _git(root, "rev-parse", ("--verify", "--quiet"), f"{name}^{{commit}}")
    found = result.stdout.decode("ascii", "replace").strip()
    return found if result.returncode == 0 and COMMIT.fullmatch(found) else None


def history_present(root: Path) -> str | None:
    """Why this folder cannot have the releases' commits, or None: not a git repository, or a shallow clone."""
    result = subprocess.run(["git", "-C", str(root), "rev-parse", "--is-shallow-repository"], capture_output=True, text=True)
    if result.returncode != 0:
        return "not a git clone"
    return "a shallow clone" if result.stdout.strip() == "true" else None


# ------------------------------------------------------------------------------------------------ building


class EditionError(Exception):
    """An edition's own build failed."""


class MissingCommit(EditionError):
    """An edition's commit is not in this repository (a copy without history, or a shallow clone)."""


def build_all(root: Path, entries: Iterable, site_url: str, variant: str = "web", out=print, verbose: bool = True) -> int:
    """Build (or take from the cache) every release that has a commit, and say in one line which could not be and
    why. 0 unless an edition's own build failed. `entries` are the checked changelog's releases (ChangelogError
    if one of them could be read by git as anything but a version and a commit id)."""
    root = Path(root)
    if os.environ.get(IN_EDITION_BUILD):
        return 0  # an edition's own build: it carries no editions
    releases = releases_of(entries)  # ChangelogError: nothing is built, no git command is run
    built: list[str] = []
    missing: dict[str, list[str]] = {}  # reason -> versions
    status = 0
    why_absent = history_present(root)
    for release in releases:
        commit = None if why_absent == "not a git clone" else resolve(root, release)
        if commit is None:
            if release.commit is None:
                reason = "no commit recorded (`make release-commit` records it; or tag the release v<version>)"
            elif why_absent:
                reason = f"{why_absent} without their commits: fetch the full history (git fetch --unshallow)"
            else:
                reason = "their commits are not in this repository: fetch the full history"
            missing.setdefault(reason, []).append(release.version)
            continue
        try:
            target = build(root, release, commit, edition_url(site_url, release.version), variant)
        except EditionError as error:
            missing.setdefault(f"the build failed: {error}", []).append(release.version)
            status = 1
            continue
        built.append(release.version)
        if verbose:
            out(f"editions: {release.version} ({commit[:12]}) in {target.relative_to(root)}")
    if missing:
        gaps = "; ".join(f"{', '.join(versions)}: {reason}" for reason, versions in missing.items())
        have = ", ".join(built) if built else "none"
        out(f"editions: {have} in the site; not built: {gaps}. Pages changed in those releases give their living address.")
    return status


def build(root: Path, release: Release, commit: str, url: str, variant: str = "web") -> Path:
    """Build one edition into the cache (unless it is there for this commit) and return its folder."""
    if not (VERSION.fullmatch(release.version) and COMMIT.fullmatch(commit)):
        raise EditionError(f"{release.version!r} {commit!r}: not a checked version and commit id")
    target = root / EDITIONS_DIR / variant / release.version
    cached = _manifest(target)
    if cached is not None and cached.get("commit") == commit and (target / "site").is_dir():
        if cached.get("format") != MANIFEST_FORMAT:
            with tempfile.TemporaryDirectory(prefix=f"edition-{release.version}-") as scratch:
                _extract(root, commit, Path(scratch) / "src")
                _write_manifest(target, release, commit, Path(scratch) / "src")
        return target
    make_target, output = VARIANTS[variant]
    with tempfile.TemporaryDirectory(prefix=f"edition-{release.version}-") as scratch:
        src = Path(scratch) / "src"
        _extract(root, commit, src)
        _readdress(src, url)
        venv = _venv(root, src / "requirements.txt")
        (src / ".venv").symlink_to(venv)
        env = {**os.environ, "MAKEFLAGS": "", "PYTHONPATH": str(src / "scripts"), IN_EDITION_BUILD: release.version}
        env.pop("SOURCE_DATE_EPOCH", None)  # the edition dates itself from its own changelog
        result = subprocess.run(
            ["make", "--no-print-directory", "-o", ".venv/.installed", make_target],
            cwd=src,
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            lines = (result.stderr + result.stdout).strip().splitlines()
            raise EditionError(" | ".join(lines[-4:]) or "make failed")
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        shutil.copytree(src / output, target / "site", symlinks=False)
        _write_manifest(target, release, commit, src)
    return target


def _manifest(target: Path) -> dict | None:
    try:
        data = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_manifest(target: Path, release: Release, commit: str, src: Path) -> None:
    """What the edition holds, for the current pages: its pages (from its site) and `snapshot` of its content."""
    site = target / "site"
    manifest = {
        "format": MANIFEST_FORMAT,
        "version": release.version,
        "date": release.date,
        "commit": commit,
        "pages": _pages(site),
        **snapshot(_content(src / "content"), _ratings(site)),
    }
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _extract(root: Path, commit: str, src: Path) -> None:
    """The commit's tree (without .git) into src; `commit` is an id git verified (resolve)."""
    result = _git(root, "archive", ("--format=tar",), commit)
    if result.returncode != 0:
        raise MissingCommit(f"commit {commit[:12]} is not in this repository (a shallow clone? fetch the full history)")
    src.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(result.stdout)) as archive:
        archive.extractall(src, filter="data")


def _readdress(src: Path, url: str) -> None:
    """Give the edition its own address: the site's `url` and MkDocs' `site_url`."""
    site = src / "content" / "site.yaml"
    old = yaml.safe_load(site.read_text(encoding="utf-8"))["url"]
    for path, key in ((site, "url"), (src / "mkdocs.yml", "site_url")):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text(
            "".join(f"{key}: {url}\n" if line.startswith(f"{key}:") and old.rstrip("/") in line else line for line in lines),
            encoding="utf-8",
        )


def _venv(root: Path, requirements: Path) -> Path:
    """A virtual environment with exactly the edition's pinned requirements: the project's own .venv when they
    are the project's, else one per set of requirements in the cache (made once; pip needs the package index)."""
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()[:16]
    own = root / "requirements.txt"
    if own.is_file() and hashlib.sha256(own.read_bytes()).hexdigest()[:16] == digest and (root / ".venv").is_dir():
        return (root / ".venv").resolve()
    venv = root / EDITIONS_DIR / "venvs" / digest
    if not (venv / "installed").is_file():
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        result = subprocess.run([*pip, "-r", str(requirements)], capture_output=True, text=True)
        if result.returncode != 0:
            raise EditionError(f"its requirements could not be installed: {result.stderr.strip().splitlines()[-1:]}")
        (venv / "installed").touch()
    return venv


# ------------------------------------------------------------------------------------------------ manifests


def _pages(site: Path) -> list[str]:
    """The edition's pages, by manifest name (`mechanisms/neuroplasticity`, `mechanisms`, `index`)."""
    pages = []
    for index in sorted(site.rglob("index.html")):
        relative = index.parent.relative_to(site).as_posix()
        pages.append("index" if relative == "." else relative)
    for page in sorted(site.rglob("*.html")):  # the offline variant's pages are files
        relative = page.relative_to(site).as_posix()
        if not relative.endswith("index.html") and relative != "404.html":
            pages.append(relative.removesuffix(".html"))
    return sorted(set(pages))


def _content(folder: Path) -> dict[str, dict[str, dict]]:
    """An edition's own content, as {collection: {id: data}}, for the collections a manifest records."""
    out: dict[str, dict[str, dict]] = {}
    for collection in ("mechanisms", "topics", "trials"):
        for path in sorted((folder / collection).glob("*.yaml")):
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except (OSError, yaml.YAMLError):
                continue
            if isinstance(data, dict):
                out.setdefault(collection, {})[path.stem] = data
    return out


def _ratings(site: Path) -> dict[str, dict]:
    """The certainty of each summary-of-findings row, where the edition publishes its rows (data/)."""
    try:
        rows = json.loads((site / "data" / "summary-of-findings.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {
        f"{row['mechanism']}/{row['outcome']}": {"question": str(row.get("question", "")), "certainty": row.get("certainty")}
        for row in rows
        if isinstance(rows, list)
        if isinstance(row, dict) and isinstance(row.get("mechanism"), str) and isinstance(row.get("outcome"), str)
    }


def _words(text) -> str:
    return " ".join(str(text or "").split())


TEXT_FIELDS = {  # the prose of a page a manifest keeps, by collection: (field, label)
    "mechanisms": (("summary", "Summary"), ("altered_in_sud", "Altered in substance use disorders")),
    "topics": (("summary", "Summary"),),
}


def snapshot(content: dict[str, dict[str, dict]], ratings: dict[str, dict]) -> dict:
    """What a manifest records of a review's content, from an edition's own files or from the current content alike:
    each finding's statement and page, each trial's registry status, the prose of the review's own pages, and the
    certainty of each summary-of-findings row (`ratings`, {"mechanism/outcome": {question, certainty}})."""
    findings: dict[str, dict] = {}
    texts: dict[str, dict[str, str]] = {}
    for collection in ("mechanisms", "topics"):
        for eid, item in sorted(content.get(collection, {}).items()):
            page = f"{collection}/{eid}"
            title = _words(item.get("title")) or eid
            own = texts.setdefault(page, {})
            for key, label in TEXT_FIELDS[collection]:
                if isinstance(item.get(key), str):
                    own[label] = _words(item[key])
            holders = [item] if collection == "mechanisms" else [s for s in item.get("sections") or [] if isinstance(s, dict)]
            for holder in holders:
                if collection == "topics" and isinstance(holder.get("text"), str):
                    own[_words(holder.get("title")) or str(holder.get("id"))] = _words(holder["text"])
                for finding in holder.get("findings") or []:
                    if isinstance(finding, dict) and isinstance(finding.get("id"), str):
                        findings[finding["id"]] = {"statement": _words(finding.get("statement")), "page": page, "title": title}
    trials = {}
    for tid, item in sorted(content.get("trials", {}).items()):
        # The registry block was `registry:` up to 0.2.0 and is `record:` since; an edition keeps its own form.
        block = item.get("record") if isinstance(item.get("record"), dict) else item.get("registry")
        status = (block.get("status") if isinstance(block, dict) else None) or item.get("status")
        trials[tid] = {
            "status": str(status) if status else None,
            "nct": str(item.get("nct") or tid),
            "title": _words(item.get("title")),
        }
    return {"findings": findings, "ratings": ratings, "trials": trials, "texts": texts}


def available(root: Path, variant: str = "web", entries: Iterable | None = None) -> dict[str, dict]:
    """The built editions, {version: manifest}, from the cache: of the releases in `entries` (the changelog's) when
    given, each built from the commit the changelog records for it."""
    folder = Path(root) / EDITIONS_DIR / variant
    recorded = None
    if entries is not None:
        recorded = {e.get("version"): e.get("commit") for e in entries if isinstance(e, dict)}
    out = {}
    for path in sorted(folder.glob("*/manifest.json")):
        data = _manifest(path.parent)
        if data is None or data.get("format") != MANIFEST_FORMAT or not (path.parent / "site").is_dir():
            continue
        version = data.get("version")
        if not isinstance(version, str) or not VERSION.fullmatch(version):
            continue
        if recorded is not None and (version not in recorded or recorded[version] not in (None, data.get("commit"))):
            continue
        # The files the edition holds, for the addresses of its downloads (Index.file_address).
        site = path.parent / "site"
        out[version] = data | {"files": frozenset(f.relative_to(site).as_posix() for f in site.rglob("*") if f.is_file())}
    return out


# ------------------------------------------------------------------------------------------------ installing

BANNER = re.compile(r'<aside class="md-banner md-banner--warning" data-edition-banner>.*?</aside>', re.S)
ANNOUNCE = '<div data-md-component="announce">'
BODY = re.compile(r"<body\b[^>]*>")


def install(
    root: Path, site_dir: Path, versions: Iterable[str], banner: Callable[[str, str, bool], str], variant: str = "web"
) -> list[str]:
    """Copy the built editions `versions` into a built site at editions/<version>/, each page with its banner
    (`banner(version, link to the current page, whether the page still exists)`); return the versions copied."""
    copied = []
    for version in versions:
        source = Path(root) / EDITIONS_DIR / variant / version / "site"
        target = Path(site_dir) / "editions" / version
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source, target)
        for page in target.rglob("*.html"):
            relative = page.relative_to(target).as_posix()
            link, exists = current_page(Path(site_dir), version, relative, variant == "web")
            page.write_text(with_banner(page.read_text(encoding="utf-8"), banner(version, link, exists)), encoding="utf-8")
        copied.append(version)
    return copied


def current_page(site: Path, version: str, relative: str, directory_urls: bool = True) -> tuple[str, bool]:
    """The link from an edition's page (`relative` inside editions/<version>/) to the same page in the current site,
    and whether it is there; the current home page when it is gone."""
    exists = relative != "404.html" and (site / relative).is_file()
    there = relative if exists else "index.html"
    link = posixpath.relpath(there, posixpath.dirname(f"editions/{version}/{relative}"))
    if directory_urls and (there == "index.html" or there.endswith("/index.html")):
        link = link.removesuffix("index.html") or "./"  # a directory address, as the web site gives them
    return link, exists


def with_banner(text: str, banner: str) -> str:
    """A page of an edition with its banner in one well-defined place, Material's announcement bar (else the top
    of the body), replacing any banner put there before: installing twice gives the same page."""
    text = BANNER.sub("", text)
    if ANNOUNCE in text:
        return text.replace(ANNOUNCE, ANNOUNCE + banner, 1)
    found = BODY.search(text)
    return text if found is None else text[: found.end()] + banner + text[found.end() :]


def banner_html(version: str, date: str, current: str, link: str, exists: bool) -> str:
    """The banner of a page of edition `version` (released `date`, a reader's date): the current version `current`
    and a link to the page as it is now (`exists`), or to the home page."""
    if version == current:
        words = f"This is edition {version} of {date}, the current release, kept unchanged at this address. "
    else:
        words = f"This is edition {version} of {date}, kept unchanged at this address; the current version is {current}. "
    target = "Read this page as it is now" if exists else "This page is not in the current version: go to the home page"
    return (
        '<aside class="md-banner md-banner--warning" data-edition-banner><div class="md-banner__inner md-grid md-typeset">'
        f'{html.escape(words)}<a href="{html.escape(link)}" style="color:inherit;text-decoration:underline">{target}</a>.'
        "</div></aside>"
    )


def history(editions: dict[str, dict], releases: list[dict], fid: str, statement: str) -> dict | None:
    """Where a finding's wording comes from: {since: version, earlier: (version, text) or None}, or None when no
    edition is built. `releases` are newest first; the current text counts as the newest release's."""
    if not editions:
        return None
    current = _words(statement)
    built = [r["version"] for r in reversed(releases) if r["version"] in editions]  # oldest first
    since, earlier = releases[0]["version"], None
    for version in reversed(built):
        found = editions[version]["findings"].get(fid)
        text = found["statement"] if found else None
        if text == current:
            since = version
            continue
        if text is not None:
            earlier = (version, text)
        break
    return {"since": since, "earlier": earlier}
