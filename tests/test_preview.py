"""The live preview (`make serve` -> `review serve`): an edit is served on its own page at once, and every other
page that shows it is right the first time it is asked for, with no stale list, backlink or navigation."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import urllib.request

import pytest
from conftest import copy_project, wait_until

pytestmark = pytest.mark.slow

MOUNT = "/sud-psychedelics-review"


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.read().decode("utf-8")


def poll(url: str, ready, timeout: float = 120) -> str:
    def shown():
        try:
            text = get(url)
        except OSError:
            return None
        return text if ready(text) else None

    text = wait_until(shown, timeout)
    assert text is not None, f"{url} never showed what was expected"
    return text


@pytest.fixture
def preview(tmp_path):
    """The real content served by `review serve` from a copy of the project: (project, base URL, log file)."""
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
        yield project, base, log
    finally:
        server.terminate()
        server.wait(timeout=30)


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edited_study_is_on_its_page_and_on_every_page_that_lists_or_cites_it(preview):
    project, base, _ = preview
    edit(project / "content/studies/shao2021.yaml", "title: Psilocybin induces", "title: Preview-edit Psilocybin induces")
    poll(base + "/studies/shao2021/", lambda text: "Preview-edit" in text)
    # Asked for once each, straight after: the preview holds a request until that page has caught up.
    for path in ["/studies/", "/mechanisms/neuroplasticity/", "/substances/psilocybin/", "/questions/integration-timing/"]:
        assert "Preview-edit" in get(base + path), path


def test_a_new_title_in_the_navigation_shows_on_a_page_that_was_not_edited(preview):
    project, base, _ = preview
    assert "Induced neuroplasticity" in get(base + "/glossary/")
    edit(
        project / "content/mechanisms/neuroplasticity.yaml", "title: Induced neuroplasticity", "title: Induced plasticity, edited"
    )
    poll(base + "/mechanisms/neuroplasticity/", lambda text: "Induced plasticity, edited" in text)
    glossary = get(base + "/glossary/")
    assert "Induced plasticity, edited" in glossary and "Induced neuroplasticity" not in glossary


def test_a_content_error_is_reported_and_the_last_good_page_stays_up(preview):
    project, base, log = preview
    edit(project / "content/studies/shao2021.yaml", "year: 2021", "year: twenty-twenty-one")
    poll(base + "/studies/shao2021/", lambda text: "Psilocybin induces" in text)
    wait_until(lambda: "the content has problems" in log.read_text(), 60)
    assert "studies/shao2021.yaml" in log.read_text() and "year" in log.read_text()
    assert "Psilocybin induces" in get(base + "/studies/shao2021/")
    edit(project / "content/studies/shao2021.yaml", "year: twenty-twenty-one", "year: 2021")
    edit(project / "content/studies/shao2021.yaml", "title: Psilocybin induces", "title: Fixed-again Psilocybin induces")
    poll(base + "/studies/shao2021/", lambda text: "Fixed-again" in text)
