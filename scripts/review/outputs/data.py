"""The review as open data: tables of studies, findings, trials, questions, summary-of-findings rows and
evidence-map cells, as CSV and JSON, with a Frictionless Data package descriptor that documents every column.

Columns take their descriptions from the content schema where a column is a content field, so the descriptor
cannot drift from the content model. The whole review is one package (`data/`); each mechanism has its own
slice (`data/mechanisms/<id>/`). CSV is written as UTF-8 with a byte-order mark, which spreadsheet programs
read as UTF-8 (without it Excel shows "ThÃ©venaz" for "Thévenaz"); Frictionless reads the mark too.
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

from ..model import markup
from ..model.evidence import MAP_COLUMNS
from ..model.schema import COLLECTIONS, DATE, NUMBER
from . import addresses

LIST_SEPARATOR = "; "
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

    def get(self, record: dict, index: Any) -> Any:
        """This column's value in one row."""
        if self.value is not None:
            return self.value(record, index)
        current: Any = record
        for key in (self.field or self.name).split("."):
            current = current.get(key) if isinstance(current, dict) else None
        if current is None:
            return [] if self.list else self.default
        return markup.plain(current) if self.markdown else current


@dataclass(frozen=True)
class Fields:
    """A placeholder in a table's declaration: every field under `group` (a dotted path, "" for the record
    itself) that no other column publishes and that is not left out, in the schema's order, named
    `prefix` + its path below the group. A field added to the content model lands here, in the data."""

    group: str = ""
    prefix: str = ""


def column(path: str, *, name: str | None = None, description: str | None = None, default: Any = None) -> Column:
    """A column that publishes one content field (completed from the schema by its Table)."""
    return Column(name or path.rsplit(".", 1)[-1], "", description or "", field=path, default=default)


def derived(name: str, type_: str, description: str, value: Value, list_: bool = False) -> Column:
    """A column computed from the row's record (its Index at hand), not a content field."""
    return Column(name, type_, description, list_, value=value)


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
        return replace(
            c, type=kind, list=is_list, description=c.description or sub["description"], markdown=bool(sub.get("x-markdown"))
        )

    def rows(self, index: Any) -> list[dict]:
        """Every row, as {column: value} (None where empty)."""
        return [{c.name: c.get(record, index) for c in self.columns} for record in self.records(index)]


def _page(collection: str) -> Value:
    def url(record: dict, index: Any) -> str:
        return addresses.absolute(index.info["url"], *index.path_of(collection, record["id"]))

    return url


_FINDING = COLLECTIONS["mechanisms"]["properties"]["findings"]["items"]

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
                        "substances",
                        "attribution",
                    ]
                ],
                Fields("characteristics"),
                *[
                    column(f"characteristics.effect.{key}", name=f"effect_{key}", description=f"Effect estimate: {text}")
                    for key, text in [
                        ("measure", "kind of estimate."),
                        ("comparison", "what is compared with what."),
                        ("outcome", "the outcome."),
                        ("timepoint", "when it was measured."),
                        ("value", "the estimate as reported."),
                        ("ci_low", "lower confidence limit."),
                        ("ci_high", "upper confidence limit."),
                        ("ci_level", "confidence level in per cent."),
                        ("p", "p value as reported."),
                        ("favours", "which side of no effect favours the psychedelic."),
                    ]
                ],
                column("trials"),
                column("checked.source", name="checked_source"),
                column("checked.date", name="checked_date", description="When the record was checked."),
                Fields(),
                derived("url", "string", "The study's page on the site.", _page("studies")),
            ),
            COLLECTIONS["studies"],
            {
                "sentence_case_title": "a form of the title for references; the title is published",
                "edition": "in the reference files (references.bib, .ris, .json), with the rest of the reference",
                "result": "the review's own summary, on the study's page",
                "note": "the review's caveats about the record, on the study's page",
                "checked.also": "the editors' other addresses, kept with the record",
                "checked.mirrors": "kept for audits and never shown to readers",
                "characteristics.arms": "a list of arms, in `participants` on the study's page",
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
                derived("number", "integer", "Its number on that page (how it is cited: 'Finding N').", lambda f, i: f["number"]),
                column("outcome", description="The summary-of-findings row it answers, on a mechanism page."),
                column("statement", description="The finding in the review's words, as plain text."),
                column("evidence", description="Level of evidence."),
                column("substances", description="Substances the finding concerns."),
                column("studies", description="Studies that support the finding (ids of the studies table)."),
                column("role", description="`caveat` for a contradiction, limit or complicating result."),
                column(
                    "attribution",
                    description="`chapter` or `since-chapter`: whether it is the chapter's or later evidence.",
                    default="chapter",
                ),
                Fields(),
                derived("url", "string", "The finding's address on the site.", _page("findings")),
            ),
            _FINDING,
        ),
        Table(
            "trials",
            "Registered trials and their registry status",
            lambda index: index.ordered("trials"),
            (
                *[column(name) for name in ["id", "nct", "title", "condition", "substances", "phase", "sponsor", "first_posted"]],
                Fields("registry"),
                derived(
                    "publications",
                    "string",
                    "Studies that report the trial (ids of the studies table).",
                    lambda t, index: [s["id"] for s in index.ordered("studies") if t["id"] in s.get("trials", [])],
                    list_=True,
                ),
                Fields(),
                derived("url", "string", "The trial's page on the site.", _page("trials")),
            ),
            COLLECTIONS["trials"],
            {
                "design": "the review's description, on the trial's page",
                "outcome": "the review's account of what came of the trial, on the trial's page",
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
                *[column(name) for name in ("mechanisms", "findings", "studies", "trials")],
                Fields(),
                derived("url", "string", "The question's page on the site.", _page("questions")),
            ),
            COLLECTIONS["questions"],
            {
                "why": "the review's argument, on the question's page",
                "known": "the review's argument, on the question's page",
                "design": "the review's proposal, on the question's page",
                "progress.text": "the review's account, on the question's page",
            },
        ),
        Table(
            "summary-of-findings",
            "Summary-of-findings rows of the mechanism pages",
            lambda index: [
                {"mechanism": m["id"], "row": row} for m in index.ordered("mechanisms") for row in index.summary.rows(m["id"])
            ],
            (
                derived("mechanism", "string", "The mechanism (id).", lambda r, i: r["mechanism"]),
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
                    lambda r, i: [
                        f"{d.domain} ({d.change}): {d.text}" + (f" Findings: {', '.join(d.findings)}." if d.findings else "")
                        for d in r["row"]["rating"].downgrades
                    ],
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
                ),
            ),
        ),
        Table(
            "evidence-map",
            "Evidence-map cells",
            lambda index: [{"mechanism": r["mechanism"]["id"], "cell": c} for r in index.summary.map_rows() for c in r["cells"]],
            (
                derived("mechanism", "string", "The mechanism (id).", lambda r, i: r["mechanism"]),
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
                ),
            ),
        ),
    ]
}


def rows(index) -> dict[str, list[dict]]:
    """Every table of the review, as lists of {column: value} (None where empty)."""
    return {name: table.rows(index) for name, table in TABLES.items()}


def mechanism_slice(tables: dict, mechanism_id: str) -> dict[str, list[dict]]:
    """One mechanism's share of the tables: its findings, their studies and trials, its rows and cells."""
    findings = [f for f in tables["findings"] if f["page"] == f"mechanisms/{mechanism_id}"]
    study_ids = {s for f in findings for s in f["studies"]}
    studies = [s for s in tables["studies"] if s["id"] in study_ids]
    trial_ids = {t for s in studies for t in s["trials"]}
    return {
        "studies": studies,
        "findings": findings,
        "trials": [t for t in tables["trials"] if t["id"] in trial_ids],
        "questions": [q for q in tables["questions"] if mechanism_id in q["mechanisms"]],
        "summary-of-findings": [r for r in tables["summary-of-findings"] if r["mechanism"] == mechanism_id],
        "evidence-map": [c for c in tables["evidence-map"] if c["mechanism"] == mechanism_id],
    }


def to_csv(columns: Sequence[Column], table: list[dict]) -> str:
    """RFC 4180 CSV with a header row, a byte-order mark, empty cells for nulls and lists joined."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    for row in table:
        writer.writerow([_cell(c, row.get(c.name)) for c in columns])
    return "\ufeff" + out.getvalue()


def _cell(column: Column, value) -> str:
    if value is None:
        return ""
    if column.list:
        return LIST_SEPARATOR.join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_json(columns: Sequence[Column], table: list[dict]) -> str:
    """The same table as a JSON array of objects (numbers as numbers, lists as arrays), one row a line: readable
    in a diff, and written by json's C encoder (an indent would use the slow pure-Python one)."""
    rows = [json.dumps({c.name: _json_value(c, row.get(c.name)) for c in columns}, ensure_ascii=False) for row in table]
    return "[\n" + ",\n".join(rows) + "\n]\n"


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
    for resource, table in TABLES.items():
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
                    **({"primaryKey": ["id"]} if columns[0].name == "id" else {}),
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
        "keywords": ["psychedelics", "substance use disorders", "evidence review", "psilocybin", "LSD"],
        "resources": resources,
    }


def files(index) -> dict[str, str]:
    """{site path: text} of every data file: the whole review under data/, each mechanism's slice below it."""
    info, release = index.info, index.releases[0]
    current_to = index.search["current_to"]
    tables = rows(index)
    out = {}

    def package(folder: str, data: dict, name: str, title: str):
        for resource, table in TABLES.items():
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
