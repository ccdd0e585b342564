"""Editions: every release of the review readable at its own permanent address, `editions/<version>/`, for good.

An edition is built from its own commit with its own code and its own pinned requirements, so later edits to
the content, the templates or the generator never change it. Which commit a release is: the `commit` of its
entry in content/changelog.yaml, or, for a release not yet recorded there, the git tag `v<version>`. The only
change made to an edition's tree before it is built is its address (content/site.yaml `url`, mkdocs.yml
`site_url`), so that its citations and canonical links name the edition itself.

Builds are cached in build/editions/<variant>/<version>/ (variant `web` for site/, `offline` for the offline
copy), keyed by commit; `review site` copies the cached editions into the site. The current pages link to the
editions that are built, and each finding shows the edition in which its statement last changed.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import yaml

EDITIONS_DIR = Path("build") / "editions"
VARIANTS = {"web": ("site", "site"), "offline": ("site-offline", "site-offline")}  # variant: (make target, output dir)


def edition_url(site_url: str, version: str) -> str:
    """The permanent address of an edition: `<site>/editions/<version>/`. An edition's own build has that address
    as its site address already, and keeps it."""
    suffix = f"editions/{version}/"
    return site_url if site_url.endswith("/" + suffix) else site_url.rstrip("/") + "/" + suffix


def commit_of(root: Path, release: dict) -> str | None:
    """The commit a release was made from: recorded in the changelog, else its tag; None if neither is known."""
    if release.get("commit"):
        return release["commit"]
    result = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--verify", "--quiet", f"refs/tags/v{release['version']}^{{commit}}"],
        capture_output=True,
        text=True,
    )
    return result.stdout.strip() or None


def available(root: Path, variant: str = "web") -> dict[str, dict]:
    """The built editions: {version: manifest} (pages it has, findings' statements), from the cache."""
    folder = Path(root) / EDITIONS_DIR / variant
    out = {}
    for manifest in sorted(folder.glob("*/manifest.json")):
        data = json.loads(manifest.read_text(encoding="utf-8"))
        out[data["version"]] = data
    return out


def build_all(root: Path, variant: str = "web", out=print) -> int:
    """Build every release that has a commit; say which cannot be built and why. 0 unless a build failed."""
    root = Path(root)
    changelog = yaml.safe_load((root / "content" / "changelog.yaml").read_text(encoding="utf-8"))
    site_url = yaml.safe_load((root / "content" / "site.yaml").read_text(encoding="utf-8"))["url"]
    status = 0
    for release in changelog["releases"]:
        version = release["version"]
        commit = commit_of(root, release)
        if commit is None:
            out(f"editions: {version} has no commit yet (tag it v{version}, or record `commit:` in the changelog)")
            continue
        try:
            target = build(root, version, commit, edition_url(site_url, version), variant)
        except MissingCommit as error:
            out(f"editions: {version} is not built: {error}")
            continue
        except EditionError as error:
            out(f"editions: {version} could not be built: {error}")
            status = 1
            continue
        out(f"editions: {version} ({commit[:12]}) in {target.relative_to(root)}")
    return status


class EditionError(Exception):
    """An edition's own build failed."""


class MissingCommit(EditionError):
    """An edition's commit is not in this repository (a copy without history, or a shallow clone)."""


def build(root: Path, version: str, commit: str, url: str, variant: str = "web") -> Path:
    """Build one edition into the cache (unless it is there for this commit) and return its folder."""
    target = root / EDITIONS_DIR / variant / version
    if (target / "manifest.json").is_file() and json.loads((target / "manifest.json").read_text())["commit"] == commit:
        return target
    make_target, output = VARIANTS[variant]
    with tempfile.TemporaryDirectory(prefix=f"edition-{version}-") as scratch:
        src = Path(scratch) / "src"
        _extract(root, commit, src)
        _readdress(src, url)
        venv = _venv(root, src / "requirements.txt")
        (src / ".venv").symlink_to(venv)
        env = {**os.environ, "MAKEFLAGS": "", "PYTHONPATH": str(src / "scripts")}
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
        manifest = {"version": version, "commit": commit, "pages": _pages(target / "site"), "findings": _findings(src)}
        (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return target


def _extract(root: Path, commit: str, src: Path) -> None:
    """The commit's tree (without .git) into src."""
    result = subprocess.run(["git", "-C", str(root), "archive", "--format=tar", commit], capture_output=True)
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


def _pages(site: Path) -> list[str]:
    """The edition's pages, as changelog names (`mechanisms/neuroplasticity`, `index`)."""
    pages = []
    for index in sorted(site.rglob("index.html")):
        relative = index.parent.relative_to(site).as_posix()
        pages.append("index" if relative == "." else relative)
    for page in sorted(site.rglob("*.html")):  # the offline variant's pages are files
        relative = page.relative_to(site).as_posix()
        if not relative.endswith("index.html") and relative != "404.html":
            pages.append(relative.removesuffix(".html"))
    return sorted(set(pages))


def _findings(src: Path) -> dict[str, str]:
    """Each finding's statement in the edition's content, by id."""
    out = {}
    for collection in ("mechanisms", "topics"):
        for path in sorted((src / "content" / collection).glob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            holders = [data] if collection == "mechanisms" else data.get("sections", [])
            for holder in holders:
                for finding in holder.get("findings") or []:
                    out[finding["id"]] = " ".join(str(finding.get("statement", "")).split())
    return out


def install(root: Path, site_dir: Path, variant: str = "web") -> list[str]:
    """Copy the built editions into a built site, at editions/<version>/; return the versions copied."""
    copied = []
    for version in available(root, variant):
        source = Path(root) / EDITIONS_DIR / variant / version / "site"
        target = Path(site_dir) / "editions" / version
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source, target)
        copied.append(version)
    return copied


def history(editions: dict[str, dict], releases: list[dict], fid: str, statement: str) -> dict | None:
    """Where a finding's wording comes from: {since: version, earlier: (version, text) or None}, or None when no
    edition is built. `releases` are newest first; the current text counts as the newest release's."""
    if not editions:
        return None
    current = " ".join(statement.split())
    built = [r["version"] for r in reversed(releases) if r["version"] in editions]  # oldest first
    since, earlier = releases[0]["version"], None
    for version in reversed(built):
        text = editions[version]["findings"].get(fid)
        if text == current:
            since = version
            continue
        if text is not None:
            earlier = (version, text)
        break
    return {"since": since, "earlier": earlier}
