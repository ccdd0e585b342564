"""The review as open data: tables of studies, findings, trials, questions, summary-of-findings rows and
evidence-map cells, as CSV and JSON, with a Frictionless Data package descriptor that documents every column.

Columns take their descriptions from the content schema where a column is a content field, so the descriptor
cannot drift from the content model. The whole review is one package (`data/`); each mechanism has its own
slice (`data/mechanisms/<id>/`), which holds every row its ids reference (a slice is a package of its own).
A column that holds ids of another table says so (`references`): the descriptor declares it as a foreign key,
and a column of several ids gets a link table of its own (`findings-studies`: one row per finding and study),
so that every reference is a foreign key a data user (or Frictionless) can join and check. Identifiers are
strings in the descriptor and the JSON. CSV is written as UTF-8 with a byte-order mark, which spreadsheet
programs read as UTF-8 (without it Excel shows "ThÃ©venaz" for "Thévenaz"); Frictionless reads the mark too.
A CSV cell that a spreadsheet would run as a formula is written by OWASP's rule (works.csv_cell).
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..model import markup, provenance
from ..model.evidence import MAP_COLUMNS
from ..model.schema import COLLECTIONS, DATE, NUMBER, URL
from . import addresses
from .works import csv_cell

LIST_SEPARATOR = "; "
KEYWORDS = ("psychedelics", "substance use disorders", "evidence review", "psilocybin", "LSD")
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}


Value = Callable[[dict, Any], Any]  # a derived column's value, from its row's record and the Index


@dataclass(frozen=True)
class Column:
    """A column of an open-data table. A content field's column names the field (`field`, a dotted path) and
    takes its type, its list-ness and (unless given) its description from the content schema; a derived column
    gives its own, and how its value is computed from the row's record."""

    name: str
    type: str  # Table Schema type: string, integer, number, boolean, date
    description: str
    list: bool = False  # several values, joined by LIST_SEPARATOR in CSV, an array in JSON
    field: str | None = None
    value: Value | None = dataclasses.field(default=None, compare=False, repr=False)
    default: Any = None  # a content field's value where the record leaves it out
    markdown: bool = False  # a Markdown field, published as plain text
    references: tuple[str, str] | None = None  # (table, column) its values are ids of
    primary_only: bool = False  # an address where something was read: published only when it is a primary record

    def get(self, record: dict, index: Any) -> Any:
        """This column's value in one row."""
        if self.value is not None:
            return self.value(record, index)
        current: Any = record
        for key in (self.field or self.name).split("."):
            current = current.get(key) if isinstance(current, dict) else None
        if current is None:
            return [] if self.list else self.default
        if self.primary_only and provenance.primary(str(current)) is None:
            return None  # a copy of a record, kept in the content for audits, is never offered to readers
        return markup.plain(current) if self.markdown else current


@dataclass(frozen=True)
class Fields:
    """A placeholder in a table's declaration: every field under `group` (a dotted path, "" for the record
    itself) that no other column publishes and that is not left out, in the schema's order, named
    `prefix` + its path below the group. A field added to the content model lands here, in the data."""

    group: str = ""
    prefix: str = ""


def column(
    path: str, *, name: str | None = None, description: str | None = None, default: Any = None, references: str = ""
) -> Column:
    """A column that publishes one content field (completed from the schema by its Table); `references` names
    the table whose ids it holds (`table` for its `id`, or `table.column`)."""
    return Column(
        name or path.rsplit(".", 1)[-1], "", description or "", field=path, default=default, references=_ref(references)
    )


def derived(name: str, type_: str, description: str, value: Value, list_: bool = False, references: str = "") -> Column:
    """A column computed from the row's record (its Index at hand), not a content field."""
    return Column(name, type_, description, list_, value=value, references=_ref(references))


def _ref(references: str) -> tuple[str, str] | None:
    """`studies` -> ("studies", "id"); `summary-of-findings.outcome` -> ("summary-of-findings", "outcome")."""
    if not references:
        return None
    table, _, field = references.partition(".")
    return table, field or "id"


def leaf_fields(schema: dict, prefix: str = "") -> dict[str, dict]:
    """{dotted path: schema} of every field of an object schema, nested objects flattened (a list of objects is
    one field)."""
    out: dict[str, dict] = {}
    for key, sub in schema.get("properties", {}).items():
        path = f"{prefix}{key}"
        if "object" in _types(sub) and "properties" in sub:
            out |= leaf_fields(sub, path + ".")
        else:
            out[path] = sub
    return out


def _types(schema: dict) -> list:
    kind = schema.get("type", [])
    return kind if isinstance(kind, list) else [kind]


def _table_type(schema: dict) -> tuple[str, bool]:
    """(Table Schema type, is a list) of a content field."""
    kinds = [k for k in _types(schema) if k != "null"]
    if kinds == ["array"]:
        return "string", True
    if kinds in (["integer"], ["boolean"]):
        return kinds[0], False
    if schema.get("pattern") == DATE:
        return "date", False
    if schema.get("pattern") == NUMBER:
        return "number", False
    return "string", False


@dataclass(frozen=True)
class Table:
    """One open-data table, declared once: the CSV, the JSON, the package descriptor and the data page's
    dictionary are all made from it. `schema` is the content schema of the records a row is made from (None for
    tables of computed rows); each of its fields is a column or is in `left_out`, with the reason."""

    name: str
    title: str
    records: Callable[[Any], list[dict]]  # the records, one per row, from the Index
    declared: tuple[Column | Fields, ...]
    schema: dict | None = None
    left_out: dict[str, str] = dataclasses.field(default_factory=dict)
    key: tuple[str, ...] = ("id",)  # the columns that identify a row
    row_name: str = ""  # a row in a link table's column name: `study`
    link: tuple[str, str] | None = None  # a link table's (table, list column) it spells out, a row per id

    @functools.cached_property
    def columns(self) -> tuple[Column, ...]:
        fields = leaf_fields(self.schema) if self.schema else {}
        placed = {c.field for c in self.declared if isinstance(c, Column) and c.field}
        groups = [g.group for g in self.declared if isinstance(g, Fields)]

        def claims(group: str, path: str) -> bool:  # the most specific group a field is under takes it
            under = [g for g in groups if not g or path.startswith(g + ".")]
            return bool(under) and max(under, key=len) == group

        out: list[Column] = []
        for item in self.declared:
            if isinstance(item, Fields):
                for path in fields:
                    if path not in placed and path not in self.left_out and claims(item.group, path):
                        name = item.prefix + path.removeprefix(f"{item.group}.").replace(".", "_")
                        out.append(self._complete(column(path, name=name), fields))
            else:
                out.append(self._complete(item, fields) if item.field else item)
        return tuple(out)

    @staticmethod
    def _complete(c: Column, fields: dict[str, dict]) -> Column:
        sub = fields[c.field or ""]
        kind, is_list = _table_type(sub)
        # A field of ids of another collection references that table (when the open data has one).
        refers = c.references or (_ref(sub["x-references"]) if sub.get("x-references") in TABLES else None)
        # Where something was read (`source` of a checked block, a risk-of-bias judgement, an effect) is published
        # only when it is a primary record (model/provenance.py); a copy stays in the content for audits.
        where_read = (c.field or "").rsplit(".", 1)[-1] == "source" and sub.get("pattern") == URL
        return replace(
            c,
            type=kind,
            list=is_list,
            description=(c.description or sub["description"])
            + (" Empty where only a copy of the record was in reach." if where_read else ""),
            markdown=bool(sub.get("x-markdown")),
            references=refers,
            primary_only=where_read,
        )

    def rows(self, index: Any) -> list[dict]:
        """Every row, as {column: value} (None where empty)."""
        return [{c.name: c.get(record, index) for c in self.columns} for record in self.records(index)]


def _page(collection: str) -> Value:
    def url(record: dict, index: Any) -> str:
        return addresses.absolute(index.info["url"], *index.path_of(collection, record["id"]))

    return url


def _checked_against(record: dict, index: Any) -> str | None:
    checked = record.get("checked")
    if not checked:
        return None
    kind = provenance.primary(checked["source"]) if "source" in checked else None
    return kind.label if kind else "a copy of the record"


def _names(collection: str, row_name: str, label: str) -> Table:
    """A small table of the entities other tables name by id (mechanisms, substances): id, name, page."""
    return Table(
        collection,
        collection.capitalize(),
        lambda index: index.ordered(collection),
        (
            derived("id", "string", f"The {row_name}'s id.", lambda e, i: e["id"]),
            derived(label, "string", f"Its {label}.", lambda e, i: e[label]),
            derived("url", "string", "Its page on the site.", _page(collection)),
        ),
        row_name=row_name,
    )


_FINDING = COLLECTIONS["mechanisms"]["properties"]["findings"]["items"]
_STUDY = COLLECTIONS["studies"]["properties"]
_EFFECT = _STUDY["effects"]["items"]
_DOMAIN = _STUDY["risk_of_bias"]["properties"]["domains"]["items"]
_ADVERSE = _STUDY["adverse_events"]


def _or(value) -> str:
    return "" if value is None else str(value)


def _pooled(p) -> str | None:
    if p is None:
        return None
    return f"{p.measure} {p.value:.4g} ({p.low:.4g} to {p.high:.4g}); I2 {p.i2:.1f}%; tau2 {p.tau2:.4g}"


TABLES = {
    t.name: t
    for t in [
        Table(
            "studies",
            "Studies and their characteristics",
            lambda index: index.ordered("studies"),
            (
                column("id"),
                derived(
                    "label",
                    "string",
                    "How the review cites it in the text (APA 7 author-date, disambiguated).",
                    lambda s, index: index.bibliography.labels[s["id"]],
                ),
                *[
                    column(name)
                    for name in [
                        "authors",
                        "authors_incomplete",
                        "year",
                        "title",
                        "type",
                        "journal",
                        "book_title",
                        "publisher",
                        "volume",
                        "issue",
                        "pages",
                        "doi",
                        "pmid",
                        "evidence",
                        "attribution",
                    ]
                ],
                column("substances", references="substances"),
                Fields("characteristics"),
                column("trials", references="trials"),
                column("checked.source", name="checked_source"),
                derived(
                    "checked_against",
                    "string",
                    "What the record was checked against: PubMed, PubMed Central, its DOI, the publisher, a registry, "
                    "or a copy of the record (no primary record was in reach; `checked_source` is then empty).",
                    _checked_against,
                ),
                column("checked.date", name="checked_date", description="When the record was checked."),
                Fields(),
                derived("url", "string", "The study's page on the site.", _page("studies")),
            ),
            COLLECTIONS["studies"],
            row_name="study",
            left_out={
                "sentence_case_title": "a form of the title for references; the title is published",
                "edition": "in the reference files (references.bib, .ris, .json), with the rest of the reference",
                "result": "the review's own summary, on the study's page",
                "note": "the review's caveats about the record, on the study's page",
                "checked.also": "the editors' other addresses, kept with the record",
                "checked.mirrors": "kept for audits and never shown to readers",
                "characteristics.arms": "a list of arms, in `participants` on the study's page",
                "risk_of_bias.domains": "one row per domain in the risk-of-bias table",
                "effects": "one row per outcome in the effects table",
                "adverse_events.serious": "one row per study in the adverse-events table, with the groups' counts",
            },
        ),
        Table(
            "findings",
            "Findings",
            lambda index: list(index.findings.values()),
            (
                column("id", description="Stable id of the finding, unique across the review; its anchor on its page."),
                derived(
                    "page",
                    "string",
                    "The page (mechanism or topic) that holds it, as `collection/id`.",
                    lambda f, index: "/".join(f["holder"]),
                ),
                column(
                    "outcome",
                    description="The summary-of-findings row it answers, on a mechanism page.",
                    references="summary-of-findings.outcome",
                ),
                column("statement", description="The finding in the review's words, as plain text."),
                column("evidence", description="Level of evidence."),
                column("substances", description="Substances the finding concerns.", references="substances"),
                column(
                    "studies", description="Studies that support the finding (ids of the studies table).", references="studies"
                ),
                column(
                    "direction",
                    description="How the result bears on the question it answers: supports, no-difference, against, "
                    "mixed, harm, or limitation (a limit of the evidence, not a result).",
                    default="supports",
                ),
                column(
                    "attribution",
                    description="`chapter` or `since-chapter`: whether it is the chapter's or later evidence.",
                    default="chapter",
                ),
                Fields(),
                derived("url", "string", "The finding's address on the site.", _page("findings")),
            ),
            _FINDING,
            row_name="finding",
        ),
        Table(
            "trials",
            "Registered trials and their registry status",
            lambda index: index.ordered("trials"),
            (
                column("id"),
                derived(
                    "registry",
                    "string",
                    "The registry of the trial's main record.",
                    lambda t, i: i.trials.by_id[t["id"]].registry.name,
                ),
                derived("registry_id", "string", "The trial's id in that registry.", lambda t, i: i.trials.by_id[t["id"]].label),
                *[column(name) for name in ["title", "condition", "condition_group"]],
                column("substances", references="substances"),
                derived(
                    "related_compound",
                    "boolean",
                    "True when none of its substances is a classic psychedelic (listed apart, as a related compound).",
                    lambda t, index: index.trials.by_id[t["id"]].related,
                ),
                Fields(),
                Fields("record", prefix="record_"),
                column("checked.source", name="checked_source"),
                column("checked.date", name="checked_date", description="When the registry record was read."),
                derived(
                    "possibly_stale",
                    "boolean",
                    "True when the record's own date is more than a year before the review's evidence date, or was "
                    "not seen: the status may be out of date.",
                    lambda t, index: index.trials.by_id[t["id"]].stale,
                ),
                derived(
                    "publications",
                    "string",
                    "Studies that report the trial (ids of the studies table; each study lists its trials).",
                    lambda t, index: list(index.trials.by_id[t["id"]].publications),
                    list_=True,
                    references="studies",
                ),
                derived(
                    "registry_url",
                    "string",
                    "The registry's own page for the record.",
                    lambda t, i: i.trials.by_id[t["id"]].address,
                ),
                derived("url", "string", "The trial's page on the site.", _page("trials")),
            ),
            COLLECTIONS["trials"],
            row_name="trial",
            left_out={
                "design": "the review's description, on the trial's page",
                "outcome": "the review's account of what came of the trial, on the trial's page",
                "notes": "the editors' notes for auditors, on the trial's page",
                "checked.also": "the editors' other addresses, kept with the record",
                "checked.mirrors": "kept for audits and never shown to readers",
            },
        ),
        Table(
            "questions",
            "Open questions",
            lambda index: index.ordered("questions"),
            (
                column("id"),
                column("question"),
                column(
                    "progress.status",
                    name="status",
                    description="`open`, `partly-answered` or `answered` by evidence published since the chapter.",
                    default="open",
                ),
                column(
                    "progress.date",
                    name="status_date",
                    description="As of when the status was judged (empty for an open question).",
                ),
                *[column(name, references=name) for name in ("mechanisms", "findings", "studies", "trials")],
                Fields(),
                derived("url", "string", "The question's page on the site.", _page("questions")),
            ),
            COLLECTIONS["questions"],
            row_name="question",
            left_out={
                "why": "the review's argument, on the question's page",
                "known": "the review's argument, on the question's page",
                "design": "the review's proposal, on the question's page",
                "progress.text": "the review's account, on the question's page",
            },
        ),
        Table(
            "effects",
            "Outcomes as the studies report them",
            lambda index: [
                {"study": s["id"], "number": i, **e}
                for s in index.ordered("studies")
                for i, e in enumerate(s.get("effects", []), 1)
            ],
            (
                derived("study", "string", "The study (id of the studies table).", lambda r, i: r["study"], references="studies"),
                derived("number", "integer", "The outcome's place in the study's list.", lambda r, i: r["number"]),
                Fields(),
                derived(
                    "arms",
                    "string",
                    "Each group's data as reported: label, n, events, mean, SD (empty where not reported).",
                    lambda r, i: [
                        f"{a['label']}: n={_or(a.get('n'))}, events={_or(a.get('events'))}, mean={_or(a.get('mean'))}, "
                        f"sd={_or(a.get('sd'))}"
                        for a in r.get("arms") or []
                    ],
                    list_=True,
                ),
            ),
            _EFFECT,
            {"arms": "published as one text per group in the derived `arms` column"},
            key=("study", "number"),
        ),
        Table(
            "risk-of-bias",
            "Risk of bias by domain",
            lambda index: [
                {"study": s["id"], "number": n, "rob": s["risk_of_bias"], **d}
                for s in index.ordered("studies")
                if s.get("risk_of_bias")
                for n, d in enumerate(
                    s["risk_of_bias"].get("domains") or [{"domain": None, "judgement": None, "support": None}], 1
                )
            ],
            (
                derived("study", "string", "The study (id of the studies table).", lambda r, i: r["study"], references="studies"),
                derived("number", "integer", "The domain's place in the tool's order.", lambda r, i: r["number"]),
                derived(
                    "tool", "string", "The tool (rob2, rob2-crossover, robins-i, syrcle, none).", lambda r, i: r["rob"]["tool"]
                ),
                derived("result", "string", "The result the judgement is for.", lambda r, i: r["rob"].get("result")),
                Fields(),
                derived("overall", "string", "The study's overall judgement.", lambda r, i: r["rob"]["overall"]),
                derived("why", "string", "Why no tool was applied (tool `none`).", lambda r, i: r["rob"].get("why")),
            ),
            _DOMAIN,
            key=("study", "number"),
        ),
        Table(
            "adverse-events",
            "Adverse events as reported",
            lambda index: [
                {"study": s["id"], **s["adverse_events"]} for s in index.ordered("studies") if s.get("adverse_events")
            ],
            (
                derived("study", "string", "The study (id of the studies table).", lambda r, i: r["study"], references="studies"),
                Fields(),
                derived(
                    "serious_by_group",
                    "string",
                    "Serious adverse events by group: `group: events of n` (empty where no counts are reported).",
                    lambda r, i: [f"{a['arm']}: {_or(a['events'])} of {_or(a['n'])}" for a in r.get("serious") or []],
                    list_=True,
                ),
            ),
            _ADVERSE,
            {"serious": "published as one text per group in the derived `serious_by_group` column"},
            key=("study",),
        ),
        Table(
            "comparisons",
            "The clinical questions of the outcome tables",
            lambda index: index.ordered("comparisons"),
            (column("id"), Fields(), derived("url", "string", "The question's table on the site.", _page("comparisons"))),
            COLLECTIONS["comparisons"],
            {
                "key_message": "the review's plain-language summary, on the outcomes page and the home page",
                "pooling": "each decision, with its reason, in the clinical-outcomes table",
            },
            row_name="comparison",
        ),
        Table(
            "clinical-outcomes",
            "Rows of the clinical outcome tables",
            lambda index: [{"row": row} for table in index.summary.comparisons() for row in table["rows"]],
            (
                derived(
                    "comparison",
                    "string",
                    "The clinical question (id of the comparisons table).",
                    lambda r, i: r["row"].comparison["id"],
                    references="comparisons",
                ),
                derived(
                    "outcome",
                    "string",
                    "The outcome, from the review's one list of clinical outcomes.",
                    lambda r, i: r["row"].outcome.id,
                ),
                derived(
                    "trials",
                    "string",
                    "The controlled trials that report it (ids of the studies table).",
                    lambda r, i: [x.study for x in r["row"].results],
                    list_=True,
                    references="studies",
                ),
                derived(
                    "participants",
                    "integer",
                    "Participants in those trials, each sample counted once.",
                    lambda r, i: r["row"].rating.participants,
                ),
                derived(
                    "pooled",
                    "string",
                    "The random-effects pool, where the trials were judged comparable: measure, estimate, 95% CI, I², τ².",
                    lambda r, i: _pooled(r["row"].pooled),
                ),
                derived(
                    "pooling_decision",
                    "string",
                    "Whether the trials were pooled, and why (the editors' judgement of comparability).",
                    lambda r, i: (
                        None
                        if r["row"].pooling is None
                        else f"{'pool' if r['row'].pooling['pool'] else 'not pooled'}: {r['row'].pooling['why']}"
                    ),
                ),
                derived(
                    "absolute_effect", "string", "Per 1,000, where the data allow (computed).", lambda r, i: r["row"].absolute
                ),
                derived(
                    "certainty",
                    "string",
                    "The certainty (this review's rating; empty when not estimable).",
                    lambda r, i: r["row"].rating.level,
                ),
                derived(
                    "downgrades",
                    "string",
                    "Each downgrade: domain, levels and reason.",
                    lambda r, i: [f"{d.domain} ({d.change}): {d.text}" for d in r["row"].rating.downgrades],
                    list_=True,
                ),
                derived("statement", "string", "GRADE's plain-language statement for it.", lambda r, i: r["row"].statement),
            ),
            key=("comparison", "outcome"),
        ),
        Table(
            "summary-of-findings",
            "Summary-of-findings rows of the mechanism pages",
            lambda index: [
                {"mechanism": m["id"], "row": row} for m in index.ordered("mechanisms") for row in index.summary.rows(m["id"])
            ],
            (
                derived("mechanism", "string", "The mechanism (id).", lambda r, i: r["mechanism"], references="mechanisms"),
                derived("outcome", "string", "The row's id on the mechanism page.", lambda r, i: r["row"]["outcome"]["id"]),
                derived(
                    "question", "string", "The question the row's findings answer.", lambda r, i: r["row"]["outcome"]["question"]
                ),
                derived("studies", "integer", "Primary studies in the row.", lambda r, i: len(r["row"]["rating"].studies)),
                derived("studies_in_people", "integer", "Of these, studies in people.", lambda r, i: r["row"]["rating"].people),
                derived(
                    "participants",
                    "integer",
                    "Participants in the studies in people that report their number.",
                    lambda r, i: r["row"]["rating"].participants,
                ),
                derived(
                    "certainty",
                    "string",
                    "The row's certainty (this review's rating, computed; see the method page).",
                    lambda r, i: r["row"]["rating"].level,
                ),
                derived(
                    "computed_certainty",
                    "string",
                    "The computed certainty, where an editor set another.",
                    lambda r, i: r["row"]["rating"].computed if r["row"]["rating"].override else None,
                ),
                derived(
                    "downgrades",
                    "string",
                    "Each downgrade: domain, levels and reason.",
                    lambda r, i: [f"{d.domain} ({d.change}): {d.text}" for d in r["row"]["rating"].downgrades],
                    list_=True,
                ),
                derived(
                    "statement",
                    "string",
                    "The finding in GRADE's plain-language wording for its certainty.",
                    lambda r, i: r["row"]["statement"],
                ),
                derived(
                    "study_ids",
                    "string",
                    "The row's primary studies (ids of the studies table).",
                    lambda r, i: list(r["row"]["rating"].studies),
                    list_=True,
                    references="studies",
                ),
            ),
            key=("mechanism", "outcome"),
        ),
        Table(
            "evidence-map",
            "Evidence-map cells",
            lambda index: [{"mechanism": r["mechanism"]["id"], "cell": c} for r in index.summary.map_rows() for c in r["cells"]],
            (
                derived("mechanism", "string", "The mechanism (id).", lambda r, i: r["mechanism"], references="mechanisms"),
                derived(
                    "evidence",
                    "string",
                    "The kind of evidence (the map's column): " + ", ".join(MAP_COLUMNS) + ".",
                    lambda r, i: r["cell"].key,
                ),
                derived("findings", "integer", "Findings in the cell.", lambda r, i: len(r["cell"].findings)),
                derived(
                    "studies", "integer", "Distinct primary studies behind them; 0 is a gap.", lambda r, i: len(r["cell"].studies)
                ),
                derived(
                    "participants",
                    "integer",
                    "Participants in the studies in people that report their number.",
                    lambda r, i: r["cell"].participants,
                ),
                derived(
                    "certainty",
                    "string",
                    "The cell's certainty by the same rules (empty for a gap).",
                    lambda r, i: r["cell"].rating.level if r["cell"].rating else None,
                ),
                derived(
                    "study_ids",
                    "string",
                    "The cell's studies (ids of the studies table).",
                    lambda r, i: r["cell"].studies,
                    list_=True,
                    references="studies",
                ),
            ),
            key=("mechanism", "evidence"),
        ),
        _names("mechanisms", "mechanism", "title"),
        _names("substances", "substance", "name"),
    ]
}


def _link_tables() -> dict[str, Table]:
    """A link table for every column of several ids (`findings.studies` -> `findings-studies`: the finding's key and
    one study a row), declared by the column itself: Table Schema's foreign keys cannot reach into a list."""
    out = {}
    for table in TABLES.values():
        for c in table.columns:
            if not (c.list and c.references):
                continue
            target = TABLES[c.references[0]]
            keys = [table.row_name] if table.key == ("id",) else list(table.key)
            columns = (
                *[
                    derived(k, "string", f"The {table.name} row (its `{src}`).", lambda r, i: None)
                    for k, src in zip(keys, table.key, strict=True)
                ],
                derived(
                    # a table's list of its own ids (a study's `same_participants_as`) is named after the list
                    target.row_name if target.row_name not in keys else c.name,
                    "string",
                    f"One of its `{c.name}` (an `id` of the {target.name} table).",
                    lambda r, i: None,
                ),
            )
            # named after the list, so that two lists of ids of one table (a comparison's studies and reviews) differ
            name = f"{table.name}-{c.name.replace('_', '-')}"
            out[name] = Table(
                name,
                f"Link table: {table.name} and their {c.name}",
                lambda index: [],
                columns,
                key=(*keys, columns[-1].name),
                link=(table.name, c.name),
            )
    return out


LINKS = _link_tables()
ALL_TABLES = TABLES | LINKS  # every table of a package, in this order


def foreign_keys(table: Table) -> list[dict]:
    """The table's foreign keys, in Table Schema's form: each column of ids of another table, and for a link table
    the row it belongs to."""
    keys = []
    if table.link:
        source = TABLES[table.link[0]]
        keys.append(
            {"fields": list(table.key[: len(source.key)]), "reference": {"resource": source.name, "fields": list(source.key)}}
        )
    for c in table.columns:
        if c.references and not c.list:
            keys.append({"fields": [c.name], "reference": {"resource": c.references[0], "fields": [c.references[1]]}})
    if table.link:
        column = next(c for c in TABLES[table.link[0]].columns if c.name == table.link[1])
        assert column.references
        keys.append({"fields": [table.columns[-1].name], "reference": {"resource": column.references[0], "fields": ["id"]}})
    return keys


def _link_rows(table: Table, tables: dict[str, list[dict]]) -> list[dict]:
    """A link table's rows, from its source table's rows (each pair once, in order)."""
    assert table.link
    name, column = table.link
    source = TABLES[name]
    names = [c.name for c in table.columns]
    out = {}
    for row in tables[name]:
        for value in row.get(column) or []:
            values = [row[k] for k in source.key] + [value]
            out[tuple(values)] = dict(zip(names, values, strict=True))
    return list(out.values())


def with_links(tables: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The tables with their link tables."""
    return tables | {name: _link_rows(link, tables) for name, link in LINKS.items()}


def rows(index) -> dict[str, list[dict]]:
    """Every table of the review, as lists of {column: value} (None where empty), link tables included."""
    return with_links({name: table.rows(index) for name, table in TABLES.items()})


def mechanism_slice(tables: dict, mechanism_id: str) -> dict[str, list[dict]]:
    """One mechanism's share of the tables: its findings, rows and cells, its questions, and every row any of
    these references, and so on (a slice is self-contained: no id in it is missing from it)."""
    key = {name: (lambda row, t=t: tuple(row[k] for k in t.key)) for name, t in TABLES.items()}
    chosen: dict[str, dict[tuple, dict]] = {name: {} for name in TABLES}
    lookup: dict[tuple[str, str], dict[Any, list[dict]]] = {}

    def rows_where(table: str, field: str, value) -> list[dict]:
        if (table, field) not in lookup:
            found: dict[Any, list[dict]] = {}
            for row in tables[table]:
                found.setdefault(row[field], []).append(row)
            lookup[table, field] = found
        return lookup[table, field].get(value, [])

    todo = [("mechanisms", r) for r in rows_where("mechanisms", "id", mechanism_id)]
    todo += [("findings", r) for r in tables["findings"] if r["page"] == f"mechanisms/{mechanism_id}"]
    todo += [(name, r) for name in ("summary-of-findings", "evidence-map") for r in rows_where(name, "mechanism", mechanism_id)]
    todo += [("questions", r) for r in tables["questions"] if mechanism_id in r["mechanisms"]]
    # A child table's rows (its key opens with the id of a parent row: a study's effects, risk of bias, adverse
    # events) belong to the slice with their parent.
    children = [
        (name, c) for name, t in TABLES.items() for c in t.columns[:1] if c.name == t.key[0] and c.references and t.key != ("id",)
    ]
    while todo:
        name, row = todo.pop()
        if key[name](row) in chosen[name]:
            continue
        chosen[name][key[name](row)] = row
        for c in TABLES[name].columns:
            if c.references and row.get(c.name) is not None:
                for value in row[c.name] if c.list else [row[c.name]]:
                    todo += [(c.references[0], r) for r in rows_where(*c.references, value)]
        for child, c in children:
            if c.references and c.references[0] == name:
                todo += [(child, r) for r in rows_where(child, c.name, row[c.references[1]])]
    return with_links({name: [r for r in tables[name] if key[name](r) in chosen[name]] for name in TABLES})


def to_csv(columns: Sequence[Column], table: list[dict]) -> str:
    """RFC 4180 CSV with a header row, a byte-order mark, empty cells for nulls and lists joined."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    for row in table:
        writer.writerow([_cell(c, row.get(c.name)) for c in columns])
    return "\ufeff" + out.getvalue()


def _cell(column: Column, value) -> str:
    """A CSV cell: text by OWASP's rule for formulas (a number, checked as one, stays a number)."""
    if value is None:
        return ""
    if column.list:
        return csv_cell(LIST_SEPARATOR.join(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if column.type in ("number", "integer") else csv_cell(str(value))


def to_json(columns: Sequence[Column], table: list[dict]) -> str:
    """The same table as a JSON array of objects (numbers as numbers, identifiers and other text as strings, lists
    as arrays), one row a line: readable in a diff, and written by json's C encoder (an indent would use the slow
    pure-Python one)."""
    rows = [json.dumps({c.name: _json_value(c, row.get(c.name)) for c in columns}, ensure_ascii=False) for row in table]
    return "[\n" + ",\n".join(rows) + "\n]\n" if rows else "[]\n"


def _json_value(column: Column, value):
    if value is None or column.list:
        return value
    if column.type == "number":
        return float(value)
    if column.type == "integer":
        return int(value)
    return value


def descriptor(info: dict, release: dict, current_to: str, name: str, title: str) -> dict:
    """The Frictionless Data package descriptor (datapackage.json) of one package."""
    resources = []
    for resource, table in ALL_TABLES.items():
        columns, table_title = table.columns, table.title
        fields = []
        for c in columns:
            field = {"name": c.name, "type": "string" if c.list else c.type, "description": c.description}
            if c.list:
                field["description"] += f" Several values are separated by `{LIST_SEPARATOR.strip()} `."
            fields.append(field)
        resources.append(
            {
                "name": resource,
                "title": table_title,
                "path": f"{resource}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": fields,
                    "missingValues": [""],
                    "primaryKey": list(table.key),
                    **({"foreignKeys": foreign_keys(table)} if foreign_keys(table) else {}),
                },
            }
        )
    return {
        "name": name,
        "title": title,
        "description": f"{info['description'].strip()} Evidence current to {current_to}.",
        "version": release["version"],
        "created": f"{release['date']}T00:00:00Z",
        "homepage": info["url"],
        "licenses": [LICENSE],
        "contributors": [
            {"title": a.get("organisation") or f"{a['given']} {a['family']}", "role": "author"} for a in info["authors"]
        ],
        "keywords": list(KEYWORDS),
        "resources": resources,
    }


def files(index) -> dict[str, str]:
    """{site path: text} of every data file: the whole review under data/, each mechanism's slice below it."""
    info, release = index.info, index.releases[0]
    current_to = index.search["current_to"]
    tables = rows(index)
    out = {}

    def package(folder: str, data: dict, name: str, title: str):
        for resource, table in ALL_TABLES.items():
            out[f"{folder}/{resource}.csv"] = to_csv(table.columns, data[resource])
            out[f"{folder}/{resource}.json"] = to_json(table.columns, data[resource])
        out[f"{folder}/datapackage.json"] = (
            json.dumps(descriptor(info, release, current_to, name, title), ensure_ascii=False, indent=1) + "\n"
        )

    package("data", tables, "sud-psychedelics-review", f"{info['title']}: data")
    for m in index.ordered("mechanisms"):
        package(
            f"data/mechanisms/{m['id']}",
            mechanism_slice(tables, m["id"]),
            f"sud-psychedelics-review-{m['id']}",
            f"{info['title']}: data on {m['title'].lower()}",
        )
    return out
