"""How strong the evidence is, as the pages show it: characteristics on every study page, a summary of findings
opening every mechanism page, an evidence map whose numbers are the characteristics table's, forest plots with
their numbers, and ratings that follow the content with no other edit."""

import re
import xml.etree.ElementTree as ET

import pytest
import yaml
from conftest import ROOT, TEMPLATES
from review.commands.build import build

STUDIES = sorted(p.stem for p in (ROOT / "content" / "studies").glob("*.yaml"))
MECHANISMS = sorted(p.stem for p in (ROOT / "content" / "mechanisms").glob("*.yaml"))
LABELS = [
    "Design",
    "What was done",
    "Population or sample",
    "Condition studied",
    "Participants",
    "Comparator",
    "Blinding",
    "Substance and dose",
    "Drug sessions",
    "Psychotherapy",
    "Follow-up",
    "Primary outcome",
    "Main result as reported",
    "Primary outcome estimates",
    "Risk of bias",
    "Adverse events",
    "Registration",
]


def cells(html: str, row_label: str) -> str:
    """The text of a record-table cell, by its row heading."""
    match = re.search(rf'<tr><th scope="row">{re.escape(row_label)}</th><td>(.*?)</td></tr>', html, re.S)
    assert match, row_label
    return match.group(1)


@pytest.mark.parametrize("sid", STUDIES)
def test_every_study_page_shows_every_characteristic_or_says_why_not(real_outputs, sid):
    page = real_outputs[f"studies/{sid}.md"]
    data = yaml.safe_load((ROOT / "content" / "studies" / f"{sid}.yaml").read_text())["characteristics"]
    for label in LABELS:
        text = cells(page, label)
        assert text.strip(), (sid, label)
    for field in ("condition", "dose", "psychotherapy", "follow_up", "main_result"):
        if data[field] is None:
            assert "not reported in the sources checked" in page or "not applicable" in page
    assert 'href="../../characteristics/#' + sid + '"' in page


@pytest.mark.parametrize("mid", MECHANISMS)
def test_every_mechanism_page_opens_with_its_summary_of_findings(real_outputs, mid):
    page = real_outputs[f"mechanisms/{mid}.md"]
    headings = re.findall(r"^## (.+?) \{", page, re.M)
    assert headings[0] == "Summary of findings"
    outcomes = yaml.safe_load((ROOT / "content" / "mechanisms" / f"{mid}.yaml").read_text())["outcomes"]
    assert re.findall(r'<tr id="sof-([a-z0-9-]+)">', page) == [o["id"] for o in outcomes]
    assert "not a formal GRADE assessment" in page


def test_the_map_numbers_are_the_characteristics_tables(real_outputs):
    table = real_outputs["characteristics.md"]
    participants = dict(re.findall(r'<tr id="([a-z0-9-]+)" data-participants="(\d*)"', table))
    assert set(participants) == set(STUDIES)
    found = re.findall(
        r'data-studies="(\d+)" data-participants="(\d+)" data-findings="\d+" data-study-ids="([^"]*)"',
        real_outputs["evidence-map.md"],
    )
    assert len(found) > 20
    content = {s: yaml.safe_load((ROOT / "content" / "studies" / f"{s}.yaml").read_text()) for s in STUDIES}

    def primary(sid):  # the report a sample's participants are counted under
        while content[sid].get("same_participants_as"):
            sid = content[sid]["same_participants_as"][0]
        return sid

    for studies, total, ids in found:
        listed = ids.split()
        assert int(studies) == len(listed)
        samples: dict = {}
        for s in listed:
            if participants[s]:
                samples.setdefault(primary(s), []).append((s == primary(s), int(participants[s])))
        expected = sum(next((n for own, n in ns if own), max(n for _, n in ns)) for ns in samples.values())
        assert int(total) == expected  # each sample once, never more than the table's numbers added up
        assert int(total) <= sum(int(participants[s]) for s in listed if participants[s])


def test_a_gap_is_kept_apart_from_low_certainty(real_outputs):
    page = real_outputs["evidence-map.md"]
    assert 'class="em-cell em-gap"' in page and "<strong>No studies</strong>" in page
    assert re.search(r'class="em-cell em-(very-low|low)"', page)


def test_forest_plots_draw_the_numbers_the_table_beside_them_gives(real_outputs):
    figures = {path: text for path, text in real_outputs.items() if path.startswith("figures/")}
    assert figures
    table = real_outputs["characteristics.md"]
    for path, svg in figures.items():
        root = ET.fromstring(svg)
        ns = "{http://www.w3.org/2000/svg}"
        assert root.get("role") == "img" and root.find(f"{ns}title").text and root.find(f"{ns}desc").text, path
    for sid in STUDIES:
        for effect in yaml.safe_load((ROOT / "content" / "studies" / f"{sid}.yaml").read_text()).get("effects", []):
            if effect["ci_low"] is not None:
                assert f"<td>{effect['value']}</td>" in table
                assert f"{effect['ci_low']} to {effect['ci_high']}" in table
                assert any(f">{effect['value']} (" in svg for svg in figures.values())


def test_a_new_study_changes_the_ratings_and_the_map_with_no_other_edit(review_dir):
    before = build(review_dir, TEMPLATES)
    (review_dir / "studies" / "trial2030.yaml").write_text(
        (review_dir / "studies" / "shao2021.yaml")
        .read_text()
        .replace("id: shao2021", "id: trial2030")
        .replace("evidence: animal", "evidence: patients-sud")
        .replace("trials: [nct04141501]\n", "")
        .replace("design: animal-experiment", "design: randomised-controlled")
        .replace("  enrolled: null", "  enrolled: 400")
        .replace("  blinding: null", "  blinding: double-blind")
        + "risk_of_bias:\n  tool: rob2\n  result: Spines\n  domains:\n"
        + "".join(
            f"  - {{domain: {d}, judgement: low, support: Made up.}}\n"
            for d in [
                "randomisation-process",
                "deviations-from-interventions",
                "missing-outcome-data",
                "measurement-of-outcome",
                "selection-of-reported-result",
            ]
        )
        + "  overall: low\n  source: https://example.org/trial2030\n"
    )
    path = review_dir / "mechanisms" / "plasticity.yaml"
    path.write_text(path.read_text().replace("    studies: [shao2021]\n", "    studies: [shao2021, trial2030]\n", 1))
    table = review_dir / "comparisons" / "drinking.yaml"  # a trial in patients belongs in an outcome table
    table.write_text(
        table.read_text().replace("studies: [trial2020a, trial2020b]", "studies: [trial2020a, trial2020b, trial2030]")
    )
    after = build(review_dir, TEMPLATES)
    sof = re.compile(r'<tr id="sof-spines">.*?</tr>', re.S)
    assert "Very low</span>" in sof.search(before["mechanisms/plasticity.md"]).group(0)
    assert "High</span>" in sof.search(after["mechanisms/plasticity.md"]).group(0)
    assert after["evidence-map.md"] != before["evidence-map.md"]
    assert 'data-study-ids="shao2021 trial2030"' in after["evidence-map.md"]
