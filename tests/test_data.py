"""The review as open data: the Frictionless package validates (whole and per mechanism, foreign keys
included), every column is documented, the CSV opens in a spreadsheet with its accents, JSON and CSV agree, the
data equal the pages, and a data user's tools (pandas, DuckDB) load every table and join every id."""

import csv
import dataclasses
import io
import json
import re

import duckdb
import pandas as pd
import pytest
import yaml
from frictionless import Package
from review.outputs import data
from review.outputs.data import ALL_TABLES, LINKS, TABLES, leaf_fields

MECHANISMS = [
    "emotion-processing",
    "network-connectivity",
    "neuroplasticity",
    "reward-and-stress",
    "social-connectedness",
    "subjective-experience",
]
FOLDERS = ["data", *[f"data/mechanisms/{m}" for m in MECHANISMS]]


@pytest.fixture(scope="module")
def data_dir(real_outputs, tmp_path_factory):
    """The data files of the real content, written to a folder."""
    root = tmp_path_factory.mktemp("data")
    for path, text in real_outputs.items():
        if path.startswith("data/") and not path.endswith(".md"):
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode("utf-8"))
    return root


def table(data_dir, folder, name):
    return list(csv.DictReader(io.StringIO((data_dir / folder / f"{name}.csv").read_text(encoding="utf-8-sig"))))


@pytest.mark.parametrize("folder", FOLDERS)
def test_the_data_package_validates(data_dir, folder):
    report = Package(str(data_dir / folder / "datapackage.json")).validate()
    assert report.valid, report.flatten(["type", "note"])[:5]


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_column_is_documented_and_in_the_file(data_dir, folder):
    descriptor = json.loads((data_dir / folder / "datapackage.json").read_text())
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    for resource in descriptor["resources"]:
        header = (data_dir / folder / resource["path"]).read_text(encoding="utf-8-sig").splitlines()[0].split(",")
        assert header == [f["name"] for f in resource["schema"]["fields"]]
        assert all(f["description"].strip() for f in resource["schema"]["fields"])


def test_a_spreadsheet_reads_the_csv_as_utf8(data_dir):
    raw = (data_dir / "data" / "studies.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the mark that makes Excel read UTF-8
    text = raw.decode("utf-8-sig")
    assert "Thévenaz, M." in text and "Müller, F." in text and "Ã" not in text


@pytest.mark.parametrize("name", ["studies", "findings", "trials", "questions", "summary-of-findings", "evidence-map"])
def test_json_and_csv_hold_the_same_rows(data_dir, name):
    rows = table(data_dir, "data", name)
    items = json.loads((data_dir / "data" / f"{name}.json").read_text())
    assert len(rows) == len(items) > 0
    first = next(iter(rows[0]))
    assert [r[first] for r in rows] == [str(i[first]) for i in items]


def test_the_tables_cover_the_content(data_dir, real_renderer):
    index = real_renderer.index
    assert {r["id"] for r in table(data_dir, "data", "studies")} == set(index.data["studies"])
    assert {r["id"] for r in table(data_dir, "data", "findings")} == set(index.findings)
    assert {r["id"] for r in table(data_dir, "data", "trials")} == set(index.data["trials"])


def test_the_map_cells_are_the_pages(data_dir, real_outputs):
    page = real_outputs["evidence-map.md"]
    shown = re.findall(r'data-studies="(\d+)" data-participants="(\d+)" data-findings="\d+" data-study-ids="([^"]*)"', page)
    cells = [c for c in table(data_dir, "data", "evidence-map") if int(c["studies"])]
    assert sorted((c["studies"], c["participants"], c["study_ids"].replace("; ", " ")) for c in cells) == sorted(
        shown[: len(cells)]
    )


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_a_mechanism_slice_holds_its_findings_and_their_studies(data_dir, mechanism):
    folder = f"data/mechanisms/{mechanism}"
    own = [f for f in table(data_dir, "data", "findings") if f["page"] == f"mechanisms/{mechanism}"]
    findings = table(data_dir, folder, "findings")
    assert own and {f["id"] for f in own} <= {f["id"] for f in findings}
    cited = {s for f in own for s in f["studies"].split("; ")}
    assert cited <= {s["id"] for s in table(data_dir, folder, "studies")}


def descriptor_of(data_dir, folder):
    return json.loads((data_dir / folder / "datapackage.json").read_text())


def read_pandas(data_dir, folder, resource):
    """A table as the data page says to read it with pandas: the descriptor's string columns as text."""
    text = {f["name"]: "string" for f in resource["schema"]["fields"] if f["type"] == "string"}
    return pd.read_csv(data_dir / folder / resource["path"], dtype=text, keep_default_na=False, na_values=[""])


def read_duckdb(con, data_dir, folder, resource):
    """A table as the data page says to read it with DuckDB: every column as text."""
    path = str(data_dir / folder / resource["path"]).replace("'", "''")
    name = '"' + resource["name"] + '"'
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM read_csv('{path}', header = true, all_varchar = true)")
    return name


def joins(descriptor):
    """(table, fields, referenced table, fields) of every foreign key of a package."""
    for resource in descriptor["resources"]:
        for fk in resource["schema"].get("foreignKeys", []):
            yield resource["name"], fk["fields"], fk["reference"]["resource"], fk["reference"]["fields"]


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_reference_is_a_declared_foreign_key(data_dir, folder):
    """Each column of ids is a foreign key (a list of ids through its link table), so Frictionless checks them."""
    declared = {(t, tuple(f)) for t, f, _, _ in joins(descriptor_of(data_dir, folder))}
    for table_ in ALL_TABLES.values():
        for c in table_.columns:
            if c.references:
                link = next((t for t in LINKS.values() if t.link == (table_.name, c.name)), None)
                expected = (link.name, (link.columns[-1].name,)) if c.list and link else (table_.name, (c.name,))
                assert expected in declared, (table_.name, c.name)


@pytest.mark.parametrize("folder", FOLDERS)
def test_pandas_joins_every_id_with_no_dangling_id(data_dir, folder):
    descriptor = descriptor_of(data_dir, folder)
    frames = {r["name"]: read_pandas(data_dir, folder, r) for r in descriptor["resources"]}
    for source, fields, target, keys in joins(descriptor):
        rows = frames[source][fields].dropna()
        merged = rows.merge(frames[target][keys].drop_duplicates(), left_on=fields, right_on=keys, how="left", indicator=True)
        dangling = merged[merged["_merge"] == "left_only"]
        assert dangling.empty, (source, fields, dangling.head().to_dict("records"))


@pytest.mark.parametrize("folder", FOLDERS)
def test_duckdb_joins_every_id_with_no_dangling_id(data_dir, folder):
    descriptor = descriptor_of(data_dir, folder)
    con = duckdb.connect()
    names = {r["name"]: read_duckdb(con, data_dir, folder, r) for r in descriptor["resources"]}
    for source, fields, target, keys in joins(descriptor):
        on = " AND ".join(f's."{f}" = t."{k}"' for f, k in zip(fields, keys, strict=True))
        present = " AND ".join(f's."{f}" IS NOT NULL' for f in fields)
        missing = con.execute(
            f"SELECT count(*) FROM {names[source]} s LEFT JOIN (SELECT DISTINCT * FROM {names[target]}) t ON {on} "
            f'WHERE {present} AND t."{keys[0]}" IS NULL'
        ).fetchone()
        assert missing == (0,), (source, fields, target)


IDENTIFIERS = ["id", "doi", "pmid", "volume", "issue", "pages", "nct"]


def test_identifiers_are_strings_in_the_descriptor_the_json_and_as_read(data_dir):
    descriptor = descriptor_of(data_dir, "data")
    studies = next(r for r in descriptor["resources"] if r["name"] == "studies")
    types = {f["name"]: f["type"] for f in studies["schema"]["fields"]}
    assert all(types[name] == "string" for name in IDENTIFIERS if name in types)
    items = json.loads((data_dir / "data" / "studies.json").read_text())
    assert all(isinstance(i[name], str) for i in items for name in ("pmid", "volume", "issue") if i[name] is not None)
    frame = read_pandas(data_dir, "data", studies)
    barrett = frame[frame["id"] == "barrett2020"].iloc[0]
    assert (barrett["pmid"], barrett["issue"]) == ("32042038", "1")
    con = duckdb.connect()
    read_duckdb(con, data_dir, "data", studies)
    assert con.execute("SELECT pmid, issue FROM studies WHERE id = 'barrett2020'").fetchone() == ("32042038", "1")
    assert pd.read_json(data_dir / "data" / "studies.json", dtype=False).set_index("id").loc["barrett2020", "pmid"] == "32042038"


def test_an_empty_table_is_a_typed_empty_table_that_joins(tmp_path):
    """A package whose trials table has no rows: its CSV keeps the header, its JSON is [], Frictionless validates
    it, and DuckDB and pandas join it (no row, no error)."""
    columns = TABLES["trials"].columns
    (tmp_path / "trials.csv").write_text(data.to_csv(columns, []), encoding="utf-8")
    assert json.loads(data.to_json(columns, [])) == []
    con = duckdb.connect()
    read_duckdb(con, tmp_path, ".", {"name": "trials", "path": "trials.csv"})
    assert [c[0] for c in con.execute('DESCRIBE "trials"').fetchall()] == [c.name for c in columns]
    assert con.execute("SELECT count(*) FROM (SELECT 'x' AS id) s LEFT JOIN trials t ON s.id = t.id").fetchone() == (1,)
    frame = pd.read_csv(tmp_path / "trials.csv", dtype="string")
    assert list(frame.columns) == [c.name for c in columns] and frame.empty


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted_by_owasps_rule():
    columns = [data.Column("title", "string", "A title."), data.Column("value", "number", "A number.")]
    rows = [{"title": t, "value": "-0.5"} for t in ["=HYPERLINK(1)", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "plain"]]
    read = list(csv.reader(io.StringIO(data.to_csv(columns, rows).lstrip("\ufeff"))))[1:]
    assert [r[0] for r in read] == ["'=HYPERLINK(1)", "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "plain"]
    assert {r[1] for r in read} == {"-0.5"}  # a number stays a number


def test_the_data_page_describes_the_dataset_for_search_engines(real_outputs):
    ld = json.loads(yaml.safe_load(real_outputs["data/index.md"].split("---\n")[1])["review"]["jsonld"])
    assert ld["@type"] == "Dataset" and ld["creator"] == [{"@type": "Organization", "name": "SUD Psychedelics Review Team"}]
    files = {d["contentUrl"].rsplit("/", 1)[1] for d in ld["distribution"]}
    assert files == {"datapackage.json"} | {f"{t}.{ext}" for t in ALL_TABLES for ext in ("csv", "json")}
    assert all(d["@type"] == "DataDownload" and d["encodingFormat"] for d in ld["distribution"])


def test_the_data_page_gives_the_licence_and_a_citation(real_outputs, real_renderer):
    page = real_outputs["data/index.md"]
    newest = real_renderer.index.releases[0]["version"]  # its edition's address when the site has it, else living
    assert "CC BY 4.0" in page and "[Data set]" in page and real_renderer.index.address_in(newest, "data/index.md") in page


TABLES_OF_CONTENT = [t for t in TABLES.values() if t.schema is not None]


@pytest.mark.parametrize("table", TABLES_OF_CONTENT, ids=[t.name for t in TABLES_OF_CONTENT])
def test_every_content_field_is_a_column_or_deliberately_left_out(table):
    """The data cannot silently lose a field: each field of the content model is published or is in the table's
    `left_out`, with the reason, and every field left out is still a field (sqlite-utils' test_docs, for data)."""
    fields = set(leaf_fields(table.schema))
    published = {c.field for c in table.columns if c.field}
    assert fields - published == set(table.left_out), "publish the field, or add it to the table's left_out"
    assert published <= fields and not published & set(table.left_out)
    assert all(reason.strip() for reason in table.left_out.values())


@pytest.mark.parametrize("table", list(ALL_TABLES.values()), ids=list(ALL_TABLES))
def test_the_data_page_documents_every_column(real_outputs, table):
    page = real_outputs["data/index.md"]
    block = page.split(f"{{ #{table.name} }}", 1)[1].split("</table>", 1)[0]
    assert re.findall(r"<tr><td><code>([^<]+)</code>", block) == [c.name for c in table.columns]


def test_a_new_study_field_reaches_the_data_with_no_other_edit(monkeypatch):
    """The other half of the experiment in issue 25: a field added to the content model is a column at once."""
    schema = json.loads(json.dumps(TABLES["studies"].schema))
    schema["properties"]["funding"] = {"type": "string", "description": "Who paid for it. Plain text."}
    table = dataclasses.replace(TABLES["studies"], schema=schema)
    column = next(c for c in table.columns if c.field == "funding")
    assert (column.name, column.type, column.description) == ("funding", "string", "Who paid for it. Plain text.")
    assert table.columns[-1].name == "url"
