"""The real content: valid, complete where the site promises it, and shown the way the about page says."""

import re

import pathspec
import pytest
from conftest import ROOT
from review.commands.build import problems
from review.model.load import load
from review.model.walk import findings_of
from review.outputs import pages


def ids(collection: str) -> list[str]:
    """The ids of a collection, from its file names (parametrising reads no content)."""
    return sorted(path.stem for path in (ROOT / "content" / collection).glob("*.yaml"))


@pytest.fixture(scope="module")
def review():
    """The real content, read once for this module."""
    return load(ROOT / "content")


def test_content_is_valid(review):
    assert [str(p) for p in problems(review)] == []


@pytest.mark.parametrize(
    "collection, minimum",
    [
        ("mechanisms", 6),
        ("studies", 35),
        ("questions", 12),
        ("glossary", 30),
        ("topics", 3),
        ("trials", 5),
        ("substances", 5),
        ("therapies", 4),
    ],
)
def test_collection_sizes(review, collection, minimum):
    assert len(review.entities[collection]) >= minimum


@pytest.mark.parametrize("mechanism", ids("mechanisms"))
def test_each_mechanism_has_open_questions_and_more_than_one_kind_of_evidence(review, mechanism):
    findings = review.entities["mechanisms"][mechanism].data["findings"]
    assert len({f["evidence"] for f in findings}) >= 2
    assert any(mechanism in q.data.get("mechanisms", []) for q in review.entities["questions"].values())


@pytest.mark.parametrize("study", ids("studies"))
def test_every_study_says_how_it_comes_into_the_review(review, real_outputs, study):
    # The about page promises that a study page says when it is not certain that the chapter cites the work.
    data = review.entities["studies"][study].data
    assert data["attribution"] in ("chapter", "inferred", "since-chapter")
    assert "In the review</th><td>" in real_outputs[f"studies/{study}.md"]


def test_the_home_and_about_pages_say_no_medical_advice(real_outputs):
    for path in ("index.md", "about.md"):
        assert "Information, not medical advice" in real_outputs[path]
        assert "gives no medical advice" in real_outputs[path]


def test_the_navigation_has_every_page_or_leaves_it_to_its_list(real_renderer):
    """The navigation is made from the page declaration: each page is in it once, or is of a kind whose folder
    `not_in_nav` names (reached from its list: studies, trials ...)."""
    listed = re.findall(r"'([^']+\.md)'", str(pages.navigation(real_renderer.pages)))
    assert len(listed) == len(set(listed))
    spec = pathspec.GitIgnoreSpec.from_lines(pages.not_in_nav())
    unlisted = {p.path for p in real_renderer.pages} - set(listed)
    assert unlisted and all(spec.match_file(path) for path in unlisted)
    assert set(listed) <= {p.path for p in real_renderer.pages}


def test_every_finding_cites_a_study_and_has_an_evidence_level(review):
    for entities in review.entities.values():
        for entity in entities.values():
            for _, finding in findings_of(entity.collection, entity.data):
                assert finding["studies"] and finding["evidence"]
