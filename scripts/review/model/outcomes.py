"""Clinical outcomes, effect measures and the direction of a finding's result, in one table each.

A study's `effects` name their outcome from OUTCOMES (one list for the whole review, so that the outcome tables
can put trials side by side) and their measure from MEASURES; a finding's `direction` says how its result bears
on the question it answers (DIRECTIONS). The schema takes its allowed values from here, the check compares an
effect's `favours` with its outcome's better direction, and the certainty rules and the outcome tables read the
wording from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Better = Literal["higher", "lower"]


@dataclass(frozen=True)
class Measure:
    """A kind of effect estimate. `ratio` ones are drawn on a log scale with no effect at 1; `within_group` ones
    (a change from baseline, a proportion in one group) compare nothing with a control and are never drawn
    against a comparator; `dichotomous` ones count events, so their information is the number of events."""

    id: str
    name: str
    ratio: bool = False
    within_group: bool = False
    dichotomous: bool = False

    @property
    def null(self) -> float:
        return 1.0 if self.ratio else 0.0


MEASURES: dict[str, Measure] = {
    m.id: m
    for m in [
        Measure("odds-ratio", "Odds ratio", ratio=True, dichotomous=True),
        Measure("risk-ratio", "Risk ratio", ratio=True, dichotomous=True),
        Measure("hazard-ratio", "Hazard ratio", ratio=True, dichotomous=True),
        Measure("risk-difference", "Risk difference", dichotomous=True),
        Measure("mean-difference", "Mean difference"),
        Measure("standardised-mean-difference", "Standardised mean difference"),
        Measure("mean-change", "Mean change from baseline", within_group=True),
        Measure("proportion", "Proportion of participants (per cent)", within_group=True),
    ]
}


@dataclass(frozen=True)
class ClinicalOutcome:
    """An outcome the outcome tables report. `better` is the direction that is good for the patient (fewer heavy
    drinking days, more abstinence); `noun` is how a sentence names it; `harm` marks an adverse outcome."""

    id: str
    label: str
    noun: str
    better: Better
    harm: bool = False

    def verb(self, favourable: bool, base: bool) -> str:
        """The verb for an effect in the good (favourable) or bad direction: `reduces`, `increase` ..."""
        up = (self.better == "higher") == favourable
        word = "increase" if up else "reduce"
        return word if base else word + "s"


OUTCOMES: dict[str, ClinicalOutcome] = {
    o.id: o
    for o in [
        ClinicalOutcome("heavy-drinking-days", "Heavy drinking days", "heavy drinking days", "lower"),
        ClinicalOutcome("abstinent-days", "Days abstinent from alcohol", "the number of days without alcohol", "higher"),
        ClinicalOutcome("drinks-per-day", "Alcohol consumed per day", "the amount of alcohol drunk per day", "lower"),
        ClinicalOutcome("alcohol-abstinence", "Abstinence from alcohol", "abstinence from alcohol", "higher"),
        ClinicalOutcome(
            "alcohol-misuse", "Improvement in alcohol misuse (clinical rating)", "improvement in alcohol misuse", "higher"
        ),
        ClinicalOutcome("tobacco-abstinence", "Abstinence from smoking", "abstinence from smoking", "higher"),
        ClinicalOutcome("stimulant-use", "Stimulant use", "stimulant use", "lower"),
        ClinicalOutcome("opioid-use", "Opioid use", "opioid use", "lower"),
        ClinicalOutcome("drug-use", "Drug use (any substance)", "drug use", "lower"),
        ClinicalOutcome("craving", "Craving", "craving", "lower"),
        ClinicalOutcome("serious-adverse-events", "Serious adverse events", "serious adverse events", "lower", harm=True),
        ClinicalOutcome("any-adverse-events", "Adverse events of any severity", "adverse events", "lower", harm=True),
        ClinicalOutcome(
            "withdrawal-dropout",
            "Leaving treatment early or missing dosing sessions",
            "leaving treatment early or missing sessions",
            "lower",
            harm=True,
        ),
        ClinicalOutcome("other", "Another outcome", "the outcome", "higher"),
    ]
}
HARMS = "serious-adverse-events"  # the adverse-event row every outcome table has, reported or not


@dataclass(frozen=True)
class Direction:
    """How a finding's result bears on the question it answers (a summary-of-findings row, or the benefit the page
    is about): the inconsistency rule and the pages read it. `result` is False for what is not a result (a limit
    or gap of the evidence)."""

    id: str
    label: str
    result: bool = True


DIRECTIONS: dict[str, Direction] = {
    d.id: d
    for d in [
        Direction("supports", "Supports"),
        Direction("no-difference", "No difference found"),
        Direction("against", "Points the other way"),
        Direction("mixed", "Mixed result"),
        Direction("harm", "Harm"),
        Direction("limitation", "Limit of the evidence", result=False),
    ]
}
DEFAULT_DIRECTION = "supports"  # a finding that gives no direction reports a result in the direction of its question
