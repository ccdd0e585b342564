"""The build cache, behind one seam (after Pelican's content cache): `make site` after an edit renders again only
the outputs whose inputs changed.

One setting, `cache` in the plugin's options in mkdocs.yml (on unless `cache: false`); the off switch for one
build is `review site --no-cache` (or REVIEW_CACHE=off in the environment). It lives in build/cache/ (`make clean`
removes it; deleting it is always safe: the next build is a build from nothing), one for each configuration file
(the offline copy's pages differ from the web's). Three things are kept, each
under a hash of every input it depends on, so that a stale entry is never found rather than found and refused:

- the Session (build.py): each content file's text, parse and problems, so that only changed files are read
  and checked (kept with the code version: new code starts from nothing);
- each page's generated Markdown, under its dependency key (outputs/depends.py: the entity it shows, what it
  references and what references it, the shared inputs, the page templates and the generator's code);
- each page's HTML, under the hash of its Markdown, the navigation (every page's frame shows it), the MkDocs
  configuration, the theme (Material's version and templates/theme/), the installed MkDocs and Material and the
  generator's code. A page found there is linked into the new site instead of being converted and laid out.

A page whose HTML is found and that is not in the navigation (a study, a finding, a trial: nearly every page)
is not even read by MkDocs: the build runs MkDocs' `dirty` mode, in which a file that reports itself unmodified
is skipped, and only those pages report so (plugin.py, `Kept`); their sitemap facts are kept beside their HTML.
Pages in the navigation are still read (every page's frame shows their titles), and laid out only if changed.
Everything else (downloads, data, figures, the sitemap, Pagefind's index, the link check, the swap of site/)
is done as in a build from nothing. The oracle test (tests/test_cache.py) builds with the cache after edits of
content, a page template, a theme template, the configuration and the code, and compares every byte of the site
with a build from nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import BinaryIO

from ..outputs.depends import code_version, digest, folder_version
from .build import Session

FOLDER = Path("build") / "cache"
SWITCH = "REVIEW_CACHE"  # REVIEW_CACHE=off: build from nothing, and leave the cache as it is


def uses_cache(setting: bool) -> bool:
    """Whether this build uses the cache: the plugin's setting, unless the environment switches it off."""
    return setting and os.environ.get(SWITCH, "").lower() not in ("off", "0", "false", "no")


class BuildCache:
    """The cache of one build: what it found and what it adds. Nothing is written until the build succeeded
    (`save`), except new Markdown and HTML entries, which are named by their inputs and so never wrong."""

    def __init__(self, root: Path, variant: str = "mkdocs.yml"):
        # One cache per configuration file: the offline copy's pages differ from the web's, and would otherwise
        # push the web's out at every build of the other.
        self.folder = root / FOLDER / variant.replace("/", "_")
        self.markdown_dir = self.folder / "markdown"
        self.html_dir = self.folder / "html"
        for folder in (self.markdown_dir, self.html_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self.code = code_version()
        self.used: set[Path] = set()
        self.reused = {"markdown": 0, "html": 0}
        self.pages = 0
        self.skipped = 0  # pages MkDocs neither read nor laid out (see facts)
        # For each HTML entry, what MkDocs learns of its page while reading it and that the site needs beyond the
        # page's own file (the sitemap's date and canonical address): with it, a page whose HTML is found need not
        # be read at all.
        self.facts: dict[str, list] = {}
        with contextlib.suppress(OSError, ValueError):
            found = json.loads((self.folder / "facts.json").read_text(encoding="utf-8"))
            if isinstance(found, dict) and found.get("code") == self.code and isinstance(found.get("facts"), dict):
                self.facts = found["facts"]

    # ------------------------------------------------------------------------------------------ the session

    def session(self) -> Session:
        """The Session of the last successful build with this code, or a new one."""
        try:
            with open(self.folder / "session.pickle", "rb") as handle:
                code, session = pickle.load(handle)
            if code == self.code and isinstance(session, Session):
                return session
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError, ImportError):
            pass
        return Session()

    # ------------------------------------------------------------------------------------------ entries

    def markdown(self, key: str) -> Path | None:
        """The cached Markdown of a page with this dependency key, if any."""
        return self._found(self.markdown_dir / f"{key}.md", "markdown")

    def store_markdown(self, key: str, text: str) -> Path:
        path = self.markdown_dir / f"{key}.md"
        _write(path, text.encode("utf-8"))
        self.used.add(path)
        return path

    def html_key(self, markdown_key: str, frame: str) -> str:
        """The key of a page's HTML: its Markdown's key and everything MkDocs lays it out with (`frame`)."""
        return digest(markdown_key, frame)

    def html(self, key: str) -> Path | None:
        return self._found(self.html_dir / f"{key}.html", "html")

    def store_html(self, key: str, data: bytes, facts: list | None = None) -> Path:
        path = self.html_dir / f"{key}.html"
        _write(path, data)
        self.used.add(path)
        if facts is not None:
            self.facts[key] = facts
        return path

    def _found(self, path: Path, kind: str) -> Path | None:
        if path.is_file():
            self.used.add(path)
            self.reused[kind] += 1
            return path
        return None

    def frame(self, config, nav: list, root: Path) -> str:
        """Everything besides a page's own Markdown that its HTML depends on: the navigation (titles and
        addresses of every page in it), the configuration, the theme and the versions of the code."""
        config_file = Path(config.config_file_path)
        texts = [config_file.read_text(encoding="utf-8")]
        parent = config.get("INHERIT")
        if parent:
            texts.append((config_file.parent / parent).read_text(encoding="utf-8"))
        custom = config.theme.custom_dir
        return digest(
            self.code,
            texts,
            nav,
            folder_version(Path(custom)) if custom else "",
            [metadata.version(name) for name in ("mkdocs", "mkdocs-material", "markdown", "jinja2", "nh3")],
            config.site_url,
            config.use_directory_urls,
            os.environ.get("SOURCE_DATE_EPOCH", ""),
        )

    # ------------------------------------------------------------------------------------------ the end

    def save(self, session: Session) -> None:
        """After a successful build: keep its Session, drop the entries it did not use, and note what was reused
        (build/cache/last.json, which the tests and the bench read)."""
        _write(self.folder / "session.pickle", lambda out: pickle.dump((self.code, session), out, pickle.HIGHEST_PROTOCOL))
        for folder in (self.markdown_dir, self.html_dir):
            for path in folder.iterdir():
                if path not in self.used:
                    with contextlib.suppress(OSError):
                        path.unlink()
        kept = {key: facts for key, facts in self.facts.items() if self.html_dir / f"{key}.html" in self.used}
        _write(self.folder / "facts.json", json.dumps({"code": self.code, "facts": kept}, sort_keys=True).encode())
        _write(
            self.folder / "last.json",
            json.dumps(
                {
                    "pages": self.pages,
                    "markdown_reused": self.reused["markdown"],
                    "html_reused": self.reused["html"],
                    "skipped": self.skipped,
                }
            ).encode(),
        )


def link(entry: Path, target: Path) -> None:
    """Put a cached file at `target` in the new site: a hard link (no copy of the bytes), or a copy where the
    file system has none."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    try:
        os.link(entry, target)
    except OSError:
        shutil.copyfile(entry, target)


def _write(path: Path, data: bytes | Callable[[BinaryIO], object]) -> None:
    """Write a file (its bytes, or what a function writes to it, streamed) whole or not at all: a killed build
    leaves no half entry."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            if isinstance(data, bytes):
                out.write(data)
            else:
                data(out)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
