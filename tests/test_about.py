"""Who stands behind the review: the About page names the editors as a group, says how to report an error (the
repository's issues, set once in content/site.yaml), states funding and conflicts of interest and points to the
dated protocol; the repository's address reaches MkDocs' repo_url and each page's edit link; CITATION.cff agrees
with content/site.yaml."""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import FIXTURE, ROOT, TEMPLATES, copy_project, make
from review.commands.build import build

REPOSITORY = "https://github.com/owner/sud-psychedelics-review"


def about(content):
    return build(content, TEMPLATES)["about.md"]


@pytest.fixture
def with_about(review_dir):
    (review_dir / "pages" / "about.md").write_text((ROOT / "content" / "pages" / "about.md").read_text())
    return review_dir


def set_repository(content, value):
    path = content / "site.yaml"
    path.write_text(path.read_text() + f"repository: {value}\n")


def test_without_a_repository_the_about_page_says_no_address_is_published(with_about):
    page = about(with_about)
    assert "No public address for reports has been published yet" in page
    assert "/issues" not in page


def test_with_a_repository_the_about_page_links_its_issues(with_about):
    set_repository(with_about, REPOSITORY)
    page = about(with_about)
    assert f'<a href="{REPOSITORY}/issues">' in page
    assert "No public address" not in page


def test_the_real_about_page_states_editors_funding_conflicts_and_protocol(real_outputs):
    page = real_outputs["about.md"]
    for heading in ("Who stands behind it", "Funding and conflicts of interest", "Protocol", "Report an error"):
        assert f"## {heading}" in page
    assert "no funding" in page and "no conflicts of interest" in page
    assert 'href="../method/"' in page


def test_the_method_page_is_dated(real_outputs):
    page = real_outputs["method.md"]
    current_to = yaml.safe_load((ROOT / "content" / "search.yaml").read_text())["current_to"]
    assert f"Evidence current to {current_to}" in page


def test_citation_cff_agrees_with_the_site():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    site = yaml.safe_load((ROOT / "content" / "site.yaml").read_text())
    assert cff["title"].lower() == site["title"].lower()
    assert cff["version"] == site["version"] and cff["date-released"] == site["date"]
    assert cff["url"] == site["url"]
    assert [a["name"] for a in cff["authors"]] == [a["organisation"] for a in site["authors"]]
    assert cff["license"] == site["license"].replace(" ", "-")
    assert cff.get("repository-code") == site.get("repository")


@pytest.mark.slow
def test_the_repository_reaches_the_header_and_each_page_edits_its_own_file(tmp_path):
    project = copy_project(tmp_path, content=FIXTURE)
    set_repository(project / "content", REPOSITORY)
    result = make(project, "site")
    assert result.returncode == 0, result.stderr
    study = (project / "site" / "studies" / "shao2021" / "index.html").read_text()
    assert f'href="{REPOSITORY}"' in study  # Material's repository link in the header
    assert f'href="{REPOSITORY}/edit/main/content/studies/shao2021.yaml"' in study
    listing = (project / "site" / "studies" / "index.html").read_text()
    assert not re.search(r'href="[^"]*/edit/main/', listing)  # made from the whole review: no single file to edit
