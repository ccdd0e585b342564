"""The pipeline, whichever entry point calls it: load -> validate -> render (pure), then write."""

from pathlib import Path

from .errors import ContentError
from .load import load
from .render import render
from .validate import validate

CONTENT_DIR = Path("content")  # relative to the project folder, where every command runs
TEMPLATES_DIR = Path("templates") / "pages"


def build(content_dir=CONTENT_DIR, templates_dir=TEMPLATES_DIR):
    """Read and check all content, then render it; return {page path: Markdown} or raise ContentError."""
    review = load(content_dir)
    problems = validate(review)
    if problems:
        raise ContentError(problems)
    return render(review, templates_dir)
