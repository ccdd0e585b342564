"""Editions: a release built from its own commit is byte-identical however the content changes afterwards, the
site carries it at editions/<version>/, and the current pages link to it and show earlier wording."""

import shutil
import subprocess
import sys

import pytest
from conftest import FIXTURE, copy_project, tree

pytestmark = pytest.mark.slow

OLD = "One dose increased spine density in mice."
NEW = "A single dose increased the density of dendritic spines in mice."


def git(folder, *args):
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_AUTHOR_DATE": "2026-01-02T00:00:00Z",
        "GIT_COMMITTER_DATE": "2026-01-02T00:00:00Z",
        "PATH": "/usr/bin:/bin",
    }
    return subprocess.run(["git", *args], cwd=folder, env=env, capture_output=True, text=True, check=True).stdout


def review(folder, *args):
    return subprocess.run(
        [sys.executable, "-m", "review", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(folder / "scripts"), "HOME": str(folder)},
    )


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """A project of the fixture review in git, released as 1.2.3 (tagged v1.2.3), then edited and released
    again as 1.3.0: a finding reworded, nothing else touched by hand."""
    folder = copy_project(tmp_path_factory.mktemp("editions"), content=FIXTURE)
    (folder / ".gitignore").write_text("/.venv\n/build/\n/site/\n/.site-build-*/\n/.site.lock\n")
    git(folder, "init", "-q", "-b", "main")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "release 1.2.3")
    git(folder, "tag", "v1.2.3")
    result = review(folder, "editions")
    assert result.returncode == 0, result.stdout + result.stderr
    first = tree(folder / "build" / "editions" / "web" / "1.2.3" / "site")
    mechanism = folder / "content" / "mechanisms" / "plasticity.yaml"
    assert OLD in mechanism.read_text()
    mechanism.write_text(mechanism.read_text().replace(OLD, NEW))
    changelog = folder / "content" / "changelog.yaml"
    changelog.write_text(
        changelog.read_text().replace(
            "releases:\n",
            'releases:\n  - version: 1.3.0\n    date: "2026-02-01"\n    changes: >-\n      Reworded a finding.\n'
            "    pages: [mechanisms/plasticity]\n",
            1,
        )
    )
    site = folder / "content" / "site.yaml"
    site.write_text(
        site.read_text().replace("version: 1.2.3", "version: 1.3.0").replace('date: "2026-01-02"', 'date: "2026-02-01"')
    )
    git(folder, "commit", "-q", "-am", "release 1.3.0")
    shutil.rmtree(folder / "build" / "editions")  # rebuilt from scratch, as a fresh clone would
    result = review(folder, "editions")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1.3.0 has no commit yet" in result.stdout
    result = review(folder, "site")
    assert result.returncode == 0, result.stderr
    return folder, first


def test_an_edition_is_byte_identical_after_later_content_changes(released):
    folder, first = released
    assert tree(folder / "build" / "editions" / "web" / "1.2.3" / "site") == first


def test_the_edition_keeps_its_words_and_cites_its_own_address(released):
    folder, _ = released
    page = (folder / "site" / "editions" / "1.2.3" / "mechanisms" / "plasticity" / "index.html").read_text()
    assert OLD in page and NEW not in page
    assert "https://example.org/fixture/editions/1.2.3/mechanisms/plasticity/" in page
    assert "editions/1.2.3/editions/" not in page


def test_the_current_page_links_its_edition_and_shows_the_earlier_wording(released):
    folder, _ = released
    page = (folder / "site" / "mechanisms" / "plasticity" / "index.html").read_text()
    assert NEW in page
    assert "Earlier wording (edition 1.2.3)</summary><p>" + OLD in page
    assert 'href="../../editions/1.2.3/mechanisms/plasticity/#pl-spines-mice"' in page
    assert "Wording since edition 1.3.0" in page and "Wording since edition 1.2.3" in page  # the untouched finding


def test_a_citation_names_the_edition_of_the_pages_last_change(released):
    folder, _ = released
    page = (folder / "site" / "mechanisms" / "plasticity" / "index.html").read_text()
    assert '<link rel="canonical" href="https://example.org/fixture/editions/1.3.0/mechanisms/plasticity/">' in page
    study = (folder / "site" / "studies" / "rieser2021" / "index.html").read_text()
    assert "https://example.org/fixture/editions/1.0.0/studies/rieser2021/" in study  # unchanged since 1.0.0


def test_without_the_history_the_site_still_builds_and_says_why(tmp_path):
    folder = copy_project(tmp_path, content=FIXTURE)
    result = review(folder, "editions")
    assert result.returncode == 0
    assert "has no commit yet" in result.stdout
    assert review(folder, "site").returncode == 0
