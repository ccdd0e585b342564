"""The review as open data: the Frictionless package validates (whole and per mechanism), every column is
documented, the CSV opens in a spreadsheet with its accents, JSON and CSV agree, and the data equal the pages."""

import csv
import io
import json
import re

import pytest
from frictionless import Package

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
