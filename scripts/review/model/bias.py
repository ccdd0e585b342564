"""Risk-of-bias tools, in one table: each tool's domains, its judgements and the designs it assesses.

A study's `risk_of_bias` names its tool; the schema takes the allowed tools, domains and judgements from here,
the check holds a study to its tool's domains (in order) and judgements, and the certainty rules read each
judgement's severity. RoB 2 for randomised trials (its cross-over variant adds the period-and-carryover domain),
ROBINS-I for non-randomised comparisons, SYRCLE's tool for animal experiments, or `none` with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Domain:
    id: str
    label: str

    @property
    def short(self) -> str:
        """The label without RoB 2's "Bias arising from the" / "due to" / "in": `randomisation process`."""
        for lead in ("Bias arising from the ", "Bias arising from ", "Bias due to ", "Bias in "):
            if self.label.startswith(lead):
                return self.label.removeprefix(lead)
        return self.label[:1].lower() + self.label[1:]


@dataclass(frozen=True)
class Tool:
    """A risk-of-bias tool: what it is (and where it is published), the designs it assesses, its domains in
    order, and its judgements from least to most serious (`severity` is the index in that order)."""

    id: str
    label: str
    reference: str
    designs: frozenset[str]
    domains: tuple[Domain, ...]
    judgements: tuple[str, ...]

    def severity(self, judgement: str) -> int:
        return self.judgements.index(judgement)


ROB2_JUDGEMENTS = ("low", "some-concerns", "high")
_ROB2 = (
    Domain("randomisation-process", "Bias arising from the randomisation process"),
    Domain("deviations-from-interventions", "Bias due to deviations from intended interventions"),
    Domain("missing-outcome-data", "Bias due to missing outcome data"),
    Domain("measurement-of-outcome", "Bias in measurement of the outcome"),
    Domain("selection-of-reported-result", "Bias in selection of the reported result"),
)
_CARRYOVER = Domain("period-and-carryover", "Bias arising from period and carryover effects")
_ROBINS = (
    Domain("confounding", "Bias due to confounding"),
    Domain("selection-of-participants", "Bias in selection of participants into the study"),
    Domain("classification-of-interventions", "Bias in classification of interventions"),
    Domain("deviations-from-interventions", "Bias due to deviations from intended interventions"),
    Domain("missing-data", "Bias due to missing data"),
    Domain("measurement-of-outcomes", "Bias in measurement of outcomes"),
    Domain("selection-of-reported-result", "Bias in selection of the reported result"),
)
_SYRCLE = (
    Domain("sequence-generation", "Sequence generation"),
    Domain("baseline-characteristics", "Baseline characteristics"),
    Domain("allocation-concealment", "Allocation concealment"),
    Domain("random-housing", "Random housing"),
    Domain("blinding-of-caregivers", "Blinding of caregivers and investigators"),
    Domain("random-outcome-assessment", "Random outcome assessment"),
    Domain("blinding-of-assessors", "Blinding of outcome assessors"),
    Domain("incomplete-outcome-data", "Incomplete outcome data"),
    Domain("selective-reporting", "Selective outcome reporting"),
    Domain("other-bias", "Other sources of bias"),
)

TOOLS: dict[str, Tool] = {
    t.id: t
    for t in [
        Tool(
            "rob2",
            "RoB 2, the Cochrane risk-of-bias tool for randomised trials",
            "Sterne et al., 2019, BMJ 366:l4898",
            frozenset({"randomised-controlled"}),
            _ROB2,
            ROB2_JUDGEMENTS,
        ),
        Tool(
            "rob2-crossover",
            "RoB 2 for cross-over trials",
            "Sterne et al., 2019, BMJ 366:l4898, with its variant for cross-over trials",
            frozenset({"cross-over"}),
            (_ROB2[0], _CARRYOVER, *_ROB2[1:]),
            ROB2_JUDGEMENTS,
        ),
        Tool(
            "robins-i",
            "ROBINS-I, for non-randomised studies of interventions",
            "Sterne et al., 2016, BMJ 355:i4919",
            frozenset({"non-randomised-controlled", "cohort-observational"}),
            _ROBINS,
            ("low", "moderate", "serious", "critical"),
        ),
        Tool(
            "syrcle",
            "SYRCLE's risk-of-bias tool for animal studies",
            "Hooijmans et al., 2014, BMC Medical Research Methodology 14:43",
            frozenset({"animal-experiment"}),
            _SYRCLE,
            ("low", "unclear", "high"),
        ),
        Tool("none", "Not assessed with a tool (the reason is given)", "", frozenset(), (), ()),
    ]
}
DOMAINS: dict[str, Domain] = {d.id: d for t in TOOLS.values() for d in t.domains}
JUDGEMENTS: tuple[str, ...] = tuple(dict.fromkeys(j for t in TOOLS.values() for j in t.judgements))
LABELS = {
    "low": "Low",
    "some-concerns": "Some concerns",
    "high": "High",
    "moderate": "Moderate",
    "serious": "Serious",
    "critical": "Critical",
    "unclear": "Unclear",
}
SYMBOLS = {0: "+", 1: "!", 2: "−", 3: "×"}  # by severity, read with the word beside it (never the symbol alone)


def problems(rob: dict, design: str | None) -> list[tuple[tuple, str]]:
    """What is wrong with a study's risk-of-bias record for its design, as (field path below risk_of_bias,
    message) pairs: its domains are its tool's, in order; its judgements are the tool's; a tool other than
    `none` gives an overall judgement and the result it judged, and `none` gives the reason."""
    tool = TOOLS.get(rob.get("tool", ""))
    if tool is None:
        return []  # the schema reports an unknown tool
    out: list[tuple[tuple, str]] = []
    domains = rob.get("domains") or []
    if tool.id == "none":
        if not rob.get("why"):
            out.append((("why",), "say why no tool was applied"))
        if domains:
            out.append((("domains",), "a study not assessed with a tool has no domains; remove them"))
        if rob.get("overall") is not None:
            out.append((("overall",), "a study not assessed with a tool has no overall judgement; write null"))
        return out
    if design is not None and design not in tool.designs:
        fitting = [t.id for t in TOOLS.values() if design in t.designs] or ["none"]
        out.append((("tool",), f"`{tool.id}` does not assess a `{design}` study; use {' or '.join(fitting)}"))
    expected = [d.id for d in tool.domains]
    given = [d.get("domain") for d in domains if isinstance(d, dict)]
    if given != expected:
        out.append((("domains",), f"{tool.label} has these domains, in this order: {', '.join(expected)}"))
    for i, d in enumerate(domains):
        if isinstance(d, dict) and d.get("judgement") not in tool.judgements:
            out.append((("domains", i, "judgement"), f"{tool.id} judges {', '.join(tool.judgements)}"))
    if rob.get("overall") not in tool.judgements:
        out.append((("overall",), f"give the overall judgement: one of {', '.join(tool.judgements)}"))
    if not rob.get("result"):
        out.append((("result",), "name the result the judgement is for (RoB 2 judges a result, not a study)"))
    return out
