"""The pipeline, whichever entry point calls it: load -> validate -> render (pure), then write."""

from pathlib import Path

from .errors import ContentError
from .load import load
from . import collector
from .parallel import forked_map
from .render import plan, prepare, render, render_jobs
from .validate import validate

CONTENT_DIR = Path("content")  # relative to the project folder, where every command runs
TEMPLATES_DIR = Path("templates") / "pages"


def build(content_dir=CONTENT_DIR, templates_dir=TEMPLATES_DIR, writer=None, processes=1):
    """Read and check all content (raising ContentError with every problem before anything is rendered), then
    render it: return {page path: Markdown}; or, given a writer (see write.py), split the outputs into `processes`
    shares rendered side by side in forked processes (which share the reading of the content too), hand each
    share's outputs to writer(outputs, share number) one at a time as they are rendered (so that a large review is
    never held in memory whole), and return the list of what it returned for each share."""
    with collector.paused():
        review = load(content_dir, processes)
    with collector.frozen():  # the review lives until the build ends
        problems = validate(review)
        if problems:
            raise ContentError(problems)
        if writer is None:
            return render(review, templates_dir)
        return render_shares(review, templates_dir, writer, processes)


def render_shares(review, templates_dir, writer, processes=1):
    """Render a valid review in `processes` shares side by side, handing each share's outputs to writer(outputs,
    share number) as they come; return what the writer returned for each share."""
    site, env = prepare(review, templates_dir)
    if processes > 1:  # load every template once here, rather than once in each process
        for name in env.list_templates(extensions=["j2"]):
            env.get_template(name)
    return forked_map(lambda jobs, share: writer(render_jobs(site, env, jobs), share), plan(site), processes, balanced=True)
