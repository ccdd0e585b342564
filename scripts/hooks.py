"""MkDocs hook: render the review from content/ and add its pages as generated files (nothing is written to disk)."""

import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

sys.path.insert(0, str(Path(__file__).resolve().parent))

from review.build import build  # noqa: E402
from review.errors import ContentError  # noqa: E402


def on_files(files, config):
    """Replace or add every generated page; a content error stops the build with all problems listed."""
    root = Path(config.config_file_path).parent
    try:
        pages = build(root / "content", root / "templates" / "pages")
    except ContentError as error:
        raise PluginError("\n" + error.report()) from None
    for path, markdown in pages.items():
        existing = files.get_file_from_path(path)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, path, content=markdown))
    return files
