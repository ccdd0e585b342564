"""`make serve` (mkdocs serve): saving a content file regenerates the page without a restart."""

import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from conftest import ROOT, copy_project


def free_port():
    """A free TCP port on loopback."""
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
    """Poll condition until it returns a truthy value or seconds pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    return None


@pytest.fixture
def served(tmp_path):
    """`mkdocs serve` on a copy of the project; yields (project folder, base URL)."""
    copy_project(tmp_path, ["content", "templates", "scripts", "mkdocs.yml"])
    port = free_port()
    mkdocs = Path(sys.executable).with_name("mkdocs")
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen([str(mkdocs), "serve", "-a", f"127.0.0.1:{port}"],
                               cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        site_path = urlsplit(yaml.safe_load((ROOT / "mkdocs.yml").read_text())["site_url"]).path
        yield tmp_path, f"http://127.0.0.1:{port}{site_path.rstrip('/')}"
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def test_content_edit_is_served_without_restart(served):
    folder, base = served
    url = base + "/mechanisms/neuroplasticity/"
    assert wait_for(lambda: "Induced neuroplasticity" in fetch(url)), "server did not start"
    path = folder / "content" / "mechanisms" / "neuroplasticity.yaml"
    path.write_text(path.read_text().replace("title: Induced neuroplasticity", "title: Induced neuroplasticity (edited)"))
    assert wait_for(lambda: "Induced neuroplasticity (edited)" in fetch(url)), "page was not regenerated"


def rendered_counts(folder):
    """(outputs rendered again, outputs in all) of each build the hook logged under `mkdocs serve`."""
    text = (folder / "serve.log").read_text(encoding="utf-8")
    return [(int(a), int(b)) for a, b in re.findall(r"review: rendered (\d+) of (\d+) outputs again", text)]


def test_a_save_renders_again_only_the_pages_that_depend_on_it(served):
    folder, base = served
    url = base + "/trials/nct02061293/"
    assert wait_for(lambda: "NCT02061293" in fetch(url)), "server did not start"
    path = folder / "content" / "trials" / "nct02061293.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump(data | {"title": data["title"] + " (edited)"}, sort_keys=False), encoding="utf-8")
    assert wait_for(lambda: "(edited)" in fetch(url)), "page was not regenerated"
    first, *later = wait_for(lambda: rendered_counts(folder)[1:] and rendered_counts(folder))
    assert first[0] == first[1], "the first build renders everything"
    assert 0 < later[-1][0] < later[-1][1], later
