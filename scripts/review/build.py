"""The pipeline, whichever entry point calls it: load -> validate -> render (pure), then write."""

from pathlib import Path

from .errors import ContentError
from .load import load
from .render import render, render_each
from .validate import validate

CONTENT_DIR = Path("content")  # relative to the project folder, where every command runs
TEMPLATES_DIR = Path("templates") / "pages"


def build(content_dir=CONTENT_DIR, templates_dir=TEMPLATES_DIR, writer=None):
    """Read and check all content (raising ContentError with every problem before anything is rendered), then
    render it: return {page path: Markdown}, or, given a writer (see write.py), hand it the outputs one at a time
    as they are rendered, so that a large review is never held in memory whole, and return what it returns."""
    review = load(content_dir)
    problems = validate(review)
    if problems:
        raise ContentError(problems)
    if writer is None:
        return render(review, templates_dir)
    return writer(render_each(review, templates_dir))
