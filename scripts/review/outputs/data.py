"""The review as open data: tables of studies, findings, trials, questions, summary-of-findings rows and
evidence-map cells, as CSV and JSON, with a Frictionless Data package descriptor that documents every column.

Columns take their descriptions from the content schema where a column is a content field, so the descriptor
cannot drift from the content model. The whole review is one package (`data/`); each mechanism has its own
slice (`data/mechanisms/<id>/`). CSV is written as UTF-8 with a byte-order mark, which spreadsheet programs
read as UTF-8 (without it Excel shows "ThÃ©venaz" for "Thévenaz"); Frictionless reads the mark too.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from ..model import markup
from ..model.evidence import MAP_COLUMNS
from ..model.schema import COLLECTIONS
from . import addresses

LIST_SEPARATOR = "; "
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Table Schema type: string, integer, number, boolean, date
    description: str
    list: bool = False  # several values, joined by LIST_SEPARATOR in CSV, an array in JSON


def _described(collection: str, *path: str) -> str:
    """The content schema's description of a field (`characteristics`, `design` ...)."""
    schema = COLLECTIONS[collection]
    for key in path:
        schema = schema["properties"][key] if "properties" in schema else schema["items"]["properties"][key]
    return schema["description"]


def _c(collection, name, type_="string", *path, list_=False, description=None):
    return Column(name, type_, description or _described(collection, *(path or (name,))), list_)


STUDY_COLUMNS = [
    _c("studies", "id"),
    Column("label", "string", "How the review cites it in the text (APA 7 author-date, disambiguated)."),
    _c("studies", "authors", "string", list_=True),
    _c("studies", "authors_incomplete", "boolean"),
    _c("studies", "year", "integer"),
    _c("studies", "title"),
    _c("studies", "type"),
    _c("studies", "journal"),
    _c("studies", "book_title"),
    _c("studies", "publisher"),
    _c("studies", "volume"),
    _c("studies", "issue"),
    _c("studies", "pages"),
    _c("studies", "doi"),
    _c("studies", "pmid"),
    _c("studies", "evidence"),
    _c("studies", "substances", list_=True),
    _c("studies", "attribution"),
    *[
        _c("studies", key, type_, "characteristics", key)
        for key, type_ in [
            ("design", "string"),
            ("methods", "string"),
            ("population", "string"),
            ("condition", "string"),
            ("studies_included", "integer"),
            ("enrolled", "integer"),
            ("randomised", "integer"),
            ("analysed", "integer"),
            ("comparator", "string"),
            ("comparator_detail", "string"),
            ("blinding", "string"),
            ("dose", "string"),
            ("sessions", "integer"),
            ("psychotherapy", "string"),
            ("follow_up", "string"),
            ("primary_outcome", "string"),
            ("primary_timepoint", "string"),
            ("main_result", "string"),
        ]
    ],
    *[
        Column(f"effect_{key}", type_, f"Effect estimate: {text}")
        for key, type_, text in [
            ("measure", "string", "kind of estimate."),
            ("comparison", "string", "what is compared with what."),
            ("outcome", "string", "the outcome."),
            ("timepoint", "string", "when it was measured."),
            ("value", "number", "the estimate as reported."),
            ("ci_low", "number", "lower confidence limit."),
            ("ci_high", "number", "upper confidence limit."),
            ("ci_level", "integer", "confidence level in per cent."),
            ("p", "string", "p value as reported."),
            ("favours", "string", "which side of no effect favours the psychedelic."),
        ]
    ],
    _c("studies", "trials", list_=True),
    Column("checked_source", "string", _described("studies", "checked", "source")),
    Column("checked_date", "date", "When the record was checked."),
    Column("url", "string", "The study's page on the site."),
]
FINDING_COLUMNS = [
    Column("id", "string", "Stable id of the finding, unique across the review; its anchor on its page."),
    Column("page", "string", "The page (mechanism or topic) that holds it, as `collection/id`."),
    Column("number", "integer", "Its number on that page (how it is cited: 'Finding N')."),
    Column("outcome", "string", "The summary-of-findings row it answers, on a mechanism page."),
    Column("statement", "string", "The finding in the review's words, as plain text."),
    Column("evidence", "string", "Level of evidence."),
    Column("substances", "string", "Substances the finding concerns.", True),
    Column("studies", "string", "Studies that support the finding (ids of the studies table).", True),
    Column("role", "string", "`caveat` for a contradiction, limit or complicating result."),
    Column("attribution", "string", "`chapter` or `since-chapter`: whether it is the chapter's or later evidence."),
    Column("url", "string", "The finding's address on the site."),
]
TRIAL_COLUMNS = [
    _c("trials", "id"),
    _c("trials", "nct"),
    _c("trials", "title"),
    _c("trials", "condition"),
    _c("trials", "substances", list_=True),
    _c("trials", "phase"),
    _c("trials", "sponsor"),
    _c("trials", "first_posted", "date"),
    *[
        _c("trials", key, type_, "registry", key)
        for key, type_ in [
            ("status", "string"),
            ("enrollment", "integer"),
            ("enrollment_type", "string"),
            ("start", "string"),
            ("primary_completion", "string"),
            ("completion", "string"),
            ("results_posted", "boolean"),
            ("results_first_posted", "string"),
            ("last_update_posted", "string"),
            ("as_of", "date"),
            ("source", "string"),
        ]
    ],
    Column("publications", "string", "Studies that report the trial (ids of the studies table).", True),
    Column("url", "string", "The trial's page on the site."),
]
QUESTION_COLUMNS = [
    _c("questions", "id"),
    _c("questions", "question"),
    Column("status", "string", "`open`, `partly-answered` or `answered` by evidence published since the chapter."),
    Column("status_date", "date", "As of when the status was judged (empty for an open question)."),
    _c("questions", "mechanisms", list_=True),
    _c("questions", "findings", list_=True),
    _c("questions", "studies", list_=True),
    _c("questions", "trials", list_=True),
    Column("url", "string", "The question's page on the site."),
]
SOF_COLUMNS = [
    Column("mechanism", "string", "The mechanism (id)."),
    Column("outcome", "string", "The row's id on the mechanism page."),
    Column("question", "string", "The question the row's findings answer."),
    Column("studies", "integer", "Primary studies in the row."),
    Column("studies_in_people", "integer", "Of these, studies in people."),
    Column("participants", "integer", "Participants in the studies in people that report their number."),
    Column("certainty", "string", "The row's certainty (this review's rating, computed; see the method page)."),
    Column("computed_certainty", "string", "The computed certainty, where an editor set another."),
    Column("downgrades", "string", "Each downgrade: domain, levels and reason.", True),
    Column("statement", "string", "The finding in GRADE's plain-language wording for its certainty."),
    Column("study_ids", "string", "The row's primary studies (ids of the studies table).", True),
]
MAP_COLUMNS = [
    Column("mechanism", "string", "The mechanism (id)."),
    Column("evidence", "string", "The kind of evidence (the map's column): " + ", ".join(MAP_COLUMNS) + "."),
    Column("findings", "integer", "Findings in the cell."),
    Column("studies", "integer", "Distinct primary studies behind them; 0 is a gap."),
    Column("participants", "integer", "Participants in the studies in people that report their number."),
    Column("certainty", "string", "The cell's certainty by the same rules (empty for a gap)."),
    Column("study_ids", "string", "The cell's studies (ids of the studies table).", True),
]
TABLES = {  # resource name: (columns, title)
    "studies": (STUDY_COLUMNS, "Studies and their characteristics"),
    "findings": (FINDING_COLUMNS, "Findings"),
    "trials": (TRIAL_COLUMNS, "Registered trials and their registry status"),
    "questions": (QUESTION_COLUMNS, "Open questions"),
    "summary-of-findings": (SOF_COLUMNS, "Summary-of-findings rows of the mechanism pages"),
    "evidence-map": (MAP_COLUMNS, "Evidence-map cells"),
}


def rows(index) -> dict[str, list[dict]]:
    """Every table of the review, as lists of {column: value} (None where empty)."""
    info, summary, labels = index.info, index.summary, index.bibliography.labels
    url = info["url"]

    def page(collection, target):
        return addresses.absolute(url, *index.path_of(collection, target))

    studies = []
    for s in index.ordered("studies"):
        c, e = s["characteristics"], s["characteristics"]["effect"] or {}
        studies.append(
            {
                **{
                    k: s.get(k)
                    for k in (
                        "id",
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
                    )
                },
                "label": labels[s["id"]],
                **{col.name: c.get(col.name) for col in STUDY_COLUMNS if col.name in c and col.name != "effect"},
                **{
                    f"effect_{k}": e.get(k)
                    for k in (
                        "measure",
                        "comparison",
                        "outcome",
                        "timepoint",
                        "value",
                        "ci_low",
                        "ci_high",
                        "ci_level",
                        "p",
                        "favours",
                    )
                },
                "trials": s.get("trials", []),
                "checked_source": (s.get("checked") or {}).get("source"),
                "checked_date": (s.get("checked") or {}).get("date"),
                "url": page("studies", s["id"]),
            }
        )
    findings = [
        {
            "id": fid,
            "page": "/".join(f["holder"]),
            "number": f["number"],
            "outcome": f.get("outcome"),
            "statement": markup.plain(f["statement"]),
            "evidence": f["evidence"],
            "substances": f["substances"],
            "studies": f["studies"],
            "role": f.get("role"),
            "attribution": f.get("attribution", "chapter"),
            "url": page("findings", fid),
        }
        for fid, f in index.findings.items()
    ]
    trials = [
        {
            **{k: t.get(k) for k in ("id", "nct", "title", "condition", "substances", "phase", "sponsor", "first_posted")},
            **{
                k: t["registry"].get(k)
                for k in (
                    "status",
                    "enrollment",
                    "enrollment_type",
                    "start",
                    "primary_completion",
                    "completion",
                    "results_posted",
                    "results_first_posted",
                    "last_update_posted",
                    "as_of",
                    "source",
                )
            },
            "publications": [s["id"] for s in index.ordered("studies") if t["id"] in s.get("trials", [])],
            "url": page("trials", t["id"]),
        }
        for t in index.ordered("trials")
    ]
    questions = [
        {
            "id": q["id"],
            "question": q["question"],
            "status": (q.get("progress") or {}).get("status", "open"),
            "status_date": (q.get("progress") or {}).get("date"),
            **{k: q.get(k, []) for k in ("mechanisms", "findings", "studies", "trials")},
            "url": page("questions", q["id"]),
        }
        for q in index.ordered("questions")
    ]
    sof = [
        {
            "mechanism": m["id"],
            "outcome": row["outcome"]["id"],
            "question": row["outcome"]["question"],
            "studies": len(row["rating"].studies),
            "studies_in_people": row["rating"].people,
            "participants": row["rating"].participants,
            "certainty": row["rating"].level,
            "computed_certainty": row["rating"].computed if row["rating"].override else None,
            "downgrades": [f"{r.domain} ({r.change}): {r.text}" for r in row["rating"].downgrades],
            "statement": row["statement"],
            "study_ids": list(row["rating"].studies),
        }
        for m in index.ordered("mechanisms")
        for row in summary.rows(m["id"])
    ]
    cells = [
        {
            "mechanism": r["mechanism"]["id"],
            "evidence": cell.key,
            "findings": len(cell.findings),
            "studies": len(cell.studies),
            "participants": cell.participants,
            "certainty": cell.rating.level if cell.rating else None,
            "study_ids": cell.studies,
        }
        for r in summary.map_rows()
        for cell in r["cells"]
    ]
    return {
        "studies": studies,
        "findings": findings,
        "trials": trials,
        "questions": questions,
        "summary-of-findings": sof,
        "evidence-map": cells,
    }


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


def to_csv(columns: list[Column], table: list[dict]) -> str:
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


def to_json(columns: list[Column], table: list[dict]) -> str:
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
    for resource, (columns, table_title) in TABLES.items():
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
        for resource, (columns, _) in TABLES.items():
            out[f"{folder}/{resource}.csv"] = to_csv(columns, data[resource])
            out[f"{folder}/{resource}.json"] = to_json(columns, data[resource])
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
