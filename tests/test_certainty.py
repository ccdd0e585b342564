"""The certainty rules (certainty.py) on a panel of worked cases, each with the level a methodologist would give it.

How the panel was chosen: one case per GRADE domain and per way of rating down (the handbook's starting levels,
risk of bias at each RoB 2 level, population, intervention and outcome indirectness, imprecision below and above
the optimal information size, inconsistency from the results), the cases GRADE's preclinical guidance (Hooijmans
et al., 2018) singles out (animal evidence for a question about animals, and for one about people), and the
review's own bodies of evidence that issue 23 found misrated (a single rat or MDMA mouse study rated above very
low, three reports of the same 15 smokers counted as 45 people, a caveat counted as inconsistency, the tobacco,
heavy-drinking and relapse-prevention trials). The expected level of each case was written down before the rules
were run on it.
"""

import pytest
from review.model import evidence
from review.model.evidence import DESIGNS, EVIDENCE_LEVELS
from review.model.outcomes import OUTCOMES
from review.synthesis import certainty
from review.synthesis.certainty import Result
from review.synthesis.pooling import Estimate, Pooled

SUBSTANCES = {
    "psilocybin": {"name": "Psilocybin", "class": "classic-psychedelic"},
    "mdma": {"name": "MDMA", "class": "entactogen"},
}
DOMAINS = [
    "randomisation-process",
    "deviations-from-interventions",
    "missing-outcome-data",
    "measurement-of-outcome",
    "selection-of-reported-result",
]


def rob(overall, high=0, tool="rob2"):
    """A RoB 2 record with `high` domains judged high and the rest as the overall judgement (or low)."""
    judged = ["high"] * high + [overall if overall != "high" else "some-concerns"] * (5 - high)
    return {
        "tool": tool,
        "overall": overall,
        "domains": [{"domain": d, "judgement": j} for d, j in zip(DOMAINS, judged, strict=True)],
    }


def study(design="randomised-controlled", evidence="patients-sud", n=200, bias="low", high=0, **extra):
    """A study's content, with only what the rules read (`bias=None`: not assessed with a tool)."""
    record = {
        "evidence": evidence,
        "substances": extra.pop("substances", ["psilocybin"]),
        "characteristics": {"design": design, "enrolled": n, "randomised": None, "analysed": None},
    }
    if bias is not None and design in ("randomised-controlled", "cross-over"):
        record["risk_of_bias"] = rob(bias, high, "rob2" if design == "randomised-controlled" else "rob2-crossover")
    elif bias == "low" and design == "animal-experiment":
        record["risk_of_bias"] = {"tool": "syrcle", "overall": "low", "domains": []}
    return record | extra


def finding(*studies, direction=None, evidence="patients-sud"):
    f = {"id": "f-" + "-".join(studies), "studies": list(studies), "evidence": evidence}
    return f | ({"direction": direction} if direction else {})


def rate(studies, *findings, override=None, outcome=None):
    return certainty.rate(findings, studies, override, SUBSTANCES, outcome)


def domains(rating):
    return [(r.domain, r.change) for r in rating.downgrades]


ANIMAL = {"design": "animal-experiment", "evidence": "animal"}
VOLUNTEERS = {"design": "cross-over", "evidence": "healthy-volunteers"}
PILOT = {"design": "single-group-open-label", "bias": None}

# (case, studies, findings, outcome, expected level, expected downgrades)
PANEL = [
    (
        "large blinded RCT in patients, low risk of bias: GRADE's high",
        {"a": study(n=500)},
        [finding("a")],
        None,
        "high",
        [],
    ),
    (
        "the same trial with some concerns: down one for risk of bias",
        {"a": study(n=500, bias="some-concerns")},
        [finding("a")],
        None,
        "moderate",
        [("Risk of bias", -1)],
    ),
    (
        "high risk in two domains: very serious, down two",
        {"a": study(n=500, bias="high", high=2)},
        [finding("a")],
        None,
        "low",
        [("Risk of bias", -2)],
    ),
    (
        "high overall from several concerns, no single high domain: serious, down one",
        {"a": study(n=500, bias="high", high=0)},
        [finding("a")],
        None,
        "moderate",
        [("Risk of bias", -1)],
    ),
    (
        "one trial of 93 with some concerns (a mechanism's question): far below the information size",
        {"a": study(n=93, bias="some-concerns")},
        [finding("a")],
        None,
        "very-low",
        [("Risk of bias", -1), ("Imprecision", -2)],
    ),
    (
        "two trials, 450 people together: precise enough",
        {"a": study(n=250), "b": study(n=200)},
        [finding("a"), finding("b")],
        None,
        "high",
        [],
    ),
    (
        "uncontrolled pilot of 15 smokers: low start, no control group",
        {"a": study(n=15, **PILOT)},
        [finding("a")],
        None,
        "very-low",
        [("Risk of bias", -1), ("Imprecision", -2)],
    ),
    (
        "healthy-volunteer cross-over of 24 with some concerns",
        {"a": study(n=24, bias="some-concerns", **VOLUNTEERS)},
        [finding("a", evidence="healthy-volunteers")],
        None,
        "very-low",
        [("Risk of bias", -1), ("Indirectness", -1), ("Imprecision", -2)],
    ),
    (
        "three large, well-run healthy-volunteer trials: moderate, for population alone",
        {"a": study(n=150, **VOLUNTEERS), "b": study(n=150, **VOLUNTEERS), "c": study(n=150, **VOLUNTEERS)},
        [finding("a", "b", "c", evidence="healthy-volunteers")],
        None,
        "moderate",
        [("Indirectness", -1)],
    ),
    (
        "one rat experiment for a question about people (the network-connectivity map cell)",
        {"rat": study(n=None, bias=None, **ANIMAL)},
        [finding("rat", evidence="animal")],
        None,
        "very-low",
        [("Risk of bias", -1), ("Indirectness", -2), ("Imprecision", -2)],
    ),
    (
        "one MDMA mouse study (the social-connectedness map cell): MDMA is not a classic psychedelic",
        {"mouse": study(n=None, bias=None, substances=["mdma"], **ANIMAL)},
        [finding("mouse", evidence="animal")],
        None,
        "very-low",
        [("Risk of bias", -1), ("Indirectness", -2), ("Imprecision", -2)],
    ),
    (
        "well-run animal experiments asked about animals (Hooijmans et al.): no species indirectness",
        {"a": study(n=80, **ANIMAL), "b": study(n=80, **ANIMAL)},
        [finding("a", "b", evidence="animal")],
        {"asks_about": "animals"},
        "moderate",
        [("Imprecision", -1)],
    ),
    (
        "a flawless animal body asked about people stays very low",
        {"a": study(n=900, **ANIMAL)},
        [finding("a", evidence="animal")],
        None,
        "very-low",
        [("Indirectness", -2)],
    ),
    (
        "a trial that found no difference beside one that found a benefit: inconsistency",
        {"a": study(n=300), "b": study(n=300)},
        [finding("a"), finding("b", direction="no-difference")],
        None,
        "moderate",
        [("Inconsistency", -1)],
    ),
    (
        "a limit of the evidence is not a result and lowers nothing (the old caveat rule did)",
        {"a": study(n=500)},
        [finding("a"), finding("a", direction="limitation")],
        None,
        "high",
        [],
    ),
    (
        "a brain measure standing in for what the question asks: outcome indirectness",
        {"a": study(n=500)},
        [finding("a")],
        {"surrogate": True},
        "moderate",
        [("Indirectness", -1)],
    ),
]


@pytest.mark.parametrize("case, studies, findings, outcome, level, downgrades", PANEL, ids=[c[0] for c in PANEL])
def test_worked_cases(case, studies, findings, outcome, level, downgrades):
    rating = rate(studies, *findings, outcome=outcome)
    assert (rating.level, domains(rating)) == (level, downgrades)
    assert all(r.text for r in rating.reasons)


def test_animals_never_outrank_trials_in_patients_on_the_same_question():
    body = {
        "rct": study(n=40, bias="some-concerns"),
        "rats": study(n=900, **ANIMAL),
        "mice": study(n=900, **ANIMAL),
    }
    rating = rate(body, finding("rct", "rats", "mice"))
    assert rating.rests_on == ("rct",) and rating.level == "very-low"
    assert (rating.people, rating.participants) == (1, 40)


def test_each_sample_is_counted_once():
    """The experience-and-outcome row: three reports of the same 15 smokers and the 10 of the alcohol pilot."""
    body = {
        "johnson2014": study(n=15, **PILOT),
        "garciaromeu2014": study(n=15, same_participants_as=["johnson2014"], **PILOT),
        "johnson2017": study(n=15, same_participants_as=["johnson2014"], **PILOT),
        "bogenschutz2015": study(n=10, **PILOT),
    }
    rating = rate(body, finding(*body))
    assert (rating.people, rating.samples, rating.participants) == (4, 2, 25)


def test_subsets_of_a_trial_not_in_the_row_count_as_the_largest_subset():
    body = {
        "trial": study(n=95),
        "imaging": study(n=11, same_participants_as=["trial"]),
        "interviews": study(n=13, design="qualitative", same_participants_as=["trial"]),
    }
    assert certainty.distinct(["imaging", "interviews"], body)[:2] == (13, 1)
    assert certainty.distinct(["trial", "imaging"], body)[:2] == (95, 1)


def test_an_override_is_shown_with_the_computed_level():
    override = {"level": "low", "justification": "The trials measured different outcomes."}
    rating = rate({"a": study(n=500)}, finding("a"), override=override)
    assert (rating.level, rating.computed, rating.override) == ("low", "high", override)


def test_reviews_and_the_chapter_are_not_rated():
    body = {"review": study(design="narrative-review"), "sr": study(design="systematic-review-meta-analysis")}
    rating = rate(body, finding("review", "sr", evidence="review"))
    assert rating.level is None and rating.reviews == ("review", "sr") and rating.label == "Not rated"


# ------------------------------------------------------------------------------------------- clinical outcomes


def result(sid, measure, value, low, high, favours="higher", events=None):
    effect = {"favours": favours, "arms": [{"events": e} for e in events] if events else []}
    return Result(sid, effect, Estimate(measure, 0.0, 1.0, value, low, high, 95))


CLINICAL = [
    (
        "the tobacco trial: OR 6.1 (2.0 to 23.3), 21 events, open label, high overall",
        {"t": study(n=82, bias="high")},
        [result("t", "odds-ratio", 6.1, 2.0, 23.3, events=[17, 4])],
        "tobacco-abstinence",
        None,
        "low",
        [("Risk of bias", -1), ("Imprecision", -1)],
        "Psilocybin-assisted therapy may increase abstinence from smoking.",
    ),
    (
        "the heavy-drinking trial: MD 13.9 (3.0 to 24.7), 93 people, some concerns",
        {"t": study(n=93, bias="some-concerns")},
        [result("t", "mean-difference", 13.9, 3.0, 24.7)],
        "heavy-drinking-days",
        None,
        "low",
        [("Risk of bias", -1), ("Imprecision", -1)],
        "Psilocybin-assisted therapy may reduce heavy drinking days.",
    ),
    (
        "the relapse-prevention trial: d 0.151, interval across no effect, 37 people",
        {"t": study(n=37, bias="some-concerns")},
        [result("t", "standardised-mean-difference", 0.151, -0.49, 0.80)],
        "abstinent-days",
        None,
        "very-low",
        [("Risk of bias", -1), ("Imprecision", -2)],
        "The evidence is very uncertain about the effect of psilocybin-assisted therapy on the number of days without alcohol.",
    ),
    (
        "three large low-risk trials with a precise pooled benefit",
        {"a": study(n=300), "b": study(n=300), "c": study(n=300)},
        [result(s, "mean-difference", 5.0, 2.0, 8.0) for s in "abc"],
        "abstinent-days",
        Pooled("mean-difference", 5.0, 3.0, 7.0, 10.0, 0.1, 2.2, 3),
        "high",
        [],
        "Psilocybin-assisted therapy increases the number of days without alcohol.",
    ),
    (
        "pooled trials with I² of 70%: inconsistency",
        {"a": study(n=300), "b": study(n=300)},
        [result(s, "mean-difference", 5.0, 2.0, 8.0) for s in "ab"],
        "abstinent-days",
        Pooled("mean-difference", 5.0, 3.0, 7.0, 70.0, 4.0, 3.3, 2),
        "moderate",
        [("Inconsistency", -1)],
        "Psilocybin-assisted therapy probably increases the number of days without alcohol.",
    ),
    (
        "a precise null result: little to no difference",
        {"a": study(n=300), "b": study(n=300)},
        [result(s, "mean-difference", 0.1, -0.5, 0.7) for s in "ab"],
        "abstinent-days",
        Pooled("mean-difference", 0.1, -0.3, 0.5, 0.0, 0.0, 0.5, 2),
        "moderate",
        [("Imprecision", -1)],
        "Psilocybin-assisted therapy probably results in little to no difference in the number of days without alcohol.",
    ),
]


@pytest.mark.parametrize(
    "case, studies, results, outcome, pooled, level, downgrades, sentence", CLINICAL, ids=[c[0] for c in CLINICAL]
)
def test_clinical_outcomes(case, studies, results, outcome, pooled, level, downgrades, sentence):
    rating = certainty.rate_outcome(results, studies, OUTCOMES[outcome], pooled, SUBSTANCES)
    assert (rating.level, domains(rating)) == (level, downgrades)
    ref = pooled or certainty.reference(results, studies).estimate
    favours = results[0].effect["favours"]
    effect = "none" if not ref.excludes_null else ("benefit" if (ref.low > 0 or ref.low > 1) == (favours == "higher") else "harm")
    assert certainty.outcome_statement(rating.level, "Psilocybin-assisted therapy", OUTCOMES[outcome], effect) == sentence


def test_an_outcome_reported_without_numbers_is_not_rated():
    rating = certainty.rate_outcome([Result("t", {"favours": "lower"}, None)], {"t": study()}, OUTCOMES["craving"], None)
    assert rating.level is None and rating.reasons[0].domain == "Not estimable"


# ------------------------------------------------------------------------------------------- wording


@pytest.mark.parametrize(
    "level, direction, sentence",
    [
        ("high", "supports", "Psilocybin reduces drinking."),
        ("moderate", "supports", "Psilocybin probably reduces drinking."),
        ("low", "supports", "Psilocybin may reduce drinking."),
        ("very-low", "supports", "The evidence is very uncertain about whether psilocybin reduces drinking."),
        ("low", "no-difference", "Psilocybin may not reduce drinking."),
        ("moderate", "no-difference", "Psilocybin probably does not reduce drinking."),
        ("very-low", "no-difference", "The evidence is very uncertain about whether psilocybin reduces drinking."),
        (None, "supports", "No primary studies yet: Does it?"),
    ],
)
def test_grade_wording(level, direction, sentence):
    outcome = {"subject": "Psilocybin", "claim": "reduces drinking", "claim_base": "reduce drinking", "question": "Does it?"}
    assert certainty.statement(outcome, level, direction) == sentence


def test_an_abbreviation_keeps_its_capitals_in_the_very_uncertain_wording():
    outcome = {"subject": "LSD", "claim": "reduces drinking", "question": "?"}
    assert certainty.statement(outcome, "very-low").endswith("whether LSD reduces drinking.")


def test_a_plural_subject_needs_no_base_form():
    outcome = {"subject": "Classic psychedelics", "claim": "increase growth", "question": "?"}
    assert certainty.statement(outcome, "low") == "Classic psychedelics may increase growth."
    assert certainty.statement(outcome, "moderate", "no-difference") == "Classic psychedelics probably do not increase growth."


def test_the_method_page_states_every_domain_the_rules_use():
    stated = {domain for domain, _ in certainty.RULES}
    used = {"Starting level", "Risk of bias", "Indirectness", "Imprecision", "Inconsistency", "Animal evidence"}
    assert used <= stated and certainty.DEPARTURES and certainty.FRAMEWORKS


PAIRS = [(level, design) for level in EVIDENCE_LEVELS for design in [*DESIGNS, None]]


@pytest.mark.parametrize("level, design", PAIRS, ids=[f"{lv}-{d}" for lv, d in PAIRS])
def test_every_study_the_check_admits_can_be_rated(level, design):
    """Content that passes the check builds: the rules rate a study of any level and design the check lets
    through (model/evidence.py), and the check refuses every other pair with a message."""
    refused = evidence.problem(level, design)
    if refused is None:
        rating = rate({"a": study(design=design, evidence=level, bias=None)}, finding("a", evidence=level))
        assert (rating.level is None) == (design in DESIGNS and DESIGNS[design].kind == "review")
    else:
        assert refused.startswith(f"`{level}` is not a level of evidence for ")
