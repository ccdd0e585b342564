"""`make serve` (mkdocs serve): saving a content file shows the edited page without a restart."""

import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from conftest import ROOT, copy_project, wait_until

pytestmark = pytest.mark.slow


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url):
    """The body of url, or '' while the server is not answering."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def wait_for(condition, seconds=60):
    return wait_until(condition, seconds)


@pytest.fixture
def served(tmp_path):
    """`mkdocs serve` on a copy of the project; yields (project folder, base URL)."""
    copy_project(tmp_path, ["content", "templates", "scripts", "mkdocs.yml"])
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("mkdocs")), "serve", "-a", f"127.0.0.1:{port}"],
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        site_path = urlsplit(yaml.safe_load((ROOT / "mkdocs.yml").read_text())["site_url"]).path
        yield tmp_path, f"http://127.0.0.1:{port}{site_path.rstrip('/')}"
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def test_a_content_edit_is_served_without_restart(served):
    folder, base = served
    url = base + "/mechanisms/neuroplasticity/"
    assert wait_for(lambda: "Induced neuroplasticity" in fetch(url)), "server did not start"
    path = folder / "content" / "mechanisms" / "neuroplasticity.yaml"
    path.write_text(path.read_text().replace("title: Induced neuroplasticity", "title: Induced neuroplasticity (edited)"))
    assert wait_for(lambda: "Induced neuroplasticity (edited)" in fetch(url)), "page was not regenerated"
    # Pages that show the edited title elsewhere are right too: the navigation and a study that cites the page.
    assert wait_for(lambda: "Induced neuroplasticity (edited)" in fetch(base + "/studies/shao2021/"))


def test_a_content_error_is_printed_and_the_fix_is_served(served):
    folder, base = served
    url = base + "/mechanisms/neuroplasticity/"
    assert wait_for(lambda: "Induced neuroplasticity" in fetch(url)), "server did not start"
    path = folder / "content" / "glossary" / "sud.yaml"
    good = path.read_text()
    path.write_text("id: sud\nterm: [broken\n")
    assert wait_for(lambda: "content/glossary/sud.yaml:3: yaml:" in (folder / "serve.log").read_text())
    path.write_text(good.replace("term: Substance use disorder", "term: Substance use disorder (fixed)"))
    assert wait_for(lambda: "Substance use disorder (fixed)" in fetch(base + "/glossary/"))
