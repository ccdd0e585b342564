"""The pipeline, whichever entry point calls it: load -> validate -> render (pure), then write."""

from pathlib import Path

from .errors import ContentError
from .load import load
from .render import render, render_each
from .validate import validate
from .write import write

CONTENT_DIR = Path("content")  # relative to the project folder, where every command runs
TEMPLATES_DIR = Path("templates") / "pages"


def build(content_dir=CONTENT_DIR, templates_dir=TEMPLATES_DIR, out_dir=None):
    """Read and check all content (raising ContentError with every problem before anything is rendered), then
    render it: return {page path: Markdown}, or, given out_dir, write each output there as soon as it is rendered,
    so that a large review is never held in memory whole, and return the paths written."""
    review = load(content_dir)
    problems = validate(review)
    if problems:
        raise ContentError(problems)
    if out_dir is None:
        return render(review, templates_dir)
    return write(render_each(review, templates_dir), out_dir)
