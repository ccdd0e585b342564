"""Releases and their editions without building a site: which address a page gives out, when a page first appeared,
what changed between editions (the changelog page, each page's "what changed", the feed), the banner of an old
edition, the self-address check, `review release`, and git never given a value it could read as an option."""

from __future__ import annotations

import copy
import os
import subprocess
from pathlib import Path

import feedparser
import pytest
from conftest import FIXTURE, TEMPLATES
from review.commands import cli, publish, release
from review.commands.build import check, renderer
from review.outputs import compare, editions
from review.outputs.index import Index

URL = "https://example.org/fixture/"


def manifest(index: Index, version: str, date: str, pages=None, **changes) -> dict:
    """A built edition's manifest made from the fixture's own content, with `changes` applied to its records."""
    snap = copy.deepcopy(index.snapshot)
    for key, value in changes.items():
        snap[key] = value(snap[key])
    return (
        snap
        | {"format": editions.MANIFEST_FORMAT, "version": version, "date": date, "commit": "0" * 40}
        | ({"pages": pages} if pages is not None else {})
    )


@pytest.fixture
def fixture_index():
    return Index(check(FIXTURE))


def with_editions(built: dict) -> Index:
    return Index(check(FIXTURE), built)


# ------------------------------------------------------------------------------------------------ addresses


def test_a_page_names_its_edition_only_when_the_edition_is_in_the_site(fixture_index):
    # 1.2.3 changed the plasticity page; without its edition in the site the page gives its living address
    assert fixture_index.address_of("mechanisms/plasticity.md") == URL + "mechanisms/plasticity/"
    built = with_editions({"1.2.3": manifest(fixture_index, "1.2.3", "2026-01-02")})
    assert built.address_of("mechanisms/plasticity.md") == URL + "editions/1.2.3/mechanisms/plasticity/"
    # rieser2021 last changed in 1.0.0, whose edition is not built: its living address
    assert built.address_of("studies/rieser2021.md", "x") == URL + "studies/rieser2021/#x"


@pytest.mark.parametrize(
    "missing, path, anchor",
    [
        ("page", "mechanisms/plasticity.md", ""),
        ("finding", "mechanisms/plasticity.md", "pl-spines-mice"),
    ],
)
def test_what_an_edition_lacks_gets_its_living_address(fixture_index, missing, path, anchor):
    # Content added since the release (a page, a finding) is not in the release's edition: an edition address for it
    # would be a 404 (the 0.2.0 edition has no page or finding added after it), so it gets its living address.
    old = manifest(fixture_index, "1.2.3", "2026-01-02")
    if missing == "page":
        old["pages"] = [p for p in old["pages"] if p != "mechanisms/plasticity"]
    else:
        old["findings"] = {k: v for k, v in old["findings"].items() if k != anchor}
    built = with_editions({"1.2.3": old})
    assert built.address_of(path, anchor) == URL + "mechanisms/plasticity/" + (f"#{anchor}" if anchor else "")
    whole = with_editions({"1.2.3": manifest(fixture_index, "1.2.3", "2026-01-02")})
    assert whole.address_of(path, anchor).startswith(URL + "editions/1.2.3/")


def test_a_download_has_its_edition_address_only_when_the_edition_holds_the_file(fixture_index):
    holding = manifest(fixture_index, "1.2.3", "2026-01-02") | {"files": frozenset({"data/studies.csv"})}
    built = with_editions({"1.2.3": holding})
    assert built.file_address("1.2.3", "data/studies.csv") == URL + "editions/1.2.3/data/studies.csv"
    assert built.file_address("1.2.3", "data/studies-trials.csv") == URL + "data/studies-trials.csv"
    assert fixture_index.file_address("1.2.3", "data/studies.csv") == URL + "data/studies.csv"


def test_the_page_metadata_gives_out_the_same_address_everywhere(fixture_index):
    made = renderer(FIXTURE, TEMPLATES)
    page = next(p for p in made.pages if p.path == "mechanisms/plasticity.md")
    out = made.render_page(page).text
    assert "canonical: https://example.org/fixture/mechanisms/plasticity/" in out
    assert "editions/" not in out.split("## Cite this page")[0].split("---", 2)[1]


# ------------------------------------------------------------------------------------------------ datePublished


def test_date_published_is_the_release_in_which_a_page_first_appeared(fixture_index):
    first = manifest(
        fixture_index, "1.0.0", "2025-06-01", pages=[p for p in fixture_index.snapshot["pages"] if p != "studies/shao2021"]
    )
    built = with_editions({"1.0.0": first, "1.2.3": manifest(fixture_index, "1.2.3", "2026-01-02")})
    assert built.first_release_of("studies/shao2021.md")["date"] == "2026-01-02"
    assert built.first_release_of("studies/rieser2021.md")["date"] == "2025-06-01"
    # without editions: the changelog's lists (1.0.0 lists none, so every page was in it)
    assert fixture_index.first_release_of("studies/shao2021.md")["date"] == "2025-06-01"


def test_date_published_falls_back_to_the_pages_a_release_lists(review_dir):
    changelog = review_dir / "changelog.yaml"
    changelog.write_text(
        changelog.read_text().replace("      First release.\n", "      First release.\n    pages: [studies/rieser2021]\n")
    )
    index = Index(check(review_dir))
    assert index.first_release_of("studies/rieser2021.md")["version"] == "1.0.0"
    assert index.first_release_of("studies/shao2021.md")["version"] == "1.2.3"


# ------------------------------------------------------------------------------------------------ comparisons


def test_word_diff_marks_removed_and_added_words():
    assert str(compare.word_diff("One dose raised spines in mice.", "One dose lowered spines in rats [@shao2021].")) == (
        "One dose <del>raised</del> <ins>lowered</ins> spines in <del>mice.</del> <ins>rats.</ins>"
    )
    assert str(compare.word_diff(None, "a <b>")) == "<ins>a &lt;b&gt;</ins>"
    assert str(compare.word_diff("<script>", None)) == "<del>&lt;script&gt;</del>"


def reworded(snap_findings: dict) -> dict:
    out = copy.deepcopy(snap_findings)
    out["pl-spines-mice"]["statement"] = "A single dose raised spine density in mice."
    out["pl-gone"] = {"statement": "A finding later removed.", "page": "mechanisms/plasticity", "title": "Plasticity"}
    del out["pl-not-in-humans"]
    return out


def test_a_release_lists_the_findings_ratings_and_trial_statuses_it_changed(fixture_index):
    old = manifest(
        fixture_index,
        "1.0.0",
        "2025-06-01",
        pages=[p for p in fixture_index.snapshot["pages"] if p != "studies/shao2021"],
        findings=reworded,
        ratings=lambda r: {k: v | {"certainty": "high"} for k, v in r.items()},
        trials=lambda t: {k: v | {"status": "NOT_YET_RECRUITING"} for k, v in t.items()},
    )
    index = with_editions({"1.0.0": old})
    newest, first = compare.releases(index)
    assert (first.version, first.known, first.previous) == ("1.0.0", True, None)
    assert newest.known and newest.previous == "1.0.0"
    assert {(f.id, f.old is None, f.new is None) for f in newest.findings} == {
        ("pl-spines-mice", False, False),
        ("pl-gone", False, True),
        ("pl-not-in-humans", True, False),
    }
    assert [r.old for r in newest.ratings] == ["high"] * len(newest.ratings) and newest.ratings
    assert {(t.old, t.new) for t in newest.trials} == {("NOT_YET_RECRUITING", "RECRUITING")}
    assert newest.pages_added == ["studies/shao2021"]
    page = compare.since(index, "mechanisms/plasticity")
    assert page is not None and page["version"] == "1.0.0"
    assert [f.id for f in page["findings"]][:2] == ["pl-spines-mice", "pl-not-in-humans"]  # in page order
    assert compare.since(index, "studies/rieser2021") is None  # nothing it records changed


def test_a_release_whose_previous_edition_is_not_built_says_so(fixture_index):
    newest, first = compare.releases(fixture_index)
    assert (newest.known, newest.missing) == (False, "1.0.0")
    assert (first.known, first.missing) == (False, "1.0.0")


def test_the_changelog_page_is_generated_from_the_editions(fixture_index):
    made = renderer(FIXTURE, TEMPLATES)
    made.index.editions = {"1.0.0": manifest(fixture_index, "1.0.0", "2025-06-01", findings=reworded)}
    page = next(p for p in made.pages if p.kind.name == "changelog")
    text = made.render_page(page).text
    assert "Every page changed" not in text
    assert "Findings since version 1.0.0: 1 added, 1 removed, 1 reworded." in text
    assert "<del>A single</del> <ins>One</ins> dose <del>raised</del> <ins>increased</ins> spine density in mice." in text
    assert "edition 1.0.0 is not built" not in text


# ------------------------------------------------------------------------------------------------ feed


def test_the_feed_is_valid_atom_with_an_entry_per_release_and_change(fixture_index, tmp_path):
    made = renderer(FIXTURE, TEMPLATES)
    made.index.editions = {"1.0.0": manifest(fixture_index, "1.0.0", "2025-06-01", findings=reworded)}
    text = next(out.text for out in made.render() if out.path == "feed.xml")
    parsed = feedparser.parse(text)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    titles = [e.title for e in parsed.entries]
    assert titles[0] == "Version 1.2.3 (2026-01-02)" and "Version 1.0.0 (2025-06-01)" in titles
    assert sum(t.startswith("Finding ") for t in titles) == 3
    links = {e.title: e.link for e in parsed.entries}
    assert links["Version 1.0.0 (2025-06-01)"] == URL + "editions/1.0.0/"
    assert links["Version 1.2.3 (2026-01-02)"] == URL + "changelog/#v1-2-3"  # its edition is not built
    removed = next(e for e in parsed.entries if e.title.startswith("Finding removed"))
    assert removed.link == URL + "editions/1.0.0/mechanisms/plasticity/#pl-gone"
    assert len({e.id for e in parsed.entries}) == len(parsed.entries)


# ------------------------------------------------------------------------------------------------ banner


def test_the_banner_goes_in_one_place_and_installing_twice_changes_nothing():
    page = '<body class="x"><div data-md-component="announce">\n</div><p>old text</p></body>'
    banner = editions.banner_html("0.1.0", "26 November 2026", "0.2.0", "../../", True)
    once = editions.with_banner(page, banner)
    assert once.count("data-edition-banner") == 1 and "<p>old text</p>" in once
    assert editions.with_banner(once, banner) == once
    assert editions.with_banner("<body><p>x</p></body>", banner).startswith("<body><aside")


def test_the_banner_links_to_the_current_page_or_home(tmp_path):
    (tmp_path / "mechanisms" / "a").mkdir(parents=True)
    (tmp_path / "mechanisms" / "a" / "index.html").write_text("x")
    (tmp_path / "index.html").write_text("x")
    assert editions.current_page(tmp_path, "0.1.0", "mechanisms/a/index.html") == ("../../../../mechanisms/a/", True)
    assert editions.current_page(tmp_path, "0.1.0", "mechanisms/gone/index.html") == ("../../../../", False)
    assert editions.current_page(tmp_path, "0.1.0", "mechanisms/gone.html", False) == ("../../../index.html", False)


# ------------------------------------------------------------------------------------------------ self-addresses


def test_dead_self_addresses_are_found(tmp_path):
    site = tmp_path
    (site / "a").mkdir()
    (site / "a" / "index.html").write_text('<p id="here">x</p>')
    (site / "b.html").write_text("offline page")
    (site / "index.html").write_text(
        f'<link rel="canonical" href="{URL}editions/0.2.0/a/">'
        f'<a href="{URL}a/#here">ok</a> <a href="{URL}a/#nowhere">x</a> {URL}b/ and {URL}a/. '
        f'<script type="application/ld+json">{{"url": "{URL}gone/"}}</script>'
    )
    (site / "feed.xml").write_text(f'<feed><link href="{URL}feed-gone/"/></feed>')
    (site / "editions").mkdir()
    (site / "editions" / "x.html").write_text(f"{URL}frozen-not-read/")
    found = publish.dead_addresses(site, URL.rstrip("/"))
    assert found == [
        f"feed.xml: {URL}feed-gone/ points at no file",
        f"index.html: {URL}a/#nowhere points at no anchor `nowhere`",
        f"index.html: {URL}editions/0.2.0/a/ points at no file",
        f"index.html: {URL}gone/ points at no file",
    ]


# ------------------------------------------------------------------------------------------------ git, never misled


def git(folder: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t"}
    env |= {"GIT_COMMITTER_EMAIL": "t@example.org", "PATH": os.environ["PATH"], "HOME": str(folder)}
    return subprocess.run(["git", *args], cwd=folder, env=env, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def repository(tmp_path):
    folder = tmp_path / "repo"
    folder.mkdir()
    (folder / "file.txt").write_text("x\n")
    git(folder, "init", "-q", "-b", "main")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "one")
    (tmp_path / "outside.txt").write_text("keep\n")
    return folder


@pytest.mark.parametrize("commit", ["--output=../outside.txt", "-o../outside.txt", "--remote=../outside.txt"])
def test_a_commit_that_reads_as_an_option_writes_nothing_outside_the_repository(repository, commit, tmp_path):
    with pytest.raises(editions.MissingCommit):
        editions._extract(repository, commit, tmp_path / "src")
    assert (tmp_path / "outside.txt").read_text() == "keep\n"
    assert editions.resolve(repository, editions.Release("1.0.0", "2026-01-01", commit)) is None
    with pytest.raises(editions.EditionError):
        editions.build(repository, editions.Release("1.0.0", "2026-01-01", None), commit, URL)
    assert (tmp_path / "outside.txt").read_text() == "keep\n"


@pytest.mark.parametrize(
    "releases, message",
    [
        ("  - version: 1.0/0\n    date: '2026-01-01'\n    changes: x\n", "is not a version"),
        ("  - [1.0.0, '2026-01-01']\n", "releases[0]"),
        ("  - date: '2026-01-01'\n    changes: x\n", "version"),
        (
            "  - version: 1.0.0\n    date: '2026-01-01'\n    changes: x\n    commit: --output=../outside.txt\n",
            "is not a full git commit id",
        ),
    ],
    ids=["slash", "list", "no version", "option as commit"],
)
def test_a_changelog_git_could_misread_is_refused_before_any_git_command(review_dir, releases, message, monkeypatch, capsys):
    folder = review_dir.parent
    (review_dir / "changelog.yaml").write_text("releases:\n" + releases)
    (folder.parent / "outside.txt").write_text("keep\n")
    spy = folder / "bin"
    spy.mkdir()
    (spy / "git").write_text(f'#!/bin/sh\necho "$@" >> {folder / "git-calls"}\nexit 1\n')
    (spy / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{spy}:{os.environ['PATH']}")
    monkeypatch.chdir(folder)
    assert cli.main(["editions"]) == 1
    assert cli.main(["editions", "--for-site"]) == 1
    err = capsys.readouterr().err
    assert "content/changelog.yaml:" in err and message in err
    assert not (folder / "git-calls").exists()
    assert (folder.parent / "outside.txt").read_text() == "keep\n"


def test_releases_of_refuses_what_the_schema_might_let_through():
    with pytest.raises(editions.ChangelogError, match="not a version"):
        editions.releases_of([{"version": "1.0.0\n", "date": "2026-01-01"}])
    with pytest.raises(editions.ChangelogError, match="commit"):
        editions.releases_of([{"version": "1.0.0", "commit": "a" * 40 + "\n"}])


# ------------------------------------------------------------------------------------------------ make release


def test_a_release_is_recorded_then_its_commit(review_dir, tmp_path, capsys):
    cff = review_dir.parent / "CITATION.cff"
    cff.write_text('cff-version: 1.2.0\ntitle: "x"\nversion: 1.2.3\ndate-released: "2026-01-02"\n')
    assert release.new(review_dir, "1.3.0", "Reworded a finding.", "2026-02-01") == 0
    assert check(review_dir).site.data["version"] == "1.3.0"
    assert cff.read_text() == 'cff-version: 1.2.0\ntitle: "x"\nversion: 1.3.0\ndate-released: "2026-02-01"\n'
    log = (review_dir / "changelog.yaml").read_text()
    assert log.startswith('releases:\n  - version: 1.3.0\n    date: "2026-02-01"\n    changes: >-\n      Reworded a finding.\n')
    before = {p.name: p.read_text() for p in review_dir.glob("*.yaml")}
    assert release.new(review_dir, "1.2.9", "Older.", "2026-03-01") == 1  # not after the newest
    assert release.new(review_dir, "1.4.0", "", "2026-03-01") == 1  # no words for readers
    assert release.new(review_dir, "1.4/0", "x", "2026-03-01") == 1
    assert {p.name: p.read_text() for p in review_dir.glob("*.yaml")} == before
    root = review_dir.parent
    assert release.record_commit(root, review_dir) == 1  # not a git repository yet
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "release 1.3.0")
    assert release.record_commit(root, review_dir) == 0
    head = git(root, "rev-parse", "HEAD").strip()
    assert check(review_dir).changelog.data["releases"][0]["commit"] == head
    assert release.record_commit(root, review_dir) == 1  # recorded already
