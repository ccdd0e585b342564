"""The review as open data: the Frictionless package validates (whole and per mechanism), every column is
documented, the CSV opens in a spreadsheet with its accents, JSON and CSV agree, and the data equal the pages."""

import csv
import dataclasses
import io
import json
import re

import pytest
from frictionless import Package
from review.outputs.data import TABLES, leaf_fields

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
    findings = table(data_dir, folder, "findings")
    assert findings and all(f["page"] == f"mechanisms/{mechanism}" for f in findings)
    cited = {s for f in findings for s in f["studies"].split("; ")}
    assert cited == {s["id"] for s in table(data_dir, folder, "studies")}


def test_the_data_page_gives_the_licence_and_a_citation(real_outputs):
    page = real_outputs["data/index.md"]
    assert "CC BY 4.0" in page and "[Data set]" in page and "editions/0.2.0/data/" in page


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


@pytest.mark.parametrize("table", list(TABLES.values()), ids=list(TABLES))
def test_the_data_page_documents_every_column(real_outputs, table):
    page = real_outputs["data/index.md"]
    block = page.split(f"{{ #{table.name} }}", 1)[1].split("</table>", 1)[0]
    assert re.findall(r"<tr[^>]*><td[^>]*><code>([^<]+)</code>", block) == [c.name for c in table.columns]


def test_a_new_study_field_reaches_the_data_with_no_other_edit(monkeypatch):
    """The other half of the experiment in issue 25: a field added to the content model is a column at once."""
    schema = json.loads(json.dumps(TABLES["studies"].schema))
    schema["properties"]["funding"] = {"type": "string", "description": "Who paid for it. Plain text."}
    table = dataclasses.replace(TABLES["studies"], schema=schema)
    column = next(c for c in table.columns if c.field == "funding")
    assert (column.name, column.type, column.description) == ("funding", "string", "Who paid for it. Plain text.")
    assert table.columns[-1].name == "url"
