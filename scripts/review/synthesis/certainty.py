"""How sure the evidence lets us be: this review's certainty rating, computed from the study characteristics.

The rules follow the shape of GRADE (a starting level from the design, then downgrades, each with its reason)
but they are this review's own, applied mechanically to its data; they are not a formal GRADE assessment.
They live here and nowhere else: the method page prints `RULES`, and every rating on the site comes from `rate`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..model.evidence import EVIDENCE_LEVELS, start_of
from . import characteristics as ch

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
FEW, VERY_FEW = 100, 30  # participants below which a body of human evidence is imprecise, very imprecise

RULES = [  # (domain, rule) as the method page states them; `rate` implements exactly these
    (
        "Which studies count",
        "The primary studies cited by the findings in the row. Reviews and the chapter's own "
        "argument are shown but not rated; a row with no primary study is marked as a gap.",
    ),
    (
        "Starting level",
        "High for randomised controlled trials, placebo-controlled cross-over trials, and controlled "
        "animal or cell experiments; low for every other design (non-randomised, observational, single-group, case "
        "series, qualitative) and where the design is not reported.",
    ),
    (
        "Which studies the rating rests on",
        "The studies with the highest level after the starting level and "
        "indirectness are applied; the others are listed but do not lower the rating.",
    ),
    (
        "Risk of bias",
        "Down one level when none of those studies has a control group, or when they are controlled "
        "trials in people but none is double-blind (open label, single-blind, or blinding not reported).",
    ),
    (
        "Indirectness",
        "Down one level when the studies are in healthy volunteers or in patients with another "
        "disorder; down two when they are in animals or cells.",
    ),
    (
        "Imprecision",
        f"For studies in people: down one level when they analysed fewer than {FEW} participants in "
        f"all, two when fewer than {VERY_FEW}, and one when a study does not report its number. Not assessed for "
        "animal and cell studies, whose numbers the sources rarely give.",
    ),
    (
        "Inconsistency",
        "Down one level when the row holds a caveat: a finding that contradicts, limits or complicates the others.",
    ),
    (
        "Floor and override",
        "No rating goes below very low. An editor may set another level only with a written "
        "justification, which is shown beside the computed rating.",
    ),
]


@dataclass(frozen=True)
class Reason:
    """One step of a rating: the domain, the points it changed (0 for a note), and why."""

    domain: str
    change: int
    text: str
    findings: tuple[str, ...] = ()  # the findings it is about (pages show their numbers, the data their ids)


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
    participants: int  # participants in the studies in people that report their number
    unreported: tuple[str, ...] = field(default=())  # primary studies in people that do not report their number
    override: dict | None = None

    @property
    def label(self) -> str:
        return LABELS[self.level] if self.level else "Not rated"

    @property
    def downgrades(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.change < 0)


def _indirectness(study: dict) -> tuple[int, str]:
    """Points lost for the population a primary study's evidence comes from, and why (model/evidence.py); the
    check admits only rated levels for a primary design."""
    found = EVIDENCE_LEVELS[study["evidence"]].indirectness
    assert found is not None, f"{study['evidence']} is not rated"
    return found


def rate(findings: Iterable[dict], studies: dict, override: dict | None = None) -> Rating:
    """Rate the body of evidence behind some findings. `studies` maps study ids to their content."""
    findings = list(findings)
    cited = sorted({s for f in findings for s in f["studies"]})
    primary = [s for s in cited if studies[s]["characteristics"]["design"] not in ch.REVIEWS]
    reviews = tuple(s for s in cited if s not in primary)
    if not primary:
        return Rating(
            None,
            None,
            (Reason("Gap", 0, "No primary study: only reviews or the chapter's argument."),),
            (),
            (),
            reviews,
            0,
            0,
            override=None,
        )

    def ceiling(sid):
        c = studies[sid]
        start, _ = start_of(c["characteristics"]["design"])
        return start - _indirectness(c)[0]

    best = max(ceiling(s) for s in primary)
    body = [s for s in primary if ceiling(s) == best]
    designs = [studies[s]["characteristics"] for s in body]
    reasons = []

    start, kind = max((start_of(c["design"]) for c in designs), key=lambda x: x[0])
    reasons.append(Reason("Starting level", 0, f"{LABELS[LEVELS[start]]}: {kind}."))
    points = start

    if all(c["design"] in ch.UNCONTROLLED for c in designs):
        reasons.append(Reason("Risk of bias", -1, "No control group."))
    else:
        blinding = {c["blinding"] for c in designs if c["design"] in ch.CONTROLLED_TRIALS}
        if blinding and "double-blind" not in blinding:
            why = "Open label." if blinding == {"open-label"} else "Not double-blind, or blinding not reported."
            reasons.append(Reason("Risk of bias", -1, why))

    loss = max(_indirectness(studies[s])[0] for s in body)
    if loss:
        why = next(_indirectness(studies[s])[1] for s in body if _indirectness(studies[s])[0] == loss)
        reasons.append(Reason("Indirectness", -loss, f"The evidence comes from {why}."))

    human = [s for s in body if studies[s]["characteristics"]["design"] not in ch.PRECLINICAL]
    counts = {s: ch.participants(studies[s]["characteristics"]) for s in human}
    if human:
        total = sum(n for n in counts.values() if n is not None)
        missing = [s for s, n in counts.items() if n is None]
        if missing and not total:
            reasons.append(Reason("Imprecision", -1, "The number of participants is not reported."))
        elif total < VERY_FEW:
            reasons.append(Reason("Imprecision", -2, f"Fewer than {VERY_FEW} participants ({total})."))
        elif total < FEW:
            reasons.append(Reason("Imprecision", -1, f"Fewer than {FEW} participants ({total})."))
        elif missing:
            reasons.append(Reason("Imprecision", -1, "A study does not report its number of participants."))
    else:
        reasons.append(Reason("Imprecision", 0, "Not assessed: animal or cell studies."))

    caveats = [f["id"] for f in findings if f.get("role") == "caveat"]
    if caveats:
        reasons.append(Reason("Inconsistency", -1, "A caveat in the same row.", tuple(caveats)))

    points = max(0, start + sum(r.change for r in reasons))
    computed = LEVELS[points]
    everyone = {
        s: ch.participants(studies[s]["characteristics"])
        for s in primary
        if studies[s]["characteristics"]["design"] not in ch.PRECLINICAL
    }
    return Rating(
        level=override["level"] if override else computed,
        computed=computed,
        reasons=tuple(reasons),
        studies=tuple(primary),
        rests_on=tuple(body),
        reviews=reviews,
        people=len(everyone),
        participants=sum(n for n in everyone.values() if n is not None),
        unreported=tuple(s for s, n in everyone.items() if n is None),
        override=override,
    )


def statement(outcome: dict, level: str | None) -> str:
    """The row's finding in GRADE's plain-language wording for its certainty."""
    if level is None:
        return f"No primary studies yet: {outcome['question']}"
    subject = outcome["subject"]
    lower = subject if subject[1:2].isupper() else subject[:1].lower() + subject[1:]
    claim = outcome["claim"]
    return WORDING[level].format(Subject=subject, subject=lower, claim=claim, claim_base=outcome.get("claim_base", claim))
