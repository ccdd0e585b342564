"""The certainty rules (certainty.py) on small made-up bodies of evidence: each starting level, each downgrade
with its reason, the floor, the override, gaps, and GRADE's wording."""

import pytest
from review.model import evidence
from review.model.evidence import DESIGNS, EVIDENCE_LEVELS
from review.synthesis import certainty


def study(design="randomised-controlled", evidence="patients-sud", blinding="double-blind", n=200, **extra):
    """A study's content, with only what the rules read."""
    return {
        "evidence": evidence,
        "characteristics": {"design": design, "blinding": blinding, "enrolled": n, "randomised": None, "analysed": None} | extra,
    }


def finding(*studies, caveat=False):
    return {"id": "f-" + "-".join(studies), "studies": list(studies)} | ({"role": "caveat"} if caveat else {})


def rate(studies, *findings, override=None):
    return certainty.rate(findings, studies, override)


def domains(rating):
    return [(r.domain, r.change) for r in rating.downgrades]


@pytest.mark.parametrize(
    "body, level, downgrades",
    [
        ({"a": study()}, "high", []),
        ({"a": study(blinding="open-label")}, "moderate", [("Risk of bias", -1)]),
        ({"a": study(blinding=None)}, "moderate", [("Risk of bias", -1)]),
        ({"a": study(design="cross-over", evidence="healthy-volunteers")}, "moderate", [("Indirectness", -1)]),
        ({"a": study(evidence="patients-other")}, "moderate", [("Indirectness", -1)]),
        ({"a": study(design="animal-experiment", evidence="animal", blinding=None, n=None)}, "low", [("Indirectness", -2)]),
        ({"a": study(design="in-vitro", evidence="in-vitro", blinding=None, n=None)}, "low", [("Indirectness", -2)]),
        ({"a": study(n=60)}, "moderate", [("Imprecision", -1)]),
        ({"a": study(n=20)}, "low", [("Imprecision", -2)]),
        ({"a": study(n=None)}, "moderate", [("Imprecision", -1)]),
        ({"a": study(design="single-group-open-label", blinding="open-label")}, "very-low", [("Risk of bias", -1)]),
        ({"a": study(design="cohort-observational", blinding=None)}, "low", []),
        ({"a": study(design=None, blinding=None)}, "low", []),
        (  # floor: every domain at once still ends at very low
            {"a": study(design="single-group-open-label", evidence="healthy-volunteers", n=10)},
            "very-low",
            [("Risk of bias", -1), ("Indirectness", -1), ("Imprecision", -2)],
        ),
    ],
    ids=[
        "blinded RCT in patients",
        "open label",
        "blinding not reported",
        "healthy volunteers",
        "other patients",
        "animals",
        "cells",
        "under 100 people",
        "under 30 people",
        "number not reported",
        "no control group",
        "observational starts low",
        "design not reported starts low",
        "floor",
    ],
)
def test_one_study(body, level, downgrades):
    rating = rate(body, finding("a"))
    assert (rating.level, domains(rating)) == (level, downgrades)
    assert all(r.text for r in rating.reasons)


def test_a_caveat_in_the_row_is_inconsistency():
    body = {"a": study(), "b": study()}
    assert rate(body, finding("a"), finding("b")).level == "high"
    rating = rate(body, finding("a"), finding("b", caveat=True))
    assert (rating.level, domains(rating)) == ("moderate", [("Inconsistency", -1)])
    assert rating.downgrades[0].findings == ("f-b",)  # the pages show its number, the data its id


def test_the_rating_rests_on_the_most_direct_and_rigorous_studies():
    body = {"rct": study(), "pilot": study(design="single-group-open-label", n=10), "mice": study("animal-experiment", "animal")}
    rating = rate(body, finding("rct", "pilot", "mice"))
    assert rating.rests_on == ("rct",) and rating.level == "high"
    assert rating.studies == ("mice", "pilot", "rct")


def test_participants_are_added_up_for_the_body_it_rests_on():
    body = {"a": study(n=60), "b": study(n=50)}
    assert rate(body, finding("a"), finding("b")).level == "high"  # 110 together: not imprecise
    assert rate(body, finding("a")).level == "moderate"


def test_people_and_animals_are_not_added_up():
    body = {"p": study(n=40), "m": study("animal-experiment", "animal", n=300)}
    rating = rate(body, finding("p", "m"))
    assert (rating.people, rating.participants) == (1, 40)


def test_analysed_counts_before_randomised_before_enrolled():
    body = {"a": study(n=500, randomised=120, analysed=90)}
    assert rate(body, finding("a")).participants == 90


def test_reviews_and_the_chapter_are_not_rated():
    body = {"review": study(design="narrative-review"), "sr": study(design="systematic-review-meta-analysis")}
    rating = rate(body, finding("review", "sr"))
    assert rating.level is None and rating.reviews == ("review", "sr") and rating.label == "Not rated"


def test_an_override_is_shown_with_the_computed_level():
    override = {"level": "low", "justification": "The trials measured different outcomes."}
    rating = rate({"a": study()}, finding("a"), override=override)
    assert (rating.level, rating.computed, rating.override) == ("low", "high", override)


@pytest.mark.parametrize(
    "level, sentence",
    [
        ("high", "Psilocybin reduces drinking."),
        ("moderate", "Psilocybin probably reduces drinking."),
        ("low", "Psilocybin may reduce drinking."),
        ("very-low", "The evidence is very uncertain about whether psilocybin reduces drinking."),
        (None, "No primary studies yet: Does it?"),
    ],
)
def test_grade_wording(level, sentence):
    outcome = {"subject": "Psilocybin", "claim": "reduces drinking", "claim_base": "reduce drinking", "question": "Does it?"}
    assert certainty.statement(outcome, level) == sentence


def test_an_abbreviation_keeps_its_capitals_in_the_very_uncertain_wording():
    outcome = {"subject": "LSD", "claim": "reduces drinking", "question": "?"}
    assert certainty.statement(outcome, "very-low").endswith("whether LSD reduces drinking.")


def test_the_method_page_states_every_domain_the_rules_use():
    stated = {domain for domain, _ in certainty.RULES}
    used = {"Starting level", "Risk of bias", "Indirectness", "Imprecision", "Inconsistency"}
    assert used <= stated


def test_a_plural_subject_needs_no_base_form():
    outcome = {"subject": "Classic psychedelics", "claim": "increase growth", "question": "?"}
    assert certainty.statement(outcome, "low") == "Classic psychedelics may increase growth."


PAIRS = [(level, design) for level in EVIDENCE_LEVELS for design in [*DESIGNS, None]]


@pytest.mark.parametrize("level, design", PAIRS, ids=[f"{lv}-{d}" for lv, d in PAIRS])
def test_every_study_the_check_admits_can_be_rated(level, design):
    """Content that passes the check builds: the rules rate a study of any level and design the check lets
    through (model/evidence.py), and the check refuses every other pair with a message."""
    refused = evidence.problem(level, design)
    if refused is None:
        rating = rate({"a": study(design=design, evidence=level)}, finding("a"))
        assert (rating.level is None) == (design in DESIGNS and DESIGNS[design].kind == "review")
    else:
        assert refused.startswith(f"`{level}` is not a level of evidence for ")
