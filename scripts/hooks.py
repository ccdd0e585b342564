"""MkDocs hook: render the review from content/ and add its pages as generated files (nothing is written to disk)."""

import logging
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import yaml

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

sys.path.insert(0, str(Path(__file__).resolve().parent))

from review.build import CONTENT_DIR, TEMPLATES_DIR, build  # noqa: E402
from review.errors import ContentError  # noqa: E402
from review.incremental import rebuild  # noqa: E402
from review.parallel import processes  # noqa: E402
from review.write import pack  # noqa: E402

log = logging.getLogger("mkdocs.hooks.review")
# MkDocs loads a hook module once per process, so under `mkdocs serve` this outlives each rebuild: it holds the
# previous build's snapshot, from which a save renders again only the pages that depend on the saved file.
live = {"serving": False, "snapshot": None}


def on_startup(command, dirty):
    """Remember whether this process serves (and rebuilds on every save) or builds once."""
    live["serving"] = command == "serve"


def on_config(config):
    """Date the build by the newest release in content/changelog.yaml (unless SOURCE_DATE_EPOCH is set), so
    that the sitemap and its gzip header come from the content, not the clock, and rebuilds are identical."""
    if "SOURCE_DATE_EPOCH" not in os.environ:
        changelog = Path(config.config_file_path).parent / "content" / "changelog.yaml"
        try:
            newest = yaml.safe_load(changelog.read_text(encoding="utf-8"))["releases"][0]["date"]
            day = datetime.strptime(str(newest), "%Y-%m-%d").replace(tzinfo=timezone.utc)
        except (OSError, yaml.YAMLError, KeyError, IndexError, TypeError, ValueError):
            return config  # the content check reports the problem
        os.environ["SOURCE_DATE_EPOCH"] = str(int(day.timestamp()))
    return config


class PackedFile(File):
    """A generated file whose text waits in the build's pack file (see review.write.pack) until MkDocs reads it."""

    def __init__(self, config, src_uri, pack, offset, length):
        """A file at src_uri of the site, backed by length bytes at offset of the open pack file."""
        super().__init__(src_uri, src_dir=None, dest_dir=config.site_dir, use_directory_urls=config.use_directory_urls)
        self.generated_by = "hooks"
        self._packed = (pack, offset, length)

    @property
    def content_bytes(self):
        """The file's bytes, read from the pack (or as set since)."""
        if self._packed is None:
            return File.content_bytes.fget(self)
        pack, offset, length = self._packed
        return os.pread(pack.fileno(), length, offset)

    @content_bytes.setter
    def content_bytes(self, value):
        self._packed = None
        File.content_bytes.fset(self, value)

    @property
    def content_string(self):
        """The file's text, read from the pack (or as set since)."""
        return self.content_bytes.decode("utf-8") if self._packed is not None else File.content_string.fget(self)

    @content_string.setter
    def content_string(self, value):
        self._packed = None
        File.content_string.fset(self, value)

    def copy_file(self, dirty=False):
        """Write the file into the site."""
        if self._packed is None:
            return super().copy_file(dirty)
        os.makedirs(os.path.dirname(self.abs_dest_path), exist_ok=True)
        Path(self.abs_dest_path).write_bytes(self.content_bytes)

    def is_modified(self):
        """Generated anew by every build."""
        return True


def on_files(files, config):
    """Replace or add every generated page; a content error stops the build with all problems listed."""
    root = Path(config.config_file_path).parent
    content, templates = root / CONTENT_DIR, root / TEMPLATES_DIR
    start = time.perf_counter()
    try:
        if live["serving"]:
            live["snapshot"] = snapshot = rebuild(live["snapshot"], content, templates)
            generated = [File.generated(config, path, content=text) for path, text in snapshot.pages.items()]
            log.info("review: rendered %d of %d outputs again in %.2f s", len(snapshot.rendered), len(generated),
                     time.perf_counter() - start)
        else:
            # The outputs are rendered side by side in forked processes, each writing its share one page after
            # another into its own scratch pack file, and MkDocs reads each page when it needs it: the generator's
            # output is never in memory all at once.
            scratch = Path(tempfile.mkdtemp(prefix="review-pages-"))
            shares = build(content, templates, lambda outputs, share: pack(outputs, scratch / f"{share}.pack"), processes())
            live["packs"] = packs = [open(scratch / f"{share}.pack", "rb") for share in range(len(shares))]  # noqa: SIM115 (closed after the build)
            shutil.rmtree(scratch)  # the open files stay readable
            generated = [PackedFile(config, path, pack_file, offset, length)
                         for pack_file, where in zip(packs, shares) for path, (offset, length) in where.items()]
    except ContentError as error:
        raise PluginError("\n" + error.report()) from None
    for file in sorted(generated, key=lambda file: docs_order(file.src_uri)):
        existing = files.get_file_from_path(file.src_uri)
        if existing is not None:
            files.remove(existing)
        files.append(file)
    return files


def docs_order(path):
    """Sort key that puts generated files in the order MkDocs gives files it finds in docs_dir (a folder's files
    before its subfolders', index first), whatever order or process they were rendered in: the search index and
    tag listings follow this order, so a build is the same however many processes rendered it."""
    folder, _, name = path.rpartition("/")
    return tuple(folder.split("/")) if folder else (), name.rsplit(".", 1)[0] not in ("index", "README"), name


def on_post_build(config):
    """Close the pack files of a one-off build."""
    _close_pack()


def on_build_error(error):
    """Close the pack files when the build fails."""
    _close_pack()


def _close_pack():
    """Close (and so delete) the build's pack files, if any."""
    for pack_file in live.pop("packs", []):
        pack_file.close()


def on_page_markdown(markdown, page, config, files):
    """Give each page the date of the release in which it last changed (used by the sitemap's lastmod)."""
    citation = page.meta.get("citation")
    if isinstance(citation, dict) and citation.get("date"):
        page.update_date = str(citation["date"]).replace("/", "-")
    return markdown


def on_post_page(output, page, config):
    """Let go of a page's HTML body once its file is written: nothing reads it again (anchors are checked from a
    separate list, titles come from front matter), and the search index is serialised after the last page."""
    page.content = None
    return output


def on_page_content(html, page, config, files):
    """Let go of a generated page's Markdown once it is HTML: MkDocs keeps both copies of every page until the
    build ends, which made the Markdown most of the peak memory of a large review (nothing reads it again)."""
    if page.file.generated_by is not None:
        page.markdown = ""
        page.file.content_string = ""
    return html
