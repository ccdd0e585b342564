"""Study characteristics as the pages show them: which apply to which design, and how a missing value reads.

A characteristic is `null` in the content when the sources checked do not give it. Whether that reads "not
reported in the sources checked" or "not applicable" depends only on the design, and is decided here.
"""

from __future__ import annotations

from ..model import bias
from ..model.evidence import DESIGNS
from ..model.outcomes import MEASURES, OUTCOMES
from ..model.schema import BLINDING, COMPARATORS

NOT_REPORTED = "not reported in the sources checked"
NOT_APPLICABLE = "not applicable"

# Groups of designs, from their declaration (model/evidence.py).
REVIEWS = frozenset(d.id for d in DESIGNS.values() if d.kind == "review")
PRECLINICAL = frozenset(d.id for d in DESIGNS.values() if d.kind == "preclinical")
UNCONTROLLED = frozenset(d.id for d in DESIGNS.values() if d.uncontrolled)
CONTROLLED_TRIALS = frozenset(d.id for d in DESIGNS.values() if d.controlled_trial)

# The rows of a study's characteristics, in the order of the box and the table: (field, label).
ROWS = [
    ("design", "Design"),
    ("methods", "What was done"),
    ("population", "Population or sample"),
    ("condition", "Condition studied"),
    ("studies_included", "Studies included"),
    ("participants", "Participants"),
    ("comparator", "Comparator"),
    ("blinding", "Blinding"),
    ("dose", "Substance and dose"),
    ("sessions", "Drug sessions"),
    ("psychotherapy", "Psychotherapy"),
    ("follow_up", "Follow-up"),
    ("primary_outcome", "Primary outcome"),
    ("main_result", "Main result as reported"),
    ("effects", "Primary outcome estimates"),
    ("risk_of_bias", "Risk of bias"),
    ("adverse_events", "Adverse events"),
]

# Fields that mean nothing for a design: the box says "not applicable" instead of "not reported".
_NOT_FOR: dict[str | None, set[str]] = {
    "narrative-review": {
        "registration",
        "participants",
        "comparator",
        "blinding",
        "dose",
        "sessions",
        "psychotherapy",
        "follow_up",
        "primary_outcome",
        "effects",
        "risk_of_bias",
        "adverse_events",
        "condition",
        "studies_included",
    },
    "systematic-review-meta-analysis": {
        "blinding",
        "sessions",
        "psychotherapy",
        "comparator",
        "registration",
        "risk_of_bias",
        "adverse_events",
    },
    "in-vitro": {
        "registration",
        "participants",
        "blinding",
        "psychotherapy",
        "follow_up",
        "sessions",
        "condition",
        "comparator",
        "adverse_events",
    },
    "animal-experiment": {"psychotherapy", "registration", "adverse_events"},
    "qualitative": {"comparator", "blinding", "effects"},
}


def applies(design: str | None, field: str) -> bool:
    """Whether a characteristic means something for a design (all do, where the design is not reported)."""
    if field == "studies_included":
        return design == "systematic-review-meta-analysis"
    return field not in _NOT_FOR.get(design, set())


def missing(design: str | None, field: str) -> str:
    """How a null characteristic reads."""
    return NOT_REPORTED if applies(design, field) else NOT_APPLICABLE


def participants(c: dict) -> int | None:
    """The number of participants a study contributes: analysed, else randomised, else enrolled."""
    for key in ("analysed", "randomised", "enrolled"):
        if c[key] is not None:
            return c[key]
    return None


def describe(study: dict) -> list[tuple[str, str, str | None]]:
    """A study's characteristics as (field, label, text) rows; text is None where the value is missing (the
    template says why, from `missing`). Effects, risk of bias, adverse events and participants are written out
    here so that the box and the table say the same."""
    c = study["characteristics"]
    rows = []
    for field, label in ROWS:
        if field == "participants":
            text = participants_text(c)
        elif field == "effects":
            primary = [e for e in study.get("effects", []) if e["primary"]] or study.get("effects", [])
            text = "; ".join(effect_text(e) for e in primary) or None
        elif field == "risk_of_bias":
            text = bias_text(study.get("risk_of_bias"))
        elif field == "adverse_events":
            text = study["adverse_events"]["summary"] if study.get("adverse_events") else None
        elif field == "design":
            text = DESIGNS[c["design"]].label if c["design"] else None
        elif field == "comparator":
            text = _join(COMPARATORS.get(c["comparator"]), c["comparator_detail"])
        elif field == "blinding":
            text = BLINDING.get(c["blinding"])
        elif field == "primary_outcome":
            text = _join(c["primary_outcome"], c["primary_timepoint"])
        else:
            value = c.get(field)
            text = None if value is None else str(value)
        if field == "studies_included" and not applies(c["design"], field):
            continue
        rows.append((field, label, text))
    return rows


def bias_text(rob: dict | None) -> str | None:
    """`Some concerns (RoB 2): randomisation some concerns; ...`, `Not assessed: <why>`, or None."""
    if not rob:
        return None
    tool = bias.TOOLS[rob["tool"]]
    if tool.id == "none":
        return f"Not assessed with a tool: {rob['why']}"
    domains = "; ".join(f"{bias.DOMAINS[d['domain']].short}: {bias.LABELS[d['judgement']].lower()}" for d in rob["domains"])
    return f"{bias.LABELS[rob['overall']]} overall ({tool.id}). By domain: {domains}."


def participants_text(c: dict) -> str | None:
    """`95 randomised, 93 analysed (Psilocybin: 49 allocated; ...)`, or None."""
    parts = [f"{c[key]} {key}" for key in ("enrolled", "randomised", "analysed") if c[key] is not None]
    arms = []
    for arm in c.get("arms", []):
        numbers = [f"{arm[key]} {key}" for key in ("allocated", "analysed") if arm[key] is not None]
        arms.append(f"{arm['label']}: {', '.join(numbers) or NOT_REPORTED}")
    if not parts and not arms:
        return None
    return ", ".join(parts) + (f" ({'; '.join(arms)})" if arms else "")


def effect_text(e: dict) -> str:
    """`Odds ratio 6.12 (95% CI 2.0 to 23.3; p = .003), psilocybin vs nicotine patch, prolonged abstinence at 6 months`;
    an outcome reported without a number says so, with its note."""
    where = f" at {e['timepoint']}" if e["timepoint"] else ""
    if e["value"] is None or e["measure"] is None:
        note = f" ({e['note']})" if e.get("note") else ""
        return f"{e['label']}{where}: no estimate in the sources checked{note}"
    inside = []
    if e["ci_low"] is not None and e["ci_high"] is not None:
        level = f"{e['ci_level']}% " if e["ci_level"] is not None else ""
        inside.append(f"{level}CI {e['ci_low']} to {e['ci_high']}")
    if e["p"] is not None:
        p = e["p"].strip()
        inside.append(f"p {p}" if p[:1] in "<>≤≥" else f"p = {p}")
    return (
        f"{MEASURES[e['measure']].name} {e['value']}"
        + (f" ({'; '.join(inside)})" if inside else "")
        + f", {e['comparison']}, {e['label']}{where}"
    )


def outcome_label(e: dict) -> str:
    return OUTCOMES[e["outcome"]].label


def _join(first: str | None, second: str | None) -> str | None:
    if first and second:
        return f"{first} ({second})"
    return first or second
