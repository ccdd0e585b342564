"""How sure the evidence lets us be: this review's certainty ratings, computed from the content by GRADE's domains.

The rules follow the GRADE handbook (a starting level from the design, then rating down for risk of bias,
indirectness, imprecision and inconsistency, each with its reason) and, for animal evidence, GRADE's guidance for
preclinical evidence (Hooijmans et al., 2018). They are applied mechanically to the review's data, so they are this
review's own operationalisation, not a panel's judgement; where they depart from GRADE, DEPARTURES says so. They
live here and nowhere else: the method page prints RULES and DEPARTURES, and every rating on the site comes from
`rate` (a mechanism's question, an evidence-map cell) or `rate_outcome` (a row of the clinical outcome tables).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..model import bias
from ..model.evidence import EVIDENCE_LEVELS, start_of
from ..model.outcomes import DEFAULT_DIRECTION, DIRECTIONS, MEASURES, ClinicalOutcome
from . import characteristics as ch
from .pooling import Estimate, Pooled

LEVELS = ("very-low", "low", "moderate", "high")  # index = points, 0 to 3
LABELS = {"high": "High", "moderate": "Moderate", "low": "Low", "very-low": "Very low"}
MEANING = {  # GRADE's own explanations of the four levels
    "high": "We are very confident that the true effect lies close to that of the estimate.",
    "moderate": "The true effect is likely to be close to the estimate, but it may be substantially different.",
    "low": "The true effect may be substantially different from the estimate.",
    "very-low": "The true effect is likely to be substantially different from the estimate.",
}
# GRADE's plain-language statements for each level (Santesso et al., 2020), filled with a row's subject and claim.
WORDING = {
    "high": "{Subject} {claim}.",
    "moderate": "{Subject} probably {claim}.",
    "low": "{Subject} may {claim_base}.",
    "very-low": "The evidence is very uncertain about whether {subject} {claim}.",
}
# The same, for a body whose results show no difference (Santesso et al.: "little to no difference").
NO_DIFFERENCE = {
    "high": "{Subject} {does} not {claim_base}.",
    "moderate": "{Subject} probably {does} not {claim_base}.",
    "low": "{Subject} may not {claim_base}.",
}
OIS_CONTINUOUS, OIS_EVENTS = 400, 300  # GRADE's rules of thumb for the optimal information size (Guyatt et al., 2011)
FEW, VERY_FEW = OIS_CONTINUOUS, 100  # participants below which a body without an estimate is imprecise, very imprecise
I2_SERIOUS = 50  # per cent: substantial heterogeneity (Cochrane Handbook's overlapping bands begin at 50)
FRAMEWORKS = [  # the works the rules follow, as the method page cites them
    (
        "Schünemann, H., Brożek, J., Guyatt, G., & Oxman, A. (Eds.). (2013). GRADE handbook for grading quality of "
        "evidence and strength of recommendations (updated October 2013). The GRADE Working Group.",
        "https://gdt.gradepro.org/app/handbook/handbook.html",
    ),
    (
        "Guyatt, G. H., Oxman, A. D., Kunz, R., et al. (2011). GRADE guidelines 6. Rating the quality of "
        "evidence: imprecision. Journal of Clinical Epidemiology, 64(12), 1283–1293.",
        "https://www.jclinepi.com/article/S0895-4356(11)00206-X/fulltext",
    ),
    (
        "Santesso, N., Glenton, C., Dahm, P., et al. (2020). GRADE guidelines 26: informative statements to "
        "communicate the findings of systematic reviews of interventions. Journal of Clinical Epidemiology, 119, 126–135.",
        "https://doi.org/10.1016/j.jclinepi.2019.10.014",
    ),
    (
        "Hooijmans, C. R., de Vries, R. B. M., Ritskes-Hoitinga, M., et al. (2018). Facilitating healthcare "
        "decisions by assessing the certainty in the evidence from preclinical animal studies. PLoS ONE, 13(1), e0187271.",
        "https://doi.org/10.1371/journal.pone.0187271",
    ),
    (
        "Sterne, J. A. C., Savović, J., Page, M. J., et al. (2019). RoB 2: a revised tool for assessing risk of "
        "bias in randomised trials. BMJ, 366, l4898.",
        "https://doi.org/10.1136/bmj.l4898",
    ),
]

RULES = [  # (domain, rule) as the method page states them; `rate` and `rate_outcome` implement exactly these
    (
        "Which studies count",
        "A mechanism's question: the primary studies cited by the findings in its row. A clinical outcome: the "
        "controlled trials of the comparison that report it. Reviews and the chapter's own argument are shown but "
        "not rated; a row with no primary study is a gap. Studies of the same participants count as one sample "
        "(a study's `same_participants_as`): the primary report's number, or the largest subset's where the primary "
        "report is not in the row.",
    ),
    (
        "Starting level",
        "High for randomised controlled trials, placebo-controlled cross-over trials and controlled animal or cell "
        "experiments; low for every other design (non-randomised, observational, single-group, case series, "
        "qualitative) and where the design is not reported.",
    ),
    (
        "Which studies the rating rests on",
        "For a question about people, the studies in people if there are any (animal and cell studies are then "
        "listed but do not set the rating); among those, the studies with the highest level after the starting "
        "level and population indirectness. For a question about animals, the animal and cell studies.",
    ),
    (
        "Risk of bias",
        "Assessed for every design. Each study's overall judgement from its tool (RoB 2, its cross-over variant, "
        "ROBINS-I, SYRCLE's tool); a study without a control group counts as serious, and a study not assessed with a "
        "tool (most animal experiments: SYRCLE's tool not yet applied) as serious too, because its risk cannot be "
        "shown to be low. The body's judgement is the most serious one that holds at least half of its "
        "participants (of its studies, where numbers are missing): low, no change; some concerns, not assessed or no "
        "control group, down one; high, down one, or two when those studies are high in two or more domains; ROBINS-I "
        "critical, down two.",
    ),
    (
        "Indirectness",
        "Population: down one for healthy volunteers or patients with another disorder; down two for animals or "
        "cells when the question is about people (none when it is about animals; one for cells when it is about "
        "animals). Intervention: down one when a study the rating rests on gave no classic psychedelic (MDMA is an "
        "entactogen; tabernanthalog a non-hallucinogenic analogue). Outcome: down one when the row measures a stand-in "
        "for what it asks (a brain or laboratory measure for a clinical effect). At most two levels in all.",
    ),
    (
        "Imprecision",
        f"A clinical outcome with an estimate: down one when the confidence interval (pooled, or of the trial with "
        f"most participants) includes no effect, and one when the optimal information size is not met (fewer than "
        f"{OIS_EVENTS} events for a dichotomous outcome, {OIS_CONTINUOUS} participants for a continuous one); at most "
        f"two. A clinical outcome without any estimate is not rated. A mechanism's question, whose studies report no "
        f"common estimate: down one below {FEW} participants or animals (the rule of thumb for continuous "
        f"outcomes), two below {VERY_FEW} or when the number is not reported, one when only some studies report it. "
        "Animal bodies are assessed like any other.",
    ),
    (
        "Inconsistency",
        f"From the results, never from a label. A pooled estimate: down one when I² is {I2_SERIOUS}% or more. Trials "
        "not pooled: down one when their estimates lie on both sides of no effect and one of them excludes it. A "
        "mechanism's question: down one when the results of the studies it rests on point different ways (a finding "
        "that supports the question beside one that found no difference or points the other way).",
    ),
    (
        "Animal evidence",
        "A body of animal or cell evidence never outranks studies in people on the same question, and an "
        "animal-only rating of a question about people is never above very low.",
    ),
    (
        "Floor and override",
        "No rating goes below very low. An editor may set another level only with a written justification, which is "
        "shown beside the computed rating.",
    ),
]

DEPARTURES = [
    "The ratings are computed from recorded judgements (each study's risk of bias, the findings' direction of "
    "result, the editors' pooling decisions) by fixed rules, not agreed by a panel outcome by outcome; the rules and "
    "their thresholds are this review's operationalisation of GRADE's domains.",
    "Publication bias is not assessed: with at most a few trials per outcome, funnel plots and tests cannot be used.",
    "No rating is raised (for a large effect, a dose-response gradient or plausible confounding): the bodies here are "
    "small trials and uncontrolled studies, where GRADE advises against rating up.",
    "Imprecision uses GRADE's rules of thumb for the optimal information size (300 events, 400 participants) rather "
    "than a calculated one, and no clinical decision thresholds; a mechanism's question, which has no common "
    "estimate, is judged on the number of participants against the same rule of thumb, and rated down two levels "
    "below 100 participants or where the number is not reported.",
    "Non-randomised designs start low, as in GRADE's original approach, and a ROBINS-I judgement below serious does "
    "not lower them further.",
    "A study not assessed with a risk-of-bias tool is rated down as if its risk were serious, because it cannot be "
    "shown to be low.",
    "RoB 2 judges one result; each trial's judgement is recorded for its main result (named on its page) and the "
    "rules apply it to every outcome of that trial.",
    "Evidence from healthy volunteers and from patients with other disorders is rated down one level for "
    "population indirectness as a rule, not case by case.",
]


@dataclass(frozen=True)
class Reason:
    """One step of a rating: the domain, the points it changed (0 for a note), and why."""

    domain: str
    change: int
    text: str


@dataclass(frozen=True)
class Rating:
    """A row's rating: its level (None for a gap), the computed level, the reasons, and what it rests on."""

    level: str | None
    computed: str | None
    reasons: tuple[Reason, ...]
    studies: tuple[str, ...]  # primary studies in the row
    rests_on: tuple[str, ...]  # the studies the rating rests on
    reviews: tuple[str, ...]  # reviews and the chapter, cited but not rated
    people: int  # primary studies in people (not animals or cells)
    participants: int  # distinct participants (each sample once) in the studies in people that report their number
    unreported: tuple[str, ...] = field(default=())  # samples in people whose number is not reported (their studies)
    override: dict | None = None
    samples: int = 0  # distinct samples in people

    @property
    def label(self) -> str:
        return LABELS[self.level] if self.level else "Not rated"

    @property
    def downgrades(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.change < 0)


# ------------------------------------------------------------------------------------------- each sample once


def primary_report(sid: str, studies: dict) -> str:
    """The study that carries a sample: follow `same_participants_as` to the report it names (cycles stop)."""
    seen = [sid]
    while (nxt := (studies[seen[-1]].get("same_participants_as") or [None])[0]) and nxt in studies and nxt not in seen:
        seen.append(nxt)
    return seen[-1]


def distinct(ids: Iterable[str], studies: dict) -> tuple[int, int, tuple[str, ...]]:
    """(participants, samples, studies of the samples whose number is not reported) among some studies in people,
    each sample counted once: the primary report's number where it is among them, else the largest subset's."""
    samples: dict[str, list[str]] = {}
    for sid in ids:
        samples.setdefault(primary_report(sid, studies), []).append(sid)
    total, unreported = 0, []
    for root, members in samples.items():
        own = ch.participants(studies[root]["characteristics"]) if root in members else None
        known = [own] if own is not None else [n for s in members if (n := ch.participants(studies[s]["characteristics"]))]
        if known:
            total += max(known)
        else:
            unreported.append(root if root in members else members[0])
    return total, len(samples), tuple(unreported)


# ------------------------------------------------------------------------------------------- the domains


def _design(study: dict) -> str | None:
    return study["characteristics"]["design"]


def _preclinical(study: dict) -> bool:
    design = _design(study)
    return design in ch.PRECLINICAL or EVIDENCE_LEVELS[study["evidence"]].designs == "preclinical"


def _name(sid: str, studies: dict) -> str:
    return studies[sid].get("label") or sid


def study_bias(study: dict) -> tuple[int, int, str]:
    """(severity 0 low .. 3 critical, domains judged at the tool's worst level, words) for one study."""
    design = _design(study)
    rob = study.get("risk_of_bias")
    if design in ch.UNCONTROLLED:
        return 1, 0, "no control group"
    if not rob or rob["tool"] == "none":
        return 1, 0, "not assessed with a tool"
    tool = bias.TOOLS[rob["tool"]]
    severity = tool.severity(rob["overall"])
    worst = sum(tool.severity(d["judgement"]) >= 2 for d in rob["domains"])
    if tool.id == "robins-i":  # moderate is no concern beyond the low start; serious one; critical two
        severity = {0: 0, 1: 0, 2: 1, 3: 3}[severity]
    return severity, worst, f"{bias.LABELS[rob['overall']].lower()} ({tool.id})"


def _weights(body: list[str], studies: dict) -> dict[str, float]:
    """Each study's share of the body: its participants where every study reports them, else one each."""
    counts = {s: ch.participants(studies[s]["characteristics"]) for s in body}
    if all(counts.values()):
        return {s: float(n or 0) for s, n in counts.items()}
    return {s: 1.0 for s in body}


def _risk_of_bias(body: list[str], studies: dict) -> Reason | None:
    judged = {s: study_bias(studies[s]) for s in body}
    weight = _weights(body, studies)
    total = sum(weight.values())
    severity = max(s for s in range(4) if sum(weight[x] for x, (sev, _, _) in judged.items() if sev >= s) * 2 >= total)
    if severity == 0:
        return None
    words = "; ".join(f"{_name(s, studies)}: {text}" for s, (_, _, text) in judged.items())
    heavy = [x for x, (sev, _, _) in judged.items() if sev >= severity]
    if severity >= 3 or (severity == 2 and sum(weight[x] for x in heavy if judged[x][1] >= 2) * 2 >= total):
        return Reason("Risk of bias", -2, f"Very serious: {words}.")
    return Reason("Risk of bias", -1, f"Serious: {words}.")


def _population(study: dict, asks_about: str) -> tuple[int, str]:
    """Points lost for the population a study's evidence comes from, and why (model/evidence.py)."""
    found = EVIDENCE_LEVELS[study["evidence"]].indirectness
    assert found is not None, f"{study['evidence']} is not rated"
    if asks_about == "animals" and _preclinical(study):
        return (1, "cells, not whole animals") if study["evidence"] == "in-vitro" else (0, "")
    return found


def _intervention(body: list[str], studies: dict, substances: dict) -> Reason | None:
    """Down one when a study gave no classic psychedelic (its substances' classes, from content/substances)."""
    if not substances:
        return None
    other = []
    for s in body:
        given = studies[s].get("substances") or []
        classes = {substances[x]["class"] for x in given if x in substances}
        if given and "classic-psychedelic" not in classes:
            names = ", ".join(substances[x]["name"] for x in given if x in substances)
            other.append(f"{_name(s, studies)} ({names})")
    if other:
        return Reason("Indirectness", -1, f"Not a classic psychedelic: {'; '.join(other)}.")
    return None


def _participants_imprecision(body: list[str], studies: dict, animals: bool) -> Reason:
    who = "animals" if animals else "participants"
    total, _, missing = distinct(body, studies)
    if missing and not total:
        return Reason("Imprecision", -2, f"The number of {who} is not reported, so precision cannot be judged.")
    if total < VERY_FEW:
        return Reason("Imprecision", -2, f"Fewer than {VERY_FEW} {who} ({total}).")
    if total < FEW:
        return Reason("Imprecision", -1, f"Fewer than {FEW} {who} ({total}).")
    if missing:
        return Reason("Imprecision", -1, f"A study does not report its number of {who}.")
    return Reason("Imprecision", 0, f"{total} {who}.")


def _direction(finding: dict) -> str:
    return finding.get("direction") or DEFAULT_DIRECTION


def _inconsistency(findings: list[dict], body: list[str], studies: dict) -> Reason | None:
    """Down one when the results of the body's studies point different ways: a study whose result supports the
    question beside another that found no difference or the opposite (a study cited only for contrast, in a
    supporting finding too, counts as supporting)."""
    ways: dict[str, set[str]] = {}
    for f in findings:
        if EVIDENCE_LEVELS[f["evidence"]].rated and DIRECTIONS[_direction(f)].result:
            for s in f["studies"]:
                if s in body:
                    ways.setdefault(_direction(f), set()).add(s)
    supporting = ways.get("supports", set())
    contrary = (ways.get("no-difference", set()) | ways.get("against", set())) - supporting
    if supporting and contrary:
        return Reason(
            "Inconsistency",
            -1,
            f"Results differ: {', '.join(_name(s, studies) for s in sorted(supporting))} support the question; "
            f"{', '.join(_name(s, studies) for s in sorted(contrary))} found no difference or the opposite.",
        )
    return None


def _finish(start: int, reasons: list[Reason], cap: int | None = None) -> str:
    points = max(0, start + sum(r.change for r in reasons))
    if cap is not None:
        points = min(points, cap)
    return LEVELS[points]


# ------------------------------------------------------------------------------------------- a mechanism's question


def rate(
    findings: Iterable[dict],
    studies: dict,
    override: dict | None = None,
    substances: dict | None = None,
    outcome: dict | None = None,
) -> Rating:
    """Rate the body of evidence behind some findings (a mechanism's question, or an evidence-map cell). `studies`
    maps study ids to their content (with an optional `label`), `substances` substance ids to theirs."""
    findings = list(findings)
    outcome = outcome or {}
    asks_about = outcome.get("asks_about", "people")
    cited = sorted({s for f in findings for s in f["studies"]})
    primary = [s for s in cited if _design(studies[s]) not in ch.REVIEWS]
    reviews = tuple(s for s in cited if s not in primary)
    if not primary:
        return Rating(
            None, None, (Reason("Gap", 0, "No primary study: only reviews or the chapter's argument."),), (), (), reviews, 0, 0
        )
    people = [s for s in primary if not _preclinical(studies[s])]
    animals = [s for s in primary if _preclinical(studies[s])]
    pool = (people or animals) if asks_about == "people" else (animals or people)

    def ceiling(sid):
        return start_of(_design(studies[sid]))[0] - _population(studies[sid], asks_about)[0]

    best = max(ceiling(s) for s in pool)
    body = [s for s in pool if ceiling(s) == best]
    reasons: list[Reason] = []
    start, kind = max((start_of(_design(studies[s])) for s in body), key=lambda x: x[0])
    reasons.append(Reason("Starting level", 0, f"{LABELS[LEVELS[start]]}: {kind}."))
    if found := _risk_of_bias(body, studies):
        reasons.append(found)
    indirect: list[Reason] = []
    loss = max(_population(studies[s], asks_about)[0] for s in body)
    if loss:
        why = next(_population(studies[s], asks_about)[1] for s in body if _population(studies[s], asks_about)[0] == loss)
        indirect.append(Reason("Indirectness", -loss, f"The evidence comes from {why}."))
    if found := _intervention(body, studies, substances or {}):
        indirect.append(found)
    if outcome.get("surrogate"):
        indirect.append(Reason("Indirectness", -1, "The studies measure a stand-in for what the question asks."))
    while sum(r.change for r in indirect) < -2:  # at most two levels for indirectness in all
        last = indirect.pop()
        if last.change < -1:
            indirect.append(Reason(last.domain, last.change + 1, last.text))
    reasons += indirect
    body_animals = all(_preclinical(studies[s]) for s in body)
    reasons.append(_participants_imprecision(body, studies, body_animals))
    if found := _inconsistency(findings, body, studies):
        reasons.append(found)
    cap = None
    if body_animals and asks_about == "people":
        cap = 0
        reasons.append(
            Reason("Animal evidence", 0, "Animal or cell evidence only: never above very low for a question about people.")
        )
    computed = _finish(start, reasons, cap)
    participants, samples, unreported = distinct(people, studies)
    return Rating(
        level=override["level"] if override else computed,
        computed=computed,
        reasons=tuple(reasons),
        studies=tuple(primary),
        rests_on=tuple(body),
        reviews=reviews,
        people=len(people),
        participants=participants,
        unreported=unreported,
        override=override,
        samples=samples,
    )


def body_direction(findings: Iterable[dict], rating: Rating) -> str:
    """`no-difference` when every result of the studies the rating rests on found no difference (or the opposite),
    else `supports` (a conflict is the inconsistency rule's)."""
    found = {
        _direction(f)
        for f in findings
        if DIRECTIONS[_direction(f)].result and EVIDENCE_LEVELS[f["evidence"]].rated and set(f["studies"]) & set(rating.rests_on)
    }
    return "no-difference" if found and found <= {"no-difference", "against"} else "supports"


def statement(outcome: dict, level: str | None, direction: str = "supports") -> str:
    """The row's finding in GRADE's plain-language wording for its certainty (and, below very low, its direction)."""
    if level is None:
        return f"No primary studies yet: {outcome['question']}"
    subject = outcome["subject"]
    lower = subject if subject[1:2].isupper() else subject[:1].lower() + subject[1:]
    claim = outcome["claim"]
    base = outcome.get("claim_base", claim)
    if direction == "no-difference" and level in NO_DIFFERENCE:
        does = "does" if "claim_base" in outcome else "do"
        return NO_DIFFERENCE[level].format(Subject=subject, does=does, claim_base=base)
    return WORDING[level].format(Subject=subject, subject=lower, claim=claim, claim_base=base)


# ------------------------------------------------------------------------------------------- a clinical outcome


@dataclass(frozen=True)
class Result:
    """One trial's result for an outcome: its effect item (None when it reports the outcome without one) and the
    estimate on its analysis scale (None where neither the source nor its group data give one)."""

    study: str
    effect: dict | None
    estimate: Estimate | None


def rate_outcome(
    results: list[Result], studies: dict, outcome: ClinicalOutcome, pooled: Pooled | None, substances: dict | None = None
) -> Rating:
    """Rate one outcome of a comparison: the controlled trials that report it, their estimates and their pool."""
    body = [r.study for r in results]
    participants, samples, unreported = distinct(body, studies)
    common = dict(studies=tuple(body), rests_on=tuple(body), reviews=(), people=len(body), participants=participants)
    if not body:
        return Rating(None, None, (Reason("Gap", 0, "No controlled trial reports this outcome."),), **common)  # type: ignore[arg-type]
    estimated = [r for r in results if r.estimate is not None]
    if not estimated:
        why = "No trial reports an estimate for this outcome in the sources checked: not rated."
        return Rating(None, None, (Reason("Not estimable", 0, why),), unreported=unreported, samples=samples, **common)  # type: ignore[arg-type]
    start, kind = max((start_of(_design(studies[s])) for s in body), key=lambda x: x[0])
    reasons = [Reason("Starting level", 0, f"{LABELS[LEVELS[start]]}: {kind}.")]
    if found := _risk_of_bias(body, studies):
        reasons.append(found)
    loss = max(_population(studies[s], "people")[0] for s in body)
    if loss:
        why = next(_population(studies[s], "people")[1] for s in body if _population(studies[s], "people")[0] == loss)
        reasons.append(Reason("Indirectness", -loss, f"The evidence comes from {why}."))
    if found := _intervention(body, studies, substances or {}):
        reasons.append(found)
    reasons.append(_outcome_imprecision(estimated, studies, pooled))
    if found := _outcome_inconsistency(estimated, studies, pooled):
        reasons.append(found)
    computed = _finish(start, reasons)
    return Rating(computed, computed, tuple(reasons), unreported=unreported, samples=samples, **common)  # type: ignore[arg-type]


def reference(estimated: list[Result], studies: dict) -> Result:
    """The trial whose estimate stands for an outcome that is not pooled: the one with most participants."""
    return max(estimated, key=lambda r: ch.participants(studies[r.study]["characteristics"]) or 0)


def _outcome_imprecision(estimated: list[Result], studies: dict, pooled: Pooled | None) -> Reason:
    measure = MEASURES[pooled.measure if pooled else reference(estimated, studies).estimate.measure]  # type: ignore[union-attr]
    ref = reference(estimated, studies).estimate
    excludes = pooled.excludes_null if pooled else (ref.excludes_null if ref else False)
    parts, change = [], 0
    if not excludes:
        change -= 1
        parts.append("the confidence interval includes no effect")
    if measure.dichotomous:
        events = [_event_total(r.effect) for r in estimated]
        if None in events or sum(e or 0 for e in events) < OIS_EVENTS:
            change -= 1
            counted = sum(e or 0 for e in events) if None not in events else None
            parts.append(f"fewer than {OIS_EVENTS} events" + (f" ({counted})" if counted is not None else ""))
    else:
        total, _, missing = distinct([r.study for r in estimated], studies)
        if missing or total < OIS_CONTINUOUS:
            change -= 1
            parts.append(f"fewer than {OIS_CONTINUOUS} participants ({total})")
    if not parts:
        return Reason("Imprecision", 0, "The interval excludes no effect and the optimal information size is met.")
    text = "; ".join(parts)
    return Reason("Imprecision", max(change, -2), text[:1].upper() + text[1:] + ".")


def _event_total(effect: dict | None) -> int | None:
    arms = (effect or {}).get("arms") or []
    if len(arms) < 2 or any(a.get("events") is None for a in arms):
        return None
    return sum(a["events"] for a in arms)


def _outcome_inconsistency(estimated: list[Result], studies: dict, pooled: Pooled | None) -> Reason | None:
    if pooled is not None:
        if pooled.i2 >= I2_SERIOUS:
            return Reason("Inconsistency", -1, f"I² = {pooled.i2:.0f}% across {pooled.k} trials.")
        return None
    if len(estimated) < 2:
        return None
    sides = set()
    for r in estimated:
        e = r.estimate
        assert e is not None
        null = MEASURES[e.measure].null
        sides.add((e.value > null) == ((r.effect or {}).get("favours") == "higher"))
    if len(sides) == 2 and any(r.estimate and r.estimate.excludes_null for r in estimated):
        return Reason("Inconsistency", -1, "The trials' estimates lie on both sides of no effect.")
    return None


def outcome_statement(level: str | None, subject: str, outcome: ClinicalOutcome, effect: str) -> str:
    """Santesso et al.'s statement for an outcome: `effect` is `benefit`, `harm` or `none` (the interval includes
    no effect); at very low certainty the wording is the same whatever the estimate."""
    lower = subject[:1].lower() + subject[1:]
    if level is None:
        return f"No estimate: the size of any effect of {lower} on {outcome.noun} is unknown."
    if level == "very-low":
        return f"The evidence is very uncertain about the effect of {lower} on {outcome.noun}."
    if effect == "none":
        verb = {"high": "results", "moderate": "probably results", "low": "may result"}[level]
        return f"{subject} {verb} in little to no difference in {outcome.noun}."
    hedge = {"high": "", "moderate": "probably ", "low": "may "}[level]
    return f"{subject} {hedge}{outcome.verb(effect == 'benefit', base=level == 'low')} {outcome.noun}."
