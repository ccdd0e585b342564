"""The whole build: the real content with --strict, and `make site` leaving the last good site in place."""

from pathlib import Path

import pytest

from conftest import ROOT, copy_project, make

MECHANISMS = ["neuroplasticity", "network-connectivity", "emotion-processing", "reward-and-stress",
              "social-connectedness", "subjective-experience"]


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_each_mechanism_has_a_page(built_site, mechanism):
    html = (built_site / "mechanisms" / mechanism / "index.html").read_text()
    assert 'class="finding' in html


def test_open_questions_index(built_site):
    html = (built_site / "questions" / "index.html").read_text()
    assert '<h1 id="open-questions">Open questions' in html


def test_every_study_page_links_back_to_finding_anchors(built_site):
    for study in (ROOT / "content" / "studies").glob("*.yaml"):
        html = (built_site / "studies" / study.stem / "index.html").read_text()
        assert "Cited in this review" in html
        assert '/#' in html.split("Cited in this review", 1)[1], study.stem


def test_nothing_is_written_into_the_docs_folder():
    generated = {p.relative_to(ROOT / "content" / "pages").as_posix() for p in (ROOT / "content" / "pages").rglob("*")}
    assert generated == {"index.md", "about.md", "method.md", "contribute.md"}


@pytest.fixture
def project_copy(tmp_path):
    """A copy of the project that shares the installed .venv."""
    return copy_project(tmp_path)


def make_site(folder):
    """Run `make site` in folder."""
    return make(folder, "site")


def snapshot(folder):
    """{relative path: bytes} of every file under folder."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def test_failed_build_leaves_previous_site_untouched(project_copy):
    assert make_site(project_copy).returncode == 0
    before = snapshot(project_copy / "site")
    study = project_copy / "content" / "studies" / "shao2021.yaml"
    study.write_text(study.read_text().replace("year: 2021", "year: twenty-one"))
    result = make_site(project_copy)
    assert result.returncode != 0
    assert "content/studies/shao2021.yaml:12: year: expected a whole number, got string `twenty-one`" in result.stderr
    assert snapshot(project_copy / "site") == before
    assert not (project_copy / "site.tmp").exists()


def test_no_page_is_over_200_kb(built_site):
    heavy = {p.relative_to(built_site).as_posix(): p.stat().st_size for p in built_site.rglob("*.html") if p.stat().st_size > 200_000}
    assert heavy == {}
