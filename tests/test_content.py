"""Guards on the real review content: completeness, cross-links both ways, and the sources' rules."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from review.load import load
from review.validate import findings_of, validate

CONTENT = ROOT / "content"
REVIEW = load(CONTENT)
FINDINGS = [f for entities in REVIEW.entities.values() for e in entities.values() for _, f in findings_of(e)]
CHECKER = ROOT.parent / "shared" / "tools" / "content_check.py"


def test_content_is_valid():
    assert [str(p) for p in validate(REVIEW)] == []


@pytest.mark.parametrize("collection, minimum", [("mechanisms", 6), ("studies", 35), ("questions", 12), ("glossary", 30),
                                                 ("trials", 5), ("substances", 6), ("therapies", 4), ("topics", 3)])
def test_collection_sizes(collection, minimum):
    assert len(REVIEW.entities[collection]) >= minimum


def test_every_study_is_cited_by_a_finding_and_every_finding_cites_a_study():
    cited = {s for f in FINDINGS for s in f["studies"]}
    assert set(REVIEW.entities["studies"]) - cited == set()
    assert [f["id"] for f in FINDINGS if not f["studies"]] == []


@pytest.mark.parametrize("mechanism", sorted(REVIEW.entities["mechanisms"]))
def test_mechanism_has_open_questions_and_evidence_groups(mechanism):
    questions = [q for q in REVIEW.entities["questions"].values() if mechanism in q.data.get("mechanisms", [])]
    assert questions, f"no open question concerns {mechanism}"
    levels = {f["evidence"] for f in REVIEW.entities["mechanisms"][mechanism].data["findings"]}
    assert levels & {"in-vitro", "animal", "healthy-volunteers", "patients-sud", "patients-other"}


@pytest.mark.parametrize("question", sorted(REVIEW.entities["questions"]))
def test_question_links_to_findings(question):
    assert REVIEW.entities["questions"][question].data.get("findings"), f"{question} names no finding"


def test_home_page_says_no_medical_advice():
    assert "no medical advice" in (CONTENT / "pages" / "index.md").read_text().lower()


def test_nav_lists_every_mechanism_and_topic():
    nav = (ROOT / "mkdocs.yml").read_text()
    for collection in ("mechanisms", "topics"):
        for entity_id in REVIEW.entities[collection]:
            assert f"{collection}/{entity_id}.md" in nav


def test_content_check_is_silent():
    if not CHECKER.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHECKER} is missing")
        pytest.skip("the shared content checker is not beside the project")
    result = subprocess.run([sys.executable, str(CHECKER), "content"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_every_work_in_a_reference_list_is_its_own_list_item():
    # A block tag at the end of the macro's line once ate the newline, running the items together in one paragraph.
    from review.build import build
    from review.render import Site

    pages = build(ROOT / "content", ROOT / "templates" / "pages")
    joined = {path: text.count(">- [") for path, text in pages.items() if path.endswith(".md") and ">- [" in text}
    assert joined == {}
    site = Site(load(ROOT / "content"))
    cited = site.cited_in(site.data["mechanisms"]["neuroplasticity"])
    references = pages["mechanisms/neuroplasticity.md"].split("## References", 1)[1]
    assert [line.split("](")[1].split(")")[0] for line in references.splitlines() if line.startswith("- [")] == \
        [f"../studies/{sid}.md" for sid in cited]


def test_course_pack_links_every_mechanism_page():
    from review.build import build

    pages = build(ROOT / "content", ROOT / "templates" / "pages")
    for mid in load(ROOT / "content").entities["mechanisms"]:
        assert f"](../mechanisms/{mid}.md)" in pages["print/mechanisms.md"]
