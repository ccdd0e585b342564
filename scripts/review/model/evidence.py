"""Evidence levels and study designs, in one table each: every property the site gives them is declared here.

An evidence level says who or what the evidence comes from (a study's and a finding's `evidence`); a design is
how a study was done (`characteristics.design`). The schema takes its allowed values from these tables, the
check refuses a level that the study's design does not admit, the certainty rules read the starting level and
the indirectness from them, and the pages read the labels, the groups and the evidence map's columns. Like
mkdocs' `InclusionLevel`, each value carries its meaning, so no other module keeps a list of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar

DesignKind = Literal["human", "preclinical", "review"]


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


_Record = TypeVar("_Record", bound=_HasId)


@dataclass(frozen=True)
class Design:
    """A study design: its label, what kind of study it is, and the certainty rules' starting level for it.

    `start` is the starting level in points (0 very low to 3 high) and `start_reason` the words the rating gives
    for it; a review has none (reviews are shown but not rated). `controlled_trial` marks the trials in people
    whose blinding the risk-of-bias rule reads; `uncontrolled` the designs without a control group."""

    id: str
    label: str
    kind: DesignKind
    start: int | None
    start_reason: str = ""
    controlled_trial: bool = False
    uncontrolled: bool = False


def _by_id(*records: _Record) -> dict[str, _Record]:
    return {record.id: record for record in records}


_RANDOMISED = "randomised or cross-over trial"
DESIGNS: dict[str, Design] = _by_id(
    Design("randomised-controlled", "Randomised controlled trial", "human", 3, _RANDOMISED, controlled_trial=True),
    Design("non-randomised-controlled", "Non-randomised controlled study", "human", 1, controlled_trial=True),
    Design("single-group-open-label", "Single-group open-label study", "human", 1, uncontrolled=True),
    Design("cross-over", "Placebo-controlled cross-over trial", "human", 3, _RANDOMISED, controlled_trial=True),
    Design("cohort-observational", "Cohort or observational study", "human", 1),
    Design("case-series", "Case series or case report", "human", 1, uncontrolled=True),
    Design("qualitative", "Qualitative study", "human", 1, uncontrolled=True),
    Design("animal-experiment", "Animal experiment", "preclinical", 3, "controlled experiment"),
    Design("in-vitro", "In vitro experiment", "preclinical", 3, "controlled experiment"),
    Design("systematic-review-meta-analysis", "Systematic review or meta-analysis", "review", None),
    Design("narrative-review", "Narrative review or book", "review", None),
)
NOT_REPORTED_START = (1, "design not reported in the sources checked")  # a design that is null in the content


def start_of(design: str | None) -> tuple[int, str]:
    """The starting level of a primary study, in points, with its reason."""
    if design is None:
        return NOT_REPORTED_START
    d = DESIGNS[design]
    assert d.start is not None, f"{design} is not rated"
    return d.start, d.start_reason or d.label.lower()


@dataclass(frozen=True)
class Heading:
    """A heading that gathers evidence levels: a group a mechanism page lists its findings under, or a column of
    the evidence map (reviews and methods have none: the map counts primary studies)."""

    id: str
    heading: str


GROUPS = _by_id(
    Heading("cell-and-animal", "Cell and animal studies"),
    Heading("healthy-volunteers", "Healthy volunteers"),
    Heading("patients", "Patients"),
    Heading("synthesis", "Reviews and synthesis"),
)
MAP_COLUMNS = _by_id(
    Heading("cell-and-animal", "Cell and animal"),
    Heading("healthy-volunteers", "Healthy volunteers"),
    Heading("patients-sud", "Patients with SUD"),
    Heading("patients-other", "Other patients"),
)


@dataclass(frozen=True)
class EvidenceLevel:
    """Who or what the evidence comes from, with everything the site does with it.

    `indirectness` is the certainty rules' downgrade for evidence from this population (points, and why), or None
    for a level that is not rated (reviews, methods); `designs` are the kinds of design a study at this level
    may have (a primary study may also leave its design unreported)."""

    id: str
    label: str
    group: str  # a GROUPS id
    map_column: str | None  # a MAP_COLUMNS id, or None: not counted on the evidence map
    indirectness: tuple[int, str] | None
    designs: DesignKind

    @property
    def rated(self) -> bool:
        return self.indirectness is not None

    def admits(self, design: str | None) -> bool:
        """Whether a study at this level may have this design (None: not reported, which a rated level allows)."""
        if design is None:
            return self.rated
        return DESIGNS[design].kind == self.designs


_CELLS = "animals or cells, not people"
EVIDENCE_LEVELS: dict[str, EvidenceLevel] = _by_id(
    EvidenceLevel("in-vitro", "Cells or tissue in vitro", "cell-and-animal", "cell-and-animal", (2, _CELLS), "preclinical"),
    EvidenceLevel("animal", "Animal studies", "cell-and-animal", "cell-and-animal", (2, _CELLS), "preclinical"),
    EvidenceLevel(
        "healthy-volunteers",
        "Healthy volunteers",
        "healthy-volunteers",
        "healthy-volunteers",
        (1, "healthy volunteers, not people with a substance use disorder"),
        "human",
    ),
    EvidenceLevel("patients-sud", "Patients with a substance use disorder", "patients", "patients-sud", (0, ""), "human"),
    EvidenceLevel(
        "patients-other",
        "Patients with another disorder",
        "patients",
        "patients-other",
        (1, "patients with another disorder, not with a substance use disorder"),
        "human",
    ),
    EvidenceLevel("review", "Review, meta-analysis or the chapter's own argument", "synthesis", None, None, "review"),
    EvidenceLevel("method", "Treatment method or manual", "synthesis", None, None, "review"),
)


def levels_in_group(group: str) -> tuple[str, ...]:
    return tuple(level.id for level in EVIDENCE_LEVELS.values() if level.group == group)


def levels_in_column(column: str) -> tuple[str, ...]:
    return tuple(level.id for level in EVIDENCE_LEVELS.values() if level.map_column == column)


def rated_groups() -> list[Heading]:
    """The groups of rated levels (the list of mechanisms counts findings in these)."""
    return [g for g in GROUPS.values() if any(EVIDENCE_LEVELS[level].rated for level in levels_in_group(g.id))]


def problem(level: str, design: str | None) -> str | None:
    """Why a study's evidence level does not fit its design, with the levels that would; None when it fits."""
    if level not in EVIDENCE_LEVELS or (design is not None and design not in DESIGNS) or EVIDENCE_LEVELS[level].admits(design):
        return None  # an unknown value is the schema's to report
    fitting = [lv.id for lv in EVIDENCE_LEVELS.values() if lv.admits(design)]
    shown = f"the design `{design}` ({DESIGNS[design].label})" if design is not None else "a study whose design is not reported"
    return f"`{level}` is not a level of evidence for {shown}; use one of: {', '.join(fitting)}"
