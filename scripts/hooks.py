"""MkDocs hooks: the review's pages as generated files, and the checks MkDocs cannot make on them. One job each."""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import nh3
import pathspec
import yaml
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from mkdocs.structure.toc import get_toc

sys.path.insert(0, str(Path(__file__).resolve().parent))

from review.commands import preview
from review.commands.build import CONTENT_DIR, TEMPLATES_DIR, renderer
from review.commands.progress import Progress
from review.model.errors import ContentError
from review.outputs import fastpages, pages, search

log = logging.getLogger("mkdocs.hooks.review")

# What a built page's content may hold: the templates' own structure, nothing else. Content reaches the page
# escaped or sanitised already; this second pass catches a template that printed something it should not have.
PAGE_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "button",
    "caption",
    "code",
    "div",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "input",
    "label",
    "li",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
    "details",
    "summary",
    "dl",
    "dt",
    "dd",
    "mark",
}
PAGE_ATTRIBUTES = {
    "*": {
        "id",
        "class",
        "title",
        "hidden",
        "role",
        "lang",
        "aria-label",
        "aria-hidden",
        "aria-describedby",
        "aria-live",
        "tabindex",
    },
    "a": {"href", "download"},
    "img": {"src", "alt", "width", "height", "loading"},
    "input": {"type", "name", "checked"},
    "label": {"for"},
    "button": {"type"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}


def on_config(config):
    """Date the build by the newest release in content/changelog.yaml (unless SOURCE_DATE_EPOCH is set), so that
    the sitemap and its gzip header come from the content, not the clock, and rebuilds are identical."""
    if "SOURCE_DATE_EPOCH" not in os.environ:
        changelog = Path(config.config_file_path).parent / CONTENT_DIR / "changelog.yaml"
        try:
            newest = yaml.safe_load(changelog.read_text(encoding="utf-8"))["releases"][0]["date"]
            day = datetime.strptime(str(newest), "%Y-%m-%d").replace(tzinfo=UTC)
        except (OSError, yaml.YAMLError, KeyError, IndexError, TypeError, ValueError):
            return config  # the content check reports the problem
        os.environ["SOURCE_DATE_EPOCH"] = str(int(day.timestamp()))
    return config


# The outputs of the current build, made in on_pre_build and added in on_files; the findings, for the search.
_outputs: list = []
_records: list = []
# Pages converted by fastpages in on_page_markdown, waiting for on_page_content: {src_uri: (html, toc tokens)}.
_converted: dict = {}
_writing: list = []  # the progress of the pages being written, while MkDocs writes them
_scratches: list = []  # this build's folder of generated files


_serving: list = []  # set by on_startup under `mkdocs serve` / `review serve`


def on_startup(command, dirty):
    """Note a live preview: it keeps the generated files between builds (review/preview.py reads them)."""
    _serving[:] = [command == "serve"]


def on_shutdown():
    """Remove the last build's generated files when the preview stops."""
    for old in _scratches:
        shutil.rmtree(old, ignore_errors=True)


def on_pre_build(config):
    """Check and render the review. A content error stops the build here, listing every problem, before MkDocs
    empties the site folder: under `mkdocs serve` the last good pages stay up until the error is fixed."""
    root = Path(config.config_file_path).parent
    try:
        review = renderer(root / CONTENT_DIR, root / TEMPLATES_DIR, config.use_directory_urls)
        shown = Progress("rendering pages", len(review.pages))
        _outputs.clear()
        scratch = _scratch(root)
        for n, out in enumerate(review.render()):
            # Each output goes to disk as it is made, and MkDocs reads it from there when it needs it: at 10,000
            # studies the generated texts would otherwise all sit in memory at once.
            where = scratch / f"{n}{Path(out.path).suffix}"
            where.write_text(out.text, encoding="utf-8")
            _outputs.append((out.path, str(where)))
            shown.step()
        shown.close()
    except ContentError as error:
        raise PluginError("\n" + error.report()) from None
    _records[:] = search.records(review.index)
    config.nav = pages.navigation(review.pages)  # the navigation comes from the page declaration (pages.NAV)
    config.not_in_nav = pathspec.gitignore.GitIgnoreSpec.from_lines(pages.not_in_nav())
    _writing[:] = [Progress("writing pages", len(review.pages))]


def on_files(files, config):
    """Replace the docs folder's files with the generated ones (and drop any other file found there)."""
    outputs = _outputs
    generated = {path for path, _ in outputs}
    docs = Path(config.docs_dir)
    for file in list(files):  # only the generator's pages are published from the docs folder
        if file.src_uri not in generated and Path(file.abs_src_path or "/").is_relative_to(docs):
            log.warning("review: %s is not a generated page and is left out", file.src_uri)
            files.remove(file)
    for path, source in sorted(outputs, key=lambda out: docs_order(out[0])):
        existing = files.get_file_from_path(path)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, path, abs_src_path=source))
    return files


def _scratch(root: Path) -> Path:
    """A fresh folder for this build's generated files, under build/ (removed after the build, or when a preview
    stops)."""
    for old in _scratches:
        shutil.rmtree(old, ignore_errors=True)
    (root / "build").mkdir(exist_ok=True)
    _scratches[:] = [Path(tempfile.mkdtemp(prefix="generated-", dir=root / "build"))]
    return _scratches[0]


def docs_order(path: str):
    """The order MkDocs gives files it finds in docs_dir (a folder's files before its subfolders', index first),
    so that the search index and the tag listings do not depend on the order pages were rendered in."""
    folder, _, name = path.rpartition("/")
    return tuple(folder.split("/")) if folder else (), name.rsplit(".", 1)[0] not in ("index", "README"), name


def on_nav(nav, config, files):
    """Hand the build's files and navigation to a running preview, which renders single pages with them."""
    preview.BUILT.files, preview.BUILT.nav = files, nav
    return nav


def on_env(env, config, files):
    """Hand the theme's template environment to a running preview, for the same reason."""
    preview.BUILT.env = env
    return env


def on_page_markdown(markdown, page, config, files):
    """Give each page the date of the release in which it last changed (the sitemap's lastmod) and, as its
    canonical address, the permanent address of that release's edition (what its citation names). With
    `review_html_pages` on, convert the page here (fastpages.py) and give Python-Markdown nothing to parse."""
    review = page.meta.get("review")
    if isinstance(review, dict) and review.get("date"):
        page.update_date = str(review["date"])
    if isinstance(review, dict) and review.get("canonical"):
        page.canonical_url = str(review["canonical"])
    if isinstance(review, dict) and config.extra.get("review_html_pages", True):
        _converted[page.file.src_uri] = fastpages.to_html(markdown)
        return ""
    return markdown


def on_page_content(html, page, config, files):
    """Sanitise every page's HTML against the templates' allow-list (see PAGE_TAGS), taking a page converted
    in on_page_markdown, with its contents list, from there."""
    converted = _converted.pop(page.file.src_uri, None)
    if converted is not None:
        html, tokens = converted
        page.toc = get_toc(tokens)
    html = f"<div data-pagefind-body>\n{html}\n</div>"  # what the search indexes: the page, not the theme
    return nh3.clean(
        html,
        tags=PAGE_TAGS,
        attributes=PAGE_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        generic_attribute_prefixes={"data-"},
        link_rel=None,
        strip_comments=False,
    )


def on_post_page(output, page, config):
    """Let go of a page's HTML once the theme has made its file (MkDocs keeps every page otherwise), and count
    it on the terminal when the build is long."""
    page.content = None
    if _writing:
        _writing[0].step()
    return output


def on_post_build(config):
    """Index the built pages and the findings with Pagefind (review/search.py), unless Material's own search
    is on (the offline copy, which browsers cannot fetch an index into from file://)."""
    if _writing:
        _writing.pop().close()
    if not any(_serving):  # every generated file has been read or copied by now (a preview reads them again)
        for old in _scratches:
            shutil.rmtree(old, ignore_errors=True)
    material = config.plugins.get("material/search")
    if material is not None and material.config.enabled:
        return
    search.build(Path(config.site_dir), _records)
