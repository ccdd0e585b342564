"""The real content: valid, complete where the site promises it, and shown the way the about page says."""

import pytest
import yaml
from conftest import ROOT
from review.model.load import load
from review.model.validate import validate
from review.outputs.index import findings_of

REVIEW = load(ROOT / "content")


def test_content_is_valid():
    assert [str(p) for p in validate(REVIEW)] == []


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
def test_collection_sizes(collection, minimum):
    assert len(REVIEW.entities[collection]) >= minimum


@pytest.mark.parametrize("mechanism", sorted(REVIEW.entities["mechanisms"]))
def test_each_mechanism_has_open_questions_and_more_than_one_kind_of_evidence(mechanism):
    findings = REVIEW.entities["mechanisms"][mechanism].data["findings"]
    assert len({f["evidence"] for f in findings}) >= 2
    assert any(mechanism in q.data.get("mechanisms", []) for q in REVIEW.entities["questions"].values())


@pytest.mark.parametrize("study", sorted(REVIEW.entities["studies"]))
def test_every_study_says_how_it_comes_into_the_review(real_outputs, study):
    # The about page promises that a study page says when it is not certain that the chapter cites the work.
    data = REVIEW.entities["studies"][study].data
    assert data["attribution"] in ("chapter", "inferred", "since-chapter")
    assert "In the review</th><td>" in real_outputs[f"studies/{study}.md"]


def test_the_home_and_about_pages_say_no_medical_advice(real_outputs):
    for path in ("index.md", "about.md"):
        assert "Information, not medical advice" in real_outputs[path]
        assert "gives no medical advice" in real_outputs[path]


def test_nav_lists_every_mechanism_and_topic():
    nav = yaml.safe_load((ROOT / "mkdocs.yml").read_text())["nav"]
    flat = str(nav)
    for name in ("mechanisms", "topics"):
        for eid in REVIEW.entities[name]:
            assert f"{name}/{eid}.md" in flat


def test_every_finding_cites_a_study_and_has_an_evidence_level():
    for entities in REVIEW.entities.values():
        for entity in entities.values():
            for _, finding in findings_of(entity.collection, entity.data):
                assert finding["studies"] and finding["evidence"]
