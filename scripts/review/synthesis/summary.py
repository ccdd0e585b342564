"""The evidence, summarised and rated: summary-of-findings rows, evidence-map cells and forest plots.

Everything here is derived from the findings and the study characteristics through `certainty.rate`, so a study
added to the content changes the rows, the map and the plots with no other edit.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model.evidence import MAP_COLUMNS, levels_in_column
from ..model.schema import EFFECT_MEASURES
from . import certainty, forest
from . import characteristics as ch


@dataclass(frozen=True)
class Figure:
    """A forest plot: the SVG file's site path, its title, and the estimates it draws (the table beside it)."""

    path: str
    title: str
    measure: str
    estimates: tuple[forest.Estimate, ...]

    @property
    def measure_name(self) -> str:
        return EFFECT_MEASURES[self.measure][0]

    @property
    def narrow_path(self) -> str:
        """The phone's layout of the same plot (forest.svg `narrow`)."""
        return self.path.removesuffix(".svg") + "-narrow.svg"

    def svg(self, narrow: bool = False) -> str:
        return forest.svg(self.measure, list(self.estimates), self.title, narrow)


@dataclass(frozen=True)
class MapCell:
    """A cell of the evidence map: a mechanism's findings in one column (kind of evidence), rated together."""

    key: str  # the column's id (model/evidence.py MAP_COLUMNS)
    label: str
    findings: list[dict]
    rating: certainty.Rating | None  # None for a gap (no finding)

    @property
    def studies(self) -> list[str]:
        return list(self.rating.studies) if self.rating else []

    @property
    def participants(self) -> int:
        return self.rating.participants if self.rating else 0


class Summary:
    """The rated summaries of one review, made once per render."""

    def __init__(self, index, labels: dict):
        self.index, self.labels = index, labels
        self.studies = {sid: s | {"label": labels[sid]} for sid, s in index.data["studies"].items()}
        self._rows = {m["id"]: self._outcome_rows(m) for m in index.ordered("mechanisms")}

    def rate(self, findings, override=None) -> certainty.Rating:
        return certainty.rate(findings, self.studies, override)

    # ----------------------------------------------------------------------------------- summary of findings

    def rows(self, mechanism_id: str) -> list[dict]:
        """The summary-of-findings rows of a mechanism page, in the order of its outcomes."""
        return self._rows[mechanism_id]

    def _outcome_rows(self, mechanism: dict) -> list[dict]:
        rows = []
        for outcome in mechanism["outcomes"]:
            findings = [self.index.findings[f["id"]] for f in mechanism["findings"] if f.get("outcome") == outcome["id"]]
            rating = self.rate(findings, outcome.get("certainty_override"))
            title = f"{mechanism['title']}: {outcome['question']}"
            rows.append(
                {
                    "outcome": outcome,
                    "findings": findings,
                    "rating": rating,
                    "statement": certainty.statement(outcome, rating.level),
                    "figures": self._figures(f"figures/{mechanism['id']}-{outcome['id']}", title, rating.studies),
                }
            )
        return rows

    def unrated(self, mechanism: dict) -> list[dict]:
        """A mechanism's findings that answer none of its outcomes."""
        return [self.index.findings[f["id"]] for f in mechanism["findings"] if not f.get("outcome")]

    def overview(self) -> list[dict]:
        """For the home page and the course pack: each mechanism with its rows' certainty."""
        return [{"mechanism": m, "rows": self.rows(m["id"])} for m in self.index.ordered("mechanisms")]

    # ----------------------------------------------------------------------------------- evidence map

    def map_rows(self, substance: str | None = None) -> list[dict]:
        """The evidence map, `{mechanism, cells}` per mechanism: a cell per column, with the findings in it (only
        those that concern `substance`, when given) and their rating."""
        out = []
        for mechanism in self.index.ordered("mechanisms"):
            cells = []
            for column in MAP_COLUMNS.values():
                levels = levels_in_column(column.id)
                findings = [
                    self.index.findings[f["id"]]
                    for f in mechanism["findings"]
                    if f["evidence"] in levels and (substance is None or substance in f["substances"])
                ]
                cells.append(MapCell(column.id, column.heading, findings, self.rate(findings) if findings else None))
            out.append({"mechanism": mechanism, "cells": cells})
        return out

    # ----------------------------------------------------------------------------------- forest plots

    def _figures(self, stem: str, title: str, study_ids) -> list[Figure]:
        items = forest.estimates(self.studies, study_ids)
        groups = forest.by_measure(items)
        return [
            Figure(f"{stem}-{measure}{'' if favours == 'higher' else '-lower'}.svg", title, measure, tuple(group))
            for (measure, favours), group in groups.items()
        ]

    def section_figures(self, topic: dict, section: dict) -> list[Figure]:
        """The forest plots of a topic section: the estimates of the studies its findings cite."""
        ids = list(dict.fromkeys(s for f in section.get("findings", []) for s in f["studies"]))
        return self._figures(f"figures/{topic['id']}-{section['id']}", f"{topic['title']}: {section['title']}", ids)

    def all_estimates(self) -> list[Figure]:
        """Every study's reported estimate, for the characteristics page."""
        ordered = [s["id"] for s in self.index.ordered("studies")]
        return self._figures("figures/all-studies", "Effect estimates reported by the studies in this review", ordered)

    def figures(self) -> list[Figure]:
        """Every figure any page shows, once each."""
        seen = {}
        for rows in self._rows.values():
            for row in rows:
                for fig in row["figures"]:
                    seen[fig.path] = fig
        for topic in self.index.ordered("topics"):
            for section in topic["sections"]:
                for fig in self.section_figures(topic, section):
                    seen[fig.path] = fig
        for fig in self.all_estimates():
            seen[fig.path] = fig
        return list(seen.values())

    # ----------------------------------------------------------------------------------- flow diagram

    def flow(self) -> dict:
        """The PRISMA 2020-style flow of works: from the chapter, added since (with the update's exclusions and
        the works awaiting classification), and included, by kind of design."""
        studies = self.index.ordered("studies")
        search = self.index.search
        by = {a: [s for s in studies if s["attribution"] == a] for a in ("chapter", "inferred", "since-chapter")}
        added = by["since-chapter"]
        return {
            "chapter": len(by["chapter"]) + len(by["inferred"]),
            "chapter_confirmed": len(by["chapter"]),
            "chapter_inferred": len(by["inferred"]),
            "assessed": len(added) + len(search["excluded"]) + len(search["awaiting"]),
            "added": len(added),
            "excluded": search["excluded"],
            "awaiting": search["awaiting"],
            "included": len(studies),
            "primary": sum(s["characteristics"]["design"] not in ch.REVIEWS for s in studies),
            "reviews": sum(s["characteristics"]["design"] in ch.REVIEWS for s in studies),
            "trials": len(self.index.data["trials"]),
        }


def participants_text(rating: certainty.Rating) -> str:
    """`2 studies, 93 participants`, `3 studies (1 in people: 16 participants)`: people and animals are not
    added up, and a study in people that does not report its number is said to."""
    n = len(rating.studies)
    studies = f"{n} stud{'y' if n == 1 else 'ies'}"
    if not rating.people:
        return f"{studies}, animal or cell studies"
    people = f"{rating.participants:,} participants" if rating.participants else "participants not reported"
    if rating.unreported and rating.participants:
        people += f", not reported for {len(rating.unreported)}"
    if rating.people == n:
        return f"{studies}, {people}"
    return f"{studies} ({rating.people} in people: {people})"


NOT_REPORTED = ch.NOT_REPORTED
