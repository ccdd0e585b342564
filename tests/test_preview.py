"""The live preview (`make serve` -> `review serve`): an edit is served on its own page at once, and every other
page that shows it is right the first time it is asked for, with no stale list, backlink or navigation. Whatever
fails (a content error, alone or with a file added; a template error; any other exception), the last good pages
stay up with the error shown on them, escaped, until a save fixes it, and no request hangs. SIGTERM and Ctrl-C stop
the server and its background work. All against a real server process, waiting on what it serves or prints."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import copy_project, wait_until

pytestmark = pytest.mark.slow

MOUNT = "/sud-psychedelics-review"
REQUEST = 60  # seconds: a request that takes longer has hung (the preview never holds one that long)


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=REQUEST) as response:
        return response.read().decode("utf-8")


def poll(url: str, ready, timeout: float = 180) -> str:
    def shown():
        try:
            text = get(url)
        except OSError:
            return None
        return text if ready(text) else None

    text = wait_until(shown, timeout)
    assert text is not None, f"{url} never showed what was expected"
    return text


@dataclass
class Served:
    project: Path
    base: str
    log: Path
    process: subprocess.Popen


@pytest.fixture
def preview(tmp_path):
    """The real content served by `review serve` from a copy of the project."""
    project = copy_project(tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "review", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=project,
            env={**os.environ, "PYTHONPATH": str(project / "scripts")},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}{MOUNT}"
    try:
        poll(base + "/studies/shao2021/", lambda text: "Psilocybin induces" in text)
        yield Served(project, base, log, server)
    finally:
        server.terminate()
        server.wait(timeout=60)


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def error_shown(page: str) -> str | None:
    """The error the preview shows above a page, as text (None if there is none)."""
    found = re.search(r'<div id="review-preview-error".*?<pre[^>]*>(.*?)</pre></div>', page, re.S)
    return found.group(1) if found else None


def test_an_edited_study_is_on_its_page_and_on_every_page_that_lists_or_cites_it(preview):
    edit(preview.project / "content/studies/shao2021.yaml", "title: Psilocybin induces", "title: Preview-edit Psilocybin induces")
    poll(preview.base + "/studies/shao2021/", lambda text: "Preview-edit" in text)
    # Asked for once each, straight after: the preview holds a request until that page has caught up.
    for path in ["/studies/", "/mechanisms/neuroplasticity/", "/substances/psilocybin/", "/questions/integration-timing/"]:
        assert "Preview-edit" in get(preview.base + path), path


def test_a_new_title_in_the_navigation_shows_on_a_page_that_was_not_edited(preview):
    assert "Induced neuroplasticity" in get(preview.base + "/glossary/")
    edit(
        preview.project / "content/mechanisms/neuroplasticity.yaml",
        "title: Induced neuroplasticity",
        "title: Induced plasticity, edited",
    )
    poll(preview.base + "/mechanisms/neuroplasticity/", lambda text: "Induced plasticity, edited" in text)
    glossary = get(preview.base + "/glossary/")
    assert "Induced plasticity, edited" in glossary and "Induced neuroplasticity" not in glossary


def test_a_content_error_is_shown_escaped_on_the_last_good_page_until_fixed(preview):
    study = preview.project / "content/studies/shao2021.yaml"
    edit(study, "year: 2021", "year: <b>twenty-one</b>")
    page = poll(preview.base + "/studies/shao2021/", error_shown)
    shown = error_shown(page)
    assert shown is not None and "content/studies/shao2021.yaml:" in shown and ": year: " in shown
    assert "&lt;b&gt;twenty-one&lt;/b&gt;" in shown and "<b>twenty-one" not in page
    assert "Psilocybin induces" in page  # the last good page, under the error
    assert "content/studies/shao2021.yaml" in preview.log.read_text()  # the terminal says the same
    assert error_shown(get(preview.base + "/glossary/"))  # on whichever page is being previewed
    edit(study, "year: <b>twenty-one</b>", "year: 2021")
    edit(study, "title: Psilocybin induces", "title: Fixed-again Psilocybin induces")
    page = poll(preview.base + "/studies/shao2021/", lambda text: "Fixed-again" in text)
    assert error_shown(page) is None


def test_a_content_error_with_an_added_file_keeps_the_last_good_pages(preview):
    added = preview.project / "content/studies/added2026.yaml"
    added.write_text("id: added2026\ntitle: [unclosed\n", encoding="utf-8")
    page = poll(preview.base + "/studies/", error_shown)
    assert "content/studies/added2026.yaml:" in (error_shown(page) or "")
    assert "Psilocybin induces" in get(preview.base + "/studies/shao2021/")
    added.unlink()
    poll(preview.base + "/studies/", lambda text: error_shown(text) is None)
    assert "Psilocybin induces" in get(preview.base + "/studies/shao2021/")


def test_a_template_error_keeps_the_last_good_pages_until_fixed(preview):
    template = preview.project / "templates/pages/study.html.j2"
    good = template.read_text(encoding="utf-8")
    template.write_text(good + "{% if %}\n", encoding="utf-8")
    page = poll(preview.base + "/studies/shao2021/", error_shown)
    assert re.search(r"templates/pages/study\.html\.j2:\d+: template error", error_shown(page) or "")
    assert "Psilocybin induces" in page
    template.write_text(good, encoding="utf-8")
    poll(preview.base + "/studies/shao2021/", lambda text: error_shown(text) is None and "Psilocybin induces" in text)


def test_an_exception_that_is_not_a_content_error_keeps_the_last_good_pages(preview):
    template = preview.project / "templates/pages/study.html.j2"
    good = template.read_text(encoding="utf-8")
    # A template that fails only on some content: the site builds, then a save makes the edited page fail.
    template.write_text("{% if item.title.startswith('Boom') %}{{ 1 // 0 }}{% endif %}\n" + good, encoding="utf-8")
    poll(preview.base + "/studies/shao2021/", lambda text: "Psilocybin induces" in text and "review-preview" not in text)
    study = preview.project / "content/studies/shao2021.yaml"
    edit(study, "title: Psilocybin induces", "title: Boom Psilocybin induces")
    page = poll(preview.base + "/studies/shao2021/", error_shown)
    assert "ZeroDivisionError" in (error_shown(page) or "")
    assert "Psilocybin induces" in page and "Boom Psilocybin" not in page
    edit(study, "title: Boom Psilocybin induces", "title: Calm Psilocybin induces")
    poll(preview.base + "/studies/shao2021/", lambda text: "Calm Psilocybin" in text and error_shown(text) is None)


def served_folders(log: Path) -> list[Path]:
    return [Path(p) for p in re.findall(r"the whole site built in [\d.]+ s, into (\S+)", log.read_text())]


@pytest.mark.parametrize("sent", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_a_signal_stops_the_server_and_its_background_work(preview, sent):
    # A template saved: the whole site is being rebuilt in the background when the signal comes.
    template = preview.project / "templates/pages/study.html.j2"
    template.write_text(template.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert wait_until(lambda: "rebuilding everything" in preview.log.read_text(), 120)
    preview.process.send_signal(sent)
    assert preview.process.wait(timeout=30) == 0
    children = subprocess.run(["pgrep", "-P", str(preview.process.pid)], capture_output=True, text=True).stdout
    assert children.strip() == ""  # no Pagefind or build left running
    for folder in served_folders(preview.log):
        assert wait_until(lambda folder=folder: not folder.exists(), 120), f"{folder} was left behind"
