"""Bad content through `make site`: each kind fails with its exact error, non-zero status, and the last good site/ untouched."""

import shutil
import time

import pytest
import yaml

from conftest import FIXTURE, ROOT, copy_project, make
from test_build import snapshot
from test_validate import CASES


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A project made of the fixture review, the real templates and scripts, and a built site/."""
    folder = tmp_path_factory.mktemp("project")
    shutil.copytree(FIXTURE, folder / "content")
    copy_project(folder, ["templates", "scripts", "Makefile"])
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    del config["nav"]
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config))
    result = make_site(folder)
    assert result.returncode == 0, result.stderr
    return folder


def make_site(folder):
    """Run `make site` without reinstalling."""
    return make(folder, "site")


@pytest.mark.parametrize("name, relative, old, new, expected", CASES, ids=[c[0] for c in CASES])
def test_bad_content_is_refused_and_site_kept(project, name, relative, old, new, expected):
    path = project / "content" / relative
    original = path.read_text()
    before = snapshot(project / "site")
    path.write_text(original.replace(old, new, 1))
    try:
        result = make_site(project)
    finally:
        path.write_text(original)
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("content/")]
    assert errors == expected
    assert snapshot(project / "site") == before


WHOLE_FILES = [
    ("yaml syntax error", "glossary/sud.yaml", b"id: sud\nterm: [x\ndefinition: y\n",
     ["content/glossary/sud.yaml:3: yaml: expected ',' or ']', but got ':'"]),
    ("tab indentation", "glossary/sud.yaml", b"id: sud\nterm: x\n\tdefinition: y\n",
     ["content/glossary/sud.yaml:3: yaml: tab character; indent with spaces"]),
    ("duplicate key", "glossary/sud.yaml", b"id: sud\nterm: x\nterm: y\ndefinition: z\n",
     ["content/glossary/sud.yaml:3: yaml: duplicate key `term` (first at line 2)"]),
    ("empty file", "glossary/sud.yaml", b"",
     ["content/glossary/sud.yaml:1: file: empty file; it must hold a mapping of fields"]),
    ("not utf-8", "glossary/sud.yaml", b"id: sud\nterm: caf\xe9\ndefinition: y\n",
     ["content/glossary/sud.yaml:2: file: not UTF-8 (byte 0xe9); save the file as UTF-8"]),
    ("control character", "glossary/sud.yaml", b"id: sud\nterm: a\x07b\ndefinition: y\n",
     ["content/glossary/sud.yaml:2: file: character U+0007 is not allowed in YAML; remove it"]),
]


@pytest.mark.parametrize("name, relative, raw, expected", [c for c in WHOLE_FILES if c[2] is not None],
                         ids=[c[0] for c in WHOLE_FILES if c[2] is not None])
def test_broken_file_is_refused_and_site_kept(project, name, relative, raw, expected):
    path = project / "content" / relative
    original = path.read_bytes()
    before = snapshot(project / "site")
    path.write_bytes(raw)
    try:
        result = make_site(project)
    finally:
        path.write_bytes(original)
    assert result.returncode != 0
    assert [line for line in result.stderr.splitlines() if line.startswith("content/")] == expected
    assert snapshot(project / "site") == before


def test_fifty_megabyte_file_fails_fast(project):
    big = project / "content" / "glossary" / "big.yaml"
    with big.open("w") as out:
        out.write("id: big\nterm: big\ndefinition: ")
        for _ in range(50):
            out.write("a" * 1_000_000)
    try:
        started = time.monotonic()
        result = make_site(project)
        elapsed = time.monotonic() - started
    finally:
        big.unlink()
    assert result.returncode != 0
    assert "content/glossary/big.yaml:1: file: file is 50.0 MB; the limit is 1 MB" in result.stderr
    assert elapsed < 30


def test_script_in_content_never_reaches_a_page(project):
    question = project / "content" / "questions" / "translation.yaml"
    original = question.read_text()
    question.write_text(original.replace("question: Does plasticity in mice occur in patients?",
                                         "question: '<script>alert(1)</script> Does <b>plasticity</b> last?'"))
    try:
        result = make_site(project)
        pages = {p: p.read_text() for p in (project / "site").rglob("*.html")}
    finally:
        question.write_text(original)
        make_site(project)
    assert result.returncode == 0, result.stderr
    assert not [p for p, html in pages.items() if "<script>alert" in html or "<b>plasticity" in html]
    page = pages[project / "site" / "questions" / "translation" / "index.html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Does &lt;b&gt;plasticity&lt;/b&gt; last?" in page.split("<title>")[1].split("</title>")[0]
