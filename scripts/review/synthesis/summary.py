"""The evidence, summarised and rated: the clinical outcome tables, the mechanisms' summary-of-findings rows,
evidence-map cells and forest plots.

Everything here is derived from the content through `certainty` and `pooling`, so a study added to the content
changes the tables, the map and the plots with no other edit.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..model.evidence import MAP_COLUMNS, levels_in_column
from ..model.outcomes import HARMS, MEASURES, OUTCOMES, ClinicalOutcome
from . import certainty, forest, pooling
from . import characteristics as ch
from .certainty import Result


@dataclass(frozen=True)
class Figure:
    """A forest plot: the SVG file's site path, its title, and its lines (the table beside it)."""

    path: str
    title: str
    measure: str
    lines: tuple[forest.Line, ...]

    @property
    def measure_name(self) -> str:
        return MEASURES[self.measure].name

    @property
    def within_group(self) -> bool:
        return MEASURES[self.measure].within_group

    def svg(self) -> str:
        return forest.svg(self.measure, list(self.lines), self.title)


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


@dataclass(frozen=True)
class OutcomeRow:
    """A row of a clinical outcome table: one outcome of one comparison, each trial's result, the pool (where the
    editors judged the trials comparable), the rating and GRADE's statement."""

    comparison: dict
    outcome: ClinicalOutcome
    results: tuple[Result, ...]
    also: tuple[tuple[str, dict], ...]  # the same outcome reported again by a trial (another time point)
    published: tuple[tuple[str, dict], ...]  # estimates of published meta-analyses (not re-analysed)
    harms: tuple[tuple[str, dict], ...]  # each trial's adverse events, for the adverse-event row
    pooled: pooling.Pooled | None
    pooling: dict | None  # the editors' decision {pool, why}, where two or more trials report an estimate
    rating: certainty.Rating
    effect: str | None  # benefit | harm | none, from the pooled or reference estimate
    statement: str
    absolute: str | None
    figures: tuple[Figure, ...] = field(default=())

    @property
    def id(self) -> str:
        return f"{self.comparison['id']}-{self.outcome.id}"


def _line(label: str, sid: str, e: dict, est: pooling.Estimate | None) -> forest.Line:
    """A plot line for a trial's effect item: the reported numbers, or the computed ones, or a note."""
    common: dict = dict(
        label=label,
        study=sid,
        measure=e["measure"] or "",
        comparison=e["comparison"],
        outcome=e["label"],
        timepoint=e["timepoint"],
        favours=e["favours"],
    )
    if est is None:
        note = e.get("note") or "not reported in the sources checked"
        return forest.Line(value=None, low=None, high=None, level=None, note=note, **common)
    if not est.computed:
        return forest.Line(value=e["value"], low=e["ci_low"], high=e["ci_high"], level=e["ci_level"], **common)
    value = e["value"] if est.computed == "interval" else forest.number(est.value)
    return forest.Line(
        value=value,
        low=forest.number(est.low),
        high=forest.number(est.high),
        level=est.level,
        computed=est.computed,
        **common,
    )


class Summary:
    """The rated summaries of one review, made once per render."""

    def __init__(self, index, labels: dict):
        self.index, self.labels = index, labels
        self.studies = {sid: s | {"label": labels[sid]} for sid, s in index.data["studies"].items()}
        self.substances = index.data["substances"]
        self._rows = {m["id"]: self._outcome_rows(m) for m in index.ordered("mechanisms")}
        self._tables = {c["id"]: self._comparison_rows(c) for c in index.ordered("comparisons")}

    def rate(self, findings, override=None, outcome=None) -> certainty.Rating:
        return certainty.rate(findings, self.studies, override, self.substances, outcome)

    # ----------------------------------------------------------------------------------- clinical outcomes

    def comparisons(self) -> list[dict]:
        """Each comparison with its outcome rows, in order."""
        return [{"comparison": c, "rows": self._tables[c["id"]]} for c in self.index.ordered("comparisons")]

    def table(self, comparison_id: str) -> list[OutcomeRow]:
        return self._tables[comparison_id]

    def _comparison_rows(self, comparison: dict) -> list[OutcomeRow]:
        trials = comparison["studies"]
        reported = {e["outcome"] for s in trials for e in self.studies[s].get("effects", [])}
        outcomes = [o for o in OUTCOMES.values() if o.id in reported or o.id == HARMS]
        return [self._row(comparison, outcome) for outcome in outcomes]

    def _row(self, comparison: dict, outcome: ClinicalOutcome) -> OutcomeRow:
        results, also = [], []
        for sid in comparison["studies"]:
            items = [e for e in self.studies[sid].get("effects", []) if e["outcome"] == outcome.id]
            if outcome.id == HARMS and not items and self._serious(sid):
                items = [self._serious(sid)]
            if not items:
                continue
            first = next((e for e in items if e["primary"]), items[0])
            results.append(Result(sid, first, pooling.estimate(first)))
            also += [(sid, e) for e in items if e is not first]
        harms = tuple(
            (s, self.studies[s]["adverse_events"]) for s in comparison["studies"] if self.studies[s].get("adverse_events")
        )
        published = tuple(
            (r, e)
            for r in comparison.get("reviews", [])
            for e in self.studies[r].get("effects", [])
            if e["outcome"] == outcome.id
        )
        estimated = [r for r in results if r.estimate is not None and not MEASURES[r.estimate.measure].within_group]
        results = [r for r in results if not (r.estimate and MEASURES[r.estimate.measure].within_group)]
        decision = next((p for p in comparison.get("pooling", []) if p["outcome"] == outcome.id), None)
        pooled = None
        measures = {r.estimate.measure for r in estimated if r.estimate}
        if decision and decision["pool"] and len(estimated) >= 2 and len(measures) == 1:
            pooled = pooling.pool(measures.pop(), [r.estimate for r in estimated if r.estimate])
        rating = certainty.rate_outcome(results, self.studies, outcome, pooled, self.substances)
        effect = self._effect(estimated, pooled)
        subject = comparison["intervention"]
        statement = certainty.outcome_statement(rating.level, subject, outcome, effect or "none")
        if outcome.id == HARMS and rating.level is None:
            counted = [r for r in results if r.effect and all(a.get("events") is not None for a in r.effect.get("arms") or [{}])]
            if counted and not sum(a["events"] for r in counted for a in (r.effect or {})["arms"]):
                n = sum(a.get("n") or 0 for r in counted for a in (r.effect or {})["arms"])
                statement = (
                    f"No serious adverse event was reported in either group ({n} participants); numbers this small "
                    "cannot rule out rare harms."
                )
            else:
                statement = "No trial reports serious adverse events in both groups in the sources checked: not estimable."
        row = OutcomeRow(
            comparison,
            outcome,
            tuple(results),
            tuple(also),
            published,
            harms if outcome.id == HARMS else (),
            pooled,
            decision,
            rating,
            effect,
            statement,
            self._absolute(estimated, pooled),
        )
        return replace(row, figures=self._outcome_figures(row))

    def _serious(self, sid: str) -> dict | None:
        """A trial's serious adverse events by group as an effect item (risk ratio from the counts), where it gives
        counts for two groups."""
        ae = self.studies[sid].get("adverse_events")
        arms = (ae or {}).get("serious") or []
        if len(arms) < 2:
            return None
        return {
            "outcome": HARMS,
            "label": "Participants with a serious adverse event",
            "primary": False,
            "timepoint": None,
            "comparison": f"{arms[0]['arm']} vs {arms[1]['arm']}",
            "measure": "risk-ratio",
            "value": None,
            "ci_low": None,
            "ci_high": None,
            "ci_level": None,
            "p": None,
            "favours": "lower",
            "arms": [{"label": a["arm"], "n": a["n"], "events": a["events"], "mean": None, "sd": None} for a in arms],
            "note": "events in both groups as reported; the ratio is computed by this review",
        }

    def _effect(self, estimated: list[Result], pooled) -> str | None:
        """benefit, harm or none: where the pooled (or the largest trial's) interval lies."""
        if not estimated:
            return None
        if pooled is not None:
            est, favours = pooled, estimated[0].effect["favours"] if estimated[0].effect else "higher"
        else:
            ref = certainty.reference(estimated, self.studies)
            est, favours = ref.estimate, (ref.effect or {}).get("favours", "higher")
        assert est is not None
        if not est.excludes_null:
            return "none"
        above = est.low > MEASURES[est.measure].null
        return "benefit" if above == (favours == "higher") else "harm"

    def _absolute(self, estimated: list[Result], pooled) -> str | None:
        """For a ratio with the comparator group's events: per 1,000 with the comparator and with the
        psychedelic (GRADE's absolute effect), computed from the ratio and the comparator group's risk."""
        if not estimated:
            return None
        ref = certainty.reference(estimated, self.studies)
        est = pooled or ref.estimate
        arms = (ref.effect or {}).get("arms") or []
        if est is None or est.measure not in ("odds-ratio", "risk-ratio") or len(arms) < 2:
            return None
        control = arms[1]
        if control.get("events") is None or not control.get("n"):
            return None
        p0 = control["events"] / control["n"]
        risks = [pooling.absolute_risk(est.measure, r, p0) for r in (est.value, est.low, est.high)]
        base = round(p0 * 1000)
        diff = [round(r * 1000) - base for r in risks]

        def words(d):
            return f"{abs(d)} {'more' if d >= 0 else 'fewer'}"

        return (
            f"{base} per 1,000 with the comparator ({control['label']}); {round(risks[0] * 1000)} per 1,000 with the "
            f"psychedelic: {words(diff[0])} per 1,000 ({words(diff[1])} to {words(diff[2])}), computed by this review "
            "from the ratio and the comparator group's risk"
        )

    def _outcome_figures(self, row: OutcomeRow) -> tuple[Figure, ...]:
        """One plot per measure among the row's trials; a trial without an estimate is a line of the first plot,
        and the pooled diamond ends the plot it belongs to. Uncontrolled studies are never drawn here."""
        stem = f"figures/outcomes-{row.id}"
        title = f"{row.comparison['title']}: {row.outcome.label}"
        by: dict[tuple[str, str], list[forest.Line]] = {}
        loose = []
        for r in row.results:
            e = r.effect or {}
            line = _line(self.labels[r.study], r.study, e, r.estimate)
            if r.estimate is None:
                loose.append(line)
            else:
                by.setdefault((r.estimate.measure, e["favours"]), []).append(line)
        if not by:
            return ()
        out = []
        for i, ((measure, favours), lines) in enumerate(by.items()):
            if i == 0:
                lines = lines + [replace(ln, measure=measure, favours=favours) for ln in loose]
            if row.pooled and row.pooled.measure == measure:
                p = row.pooled
                lines.append(
                    forest.Line(
                        label=f"Pooled, random effects (I² {p.i2:.0f}%, τ² {forest.number(p.tau2)})",
                        study="",
                        measure=measure,
                        value=forest.number(p.value),
                        low=forest.number(p.low),
                        high=forest.number(p.high),
                        level=95,
                        comparison=row.comparison["comparator"],
                        outcome=row.outcome.label,
                        timepoint=None,
                        favours=favours,
                        computed="estimate and interval",
                        pooled=True,
                    )
                )
            out.append(Figure(f"{stem}-{measure}{'' if favours == 'higher' else '-lower'}.svg", title, measure, tuple(lines)))
        return tuple(out)

    def single_group(self, comparison: dict) -> list[tuple[str, dict, pooling.Estimate | None]]:
        """The uncontrolled studies of a comparison, each effect item with its estimate (never drawn against a
        comparator)."""
        return [
            (sid, e, pooling.estimate(e))
            for sid in comparison.get("single_group", [])
            for e in self.studies[sid].get("effects", [])
        ]

    def single_group_figures(self, comparison: dict) -> list[Figure]:
        items = [(s, e) for s, e, est in self.single_group(comparison) if est is not None]
        return self._figures(
            f"figures/outcomes-{comparison['id']}-single-group", f"{comparison['title']}: single-group studies", items
        )

    # ----------------------------------------------------------------------------------- summary of findings

    def rows(self, mechanism_id: str) -> list[dict]:
        """The summary-of-findings rows of a mechanism page, in the order of its outcomes."""
        return self._rows[mechanism_id]

    def _outcome_rows(self, mechanism: dict) -> list[dict]:
        rows = []
        for outcome in mechanism["outcomes"]:
            findings = [self.index.findings[f["id"]] for f in mechanism["findings"] if f.get("outcome") == outcome["id"]]
            rating = self.rate(findings, outcome.get("certainty_override"), outcome)
            direction = certainty.body_direction(findings, rating)
            rows.append(
                {
                    "outcome": outcome,
                    "findings": findings,
                    "rating": rating,
                    "statement": certainty.statement(outcome, rating.level, direction),
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

    def _figures(self, stem: str, title: str, items: list[tuple[str, dict]]) -> list[Figure]:
        """Plots of some effect items that have an estimate: one per measure and direction (within-group measures
        apart, with no favoured side)."""
        groups: dict[tuple[str, str], list[forest.Line]] = {}
        for sid, e in items:
            est = pooling.estimate(e)
            if est is None:
                continue
            label = f"{self.labels[sid]}: {e['label'].split(' (')[0].lower()}"
            groups.setdefault((est.measure, e["favours"]), []).append(_line(label, sid, e, est))
        return [
            Figure(f"{stem}-{measure}{'' if favours == 'higher' else '-lower'}.svg", title, measure, tuple(lines))
            for (measure, favours), lines in groups.items()
        ]

    def _items(self, study_ids) -> list[tuple[str, dict]]:
        return [(sid, e) for sid in study_ids for e in self.studies[sid].get("effects", [])]

    def section_figures(self, topic: dict, section: dict) -> list[Figure]:
        """The forest plots of a topic section: the estimates of the studies its findings cite."""
        ids = list(dict.fromkeys(s for f in section.get("findings", []) for s in f["studies"]))
        title = f"{topic['title']}: {section['title']}"
        return self._figures(f"figures/{topic['id']}-{section['id']}", title, self._items(ids))

    def all_estimates(self) -> list[Figure]:
        """Every study's reported estimates, for the characteristics page."""
        ordered = [s["id"] for s in self.index.ordered("studies")]
        title = "Effect estimates reported by the studies in this review"
        return self._figures("figures/all-studies", title, self._items(ordered))

    def figures(self) -> list[Figure]:
        """Every figure any page shows, once each."""
        seen = {}
        for table in self._tables.values():
            for row in table:
                for fig in row.figures:
                    seen[fig.path] = fig
        for c in self.index.ordered("comparisons"):
            for fig in self.single_group_figures(c):
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
    added up, each sample is counted once (said when reports share participants), and a study in people that does
    not report its number is said to."""
    n = len(rating.studies)
    studies = f"{n} stud{'y' if n == 1 else 'ies'}"
    if not rating.people:
        return f"{studies}, animal or cell studies"
    people = f"{rating.participants:,} participants" if rating.participants else "participants not reported"
    if rating.unreported and rating.participants:
        people += f", not reported for {len(rating.unreported)}"
    if rating.samples and rating.samples < rating.people:
        people += f" in {rating.samples} sample{'s' if rating.samples != 1 else ''}, each counted once"
    if rating.people == n:
        return f"{studies}, {people}"
    return f"{studies} ({rating.people} in people: {people})"


NOT_REPORTED = ch.NOT_REPORTED
