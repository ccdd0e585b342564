"""Editions: a release built from its own commit is byte-identical however the content changes afterwards, the
site carries it at editions/<version>/, and the current pages link to it and show earlier wording."""

import shutil
import subprocess
import sys

import feedparser
import pytest
from conftest import FIXTURE, copy_project, tree
from review.commands import publish
from review.outputs import editions

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
    assert "editions: 1.2.3 in the site; not built: 1.3.0, 1.0.0: no commit recorded" in result.stdout
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
    assert 'Earlier wording (edition 1.2.3)</summary><p class="word-diff"><del>One</del> <ins>A single</ins> dose' in page
    assert 'href="../../editions/1.2.3/mechanisms/plasticity/#pl-spines-mice"' in page
    assert "Wording since edition 1.3.0" in page and "Wording since edition 1.2.3" in page  # the untouched finding


def test_a_citation_names_the_edition_of_the_pages_last_change_when_the_site_has_it(released):
    folder, _ = released
    study = (folder / "site" / "studies" / "shao2021" / "index.html").read_text()  # last changed in 1.2.3, built
    assert '<link rel="canonical" href="https://example.org/fixture/editions/1.2.3/studies/shao2021/">' in study
    # 1.3.0 (the plasticity page's last change) and 1.0.0 have no commit, so no edition: the living address
    page = (folder / "site" / "mechanisms" / "plasticity" / "index.html").read_text()
    assert '<link rel="canonical" href="https://example.org/fixture/mechanisms/plasticity/">' in page
    study = (folder / "site" / "studies" / "rieser2021" / "index.html").read_text()
    assert '<link rel="canonical" href="https://example.org/fixture/studies/rieser2021/">' in study
    assert "editions/1.0.0" not in study and "editions/1.3.0" not in study
    assert publish.dead_addresses(folder / "site", "https://example.org/fixture/") == []


def test_an_old_editions_pages_carry_a_banner_to_the_current_page(released):
    folder, first = released
    installed = folder / "site" / "editions" / "1.2.3"
    page = (installed / "mechanisms" / "plasticity" / "index.html").read_text()
    assert page.count("data-edition-banner") == 1
    assert "This is edition 1.2.3 of 2 January 2026, kept unchanged at this address; the current version is 1.3.0." in page
    assert '<a href="../../../../mechanisms/plasticity/"' in page
    assert page == editions.with_banner(
        first["mechanisms/plasticity/index.html"].decode(), page[page.index("<aside") : page.index("</aside>") + 8]
    )


def test_the_current_page_shows_what_changed_since_the_last_edition(released):
    folder, _ = released
    page = (folder / "site" / "mechanisms" / "plasticity" / "index.html").read_text()
    assert "What changed since edition 1.2.3 (2026-01-02)" in page
    assert "<del>One</del> <ins>A single</ins> dose increased" in page


def test_the_changelog_and_the_feed_list_the_reworded_finding(released):
    folder, _ = released
    changelog = (folder / "site" / "changelog" / "index.html").read_text()
    assert "Findings since version 1.2.3: 0 added, 0 removed, 1 reworded." in changelog
    assert "Every page changed" not in changelog
    feed = feedparser.parse((folder / "site" / "feed.xml").read_bytes())
    assert feed.bozo == 0
    reworded = [e for e in feed.entries if e.title.startswith("Finding reworded in version 1.3.0")]
    assert [e.link for e in reworded] == ["https://example.org/fixture/mechanisms/plasticity/#pl-spines-mice"]
    assert (
        '<link rel="alternate" type="application/atom+xml" href="../../feed.xml"'
        in (folder / "site" / "mechanisms" / "plasticity" / "index.html").read_text()
    )


def test_without_the_history_the_site_still_builds_and_says_why(tmp_path):
    folder = copy_project(tmp_path, content=FIXTURE)
    result = review(folder, "editions", "--for-site")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "editions: none in the site; not built: 1.2.3, 1.0.0: no commit recorded (`make release-commit` records it; "
        "or tag the release v<version>). Pages changed in those releases give their living address."
    ]
    assert review(folder, "site").returncode == 0
    page = (folder / "site" / "mechanisms" / "plasticity" / "index.html").read_text()
    assert '<link rel="canonical" href="https://example.org/fixture/mechanisms/plasticity/">' in page
