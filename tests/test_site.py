"""`make site`: strict (any MkDocs warning or broken link fails it), quiet when all is well, and a swap of
site/ that two builds at once, or a build killed at any moment, cannot break."""

import os
import shutil
import signal
import subprocess
import sys

import pytest
from conftest import FIXTURE, copy_project, make, tree, wait_until

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A project made of the fixture review with a built site/."""
    folder = copy_project(tmp_path_factory.mktemp("project"), content=FIXTURE)
    result = make(folder, "site")
    assert result.returncode == 0, result.stderr
    return folder


def test_a_good_build_is_quiet(project):
    result = make(project, "site")
    assert result.returncode == 0
    assert result.stderr == ""
    said = [line for line in result.stdout.splitlines() if not line.startswith(".venv/bin/")]
    assert len(said) == 1 and said[0].startswith("editions: none in the site; not built: 1.2.3, 1.0.0: no commit recorded")


def test_the_real_site_builds_strictly(built_site):
    assert (built_site / "index.html").is_file()
    assert (built_site / "mechanisms" / "neuroplasticity" / "index.html").is_file()


def edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return text


@pytest.mark.parametrize(
    "name, relative, old, new, message",
    [
        ("content error", "content/glossary/sud.yaml", "term: Substance use disorder", "term: [x", "content/glossary/sud.yaml:"),
        (
            "a template links to no page",
            "templates/pages/study.html.j2",
            '<p class="reference">',
            '<p><a href="../../nowhere/">x</a></p>\n\n<p class="reference">',
            "points at no file",
        ),
        (
            "a template links to no anchor",
            "templates/pages/study.html.j2",
            '<p class="reference">',
            '<p><a href="#nowhere">x</a></p>\n\n<p class="reference">',
            "has no anchor `nowhere`",
        ),
        (
            "a page gives out an address the site does not hold",
            "templates/pages/study.html.j2",
            '<p class="reference">',
            '<p>Cite: {{ info.url }}editions/9.9.9/</p>\n\n<p class="reference">',
            "dead self-address: studies/rieser2021/index.html: https://example.org/fixture/editions/9.9.9/ points at no file",
        ),
        (
            "no home page",
            "content/pages/index.md",
            "# Fixture home",
            None,
            "content/pages/index.md:1: file: missing; it is the home page",
        ),
        (
            "a navigation written by hand",
            "mkdocs.yml",
            "site_name:",
            "nav:\n- mechanisms/removed.md\nsite_name:",
            "the navigation is made from scripts/review/outputs/pages.py",
        ),
    ],
)
def test_a_failed_build_leaves_site_untouched(project, name, relative, old, new, message):
    before = tree(project / "site")
    path = project / relative
    original = path.read_text()
    if new is None:
        path.unlink()
    else:
        edit(path, old, new)
    try:
        result = make(project, "site")
    finally:
        path.write_text(original)
    assert result.returncode != 0
    assert message in result.stderr
    assert tree(project / "site") == before


def test_two_builds_at_once_both_leave_a_whole_site(project):
    expected = sorted(tree(project / "site"))
    env = {**os.environ, "MAKEFLAGS": ""}
    runs = [
        subprocess.Popen(
            ["make", "--no-print-directory", "-o", ".venv/.installed", "site"],
            cwd=project,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    assert [run.wait(timeout=300) for run in runs] == [0, 0]
    assert sorted(tree(project / "site")) == expected
    assert not list(project.glob(".site-build-*"))


MOMENTS = {  # the build's phases, each seen in the files it leaves: the build is killed when one appears
    "lock taken": lambda project: list(project.glob(".site-build-*")),
    "review rendered": lambda project: list(project.glob("build/generated-*/*")),
    "pages written": lambda project: list(project.glob(".site-build-*/mechanisms/*/index.html")),
    "search indexed": lambda project: list(project.glob(".site-build-*/pagefind/*")),
}


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_a_build_killed_at_any_moment_leaves_a_whole_site(project, moment):
    expected = sorted(tree(project / "site"))
    process = subprocess.Popen(
        [sys.executable, "-m", "review", "site"],
        cwd=project,
        start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(project / "scripts")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until(lambda: MOMENTS[moment](project) or process.poll() is not None, 120)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert sorted(tree(project / "site")) == expected  # the old site or the new one, both whole
    result = make(project, "site")  # and nothing left behind stops the next build
    assert result.returncode == 0, result.stderr
    assert not list(project.glob(".site-build-*"))


def test_make_site_writes_nothing_into_the_docs_folder(project):
    assert sorted(p.name for p in (project / "content" / "pages").iterdir()) == ["index.md", "method.md"]


def test_the_scratch_folder_and_lock_are_not_published(project):
    assert not (project / "site" / ".site.lock").exists()
    shutil.rmtree(project / ".site-build-stale", ignore_errors=True)
