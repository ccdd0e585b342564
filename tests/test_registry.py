"""The living registry and the provenance readers see: trial pages date each status by its record, flag a record more
than a year older than the review's evidence date, link trials and their publications both ways and keep related
compounds apart; study pages say what a record was checked against; no page, feed or download names a copy of a
record (`mirrors`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, TEMPLATES
from review.commands.build import build
from review.model import provenance
from review.model.registries import REGISTRIES, stale
from review.synthesis.trials import Trials

CONTENT = ROOT / "content"
TEXT_SUFFIXES = {".html", ".md", ".csv", ".json", ".bib", ".ris", ".xml", ".txt", ".js", ".svg", ".yml", ".cff"}


def mirrors_in(content: Path) -> set[str]:
    """Every address content keeps as a copy of a record."""
    found: set[str] = set()
    for path in (content / "studies").glob("*.yaml"):
        found |= set((yaml.safe_load(path.read_text()).get("checked") or {}).get("mirrors", []))
    for path in (content / "trials").glob("*.yaml"):
        found |= set(yaml.safe_load(path.read_text())["checked"].get("mirrors", []))
    return found


def test_the_content_keeps_copies_to_look_for():
    assert len(mirrors_in(CONTENT)) > 300  # the test below would pass vacuously on content without mirrors


def test_no_generated_page_or_download_names_a_copy_of_a_record(real_outputs):
    copies = mirrors_in(CONTENT)
    leaks = [(path, url) for path, text in real_outputs.items() for url in copies if url in text]
    assert leaks == []


@pytest.mark.slow
def test_no_file_of_the_built_site_names_a_copy_of_a_record(built_site):
    """Pages, feeds, the sitemap, the data, the reference files: every text file the site publishes."""
    copies = mirrors_in(CONTENT)
    files = [p for p in built_site.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES]
    assert len(files) > 100
    leaks = [(str(p.relative_to(built_site)), url) for p in files for url in copies if url in p.read_text(errors="replace")]
    assert leaks == []


def test_every_address_a_study_page_gives_as_its_record_is_primary(real_outputs):
    checked = re.compile(r'<th scope="row">Record checked</th><td>(.*?)</td>')
    seen = 0
    for path, text in real_outputs.items():
        if path.startswith("studies/") and path != "studies/index.md":
            for cell in checked.findall(text):
                seen += 1
                for href in re.findall(r'href="([^"]+)"', cell):
                    assert provenance.primary(href) is not None, (path, href)
    assert seen == len(list((CONTENT / "studies").glob("*.yaml")))


@pytest.mark.parametrize(
    "source, mirrors, expected",
    [
        (
            "https://pubmed.ncbi.nlm.nih.gov/34228959/",
            [],
            '2026-12-07, against PubMed: <a href="https://pubmed.ncbi.nlm.nih.gov/34228959/">',
        ),
        (
            "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC1/",
            [],
            "2026-12-07, against PubMed Central: <a",
        ),
        ("https://www.nature.com/articles/x", [], "2026-12-07, against the publisher: <a"),
        (
            "https://doi.org/10.1016/j.neuron.2021.06.008",
            ["https://example.org/copy"],
            "2026-12-07, against copies of the record that show its DOI, <a",
        ),
        (None, ["https://example.org/copy"], "2026-12-07, against a copy of the record; no primary record was in reach</td>"),
    ],
)
def test_a_study_page_says_what_its_record_was_checked_against(review_dir, source, mirrors, expected):
    path = review_dir / "studies" / "shao2021.yaml"
    data = yaml.safe_load(path.read_text())
    data["checked"] = {"date": "2026-12-07", **({"source": source} if source else {}), "mirrors": mirrors}
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    page = build(review_dir, TEMPLATES)["studies/shao2021.md"]
    assert expected in page
    assert "example.org/copy" not in page


# ------------------------------------------------------------------------------------------ trials


def trial(tid="nct04141501", **changes) -> dict:
    item = {
        "id": tid,
        "nct": tid.upper(),
        "substances": ["psilocybin"],
        "condition_group": "alcohol",
        "record": {"status": "RECRUITING", "last_update_posted": "2026-01-01"},
        "checked": {"source": f"https://clinicaltrials.gov/study/{tid.upper()}", "date": "2026-12-07"},
    }
    for key, value in changes.items():
        if key in item["record"]:
            item["record"][key] = value
        else:
            item[key] = value
    return item


SUBSTANCES = {"psilocybin": {"class": "classic-psychedelic"}, "5-meo-dmt": {"class": "atypical-psychedelic"}}


@pytest.mark.parametrize(
    "record_date, current_to, expected",
    [
        ("2025-12-08", "2026-12-07", False),  # 364 days before
        ("2025-12-07", "2026-12-07", False),  # a year to the day
        ("2025-12-06", "2026-12-07", True),
        ("2025-12", "2026-12-07", True),  # a month counts from its first day
        ("2026", "2026-12-07", False),
        ("2025", "2026-12-07", True),
        (None, "2026-12-07", True),  # no record date seen: the status cannot be placed in time
    ],
)
def test_a_record_more_than_a_year_before_the_evidence_date_is_possibly_stale(record_date, current_to, expected):
    assert stale(record_date, current_to) is expected


def test_publications_are_the_studies_that_list_the_trial_and_related_compounds_are_apart():
    trials = Trials(
        [trial(), trial("nct05674929", substances=["5-meo-dmt"])],
        [{"id": "a2020", "trials": ["nct04141501"]}, {"id": "b2021"}, {"id": "c2022", "trials": ["nct04141501"]}],
        SUBSTANCES,
        "2026-12-07",
    )
    assert trials.by_id["nct04141501"].publications == ("a2020", "c2022")
    assert [t.id for t in trials.classic] == ["nct04141501"]
    assert [t.id for t in trials.related] == ["nct05674929"]


def test_the_trials_page_counts_by_status_and_condition(review_dir):
    path = review_dir / "trials" / "nct04141501.yaml"
    text = path.read_text()
    for n, (status, group) in enumerate([("COMPLETED", "tobacco"), (None, "opioid")], start=2):
        tid = f"nct0414150{n}"
        other = text.replace("nct04141501", tid).replace("NCT04141501", tid.upper())
        other = other.replace("condition_group: alcohol", f"condition_group: {group}")
        other = other.replace("  status: RECRUITING", f"  status: {status or 'null'}")
        (review_dir / "trials" / f"{tid}.yaml").write_text(other)
    page = build(review_dir, TEMPLATES)["trials/index.md"]
    counts = dict(re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td></tr>", page))
    assert counts == {"Recruiting": "1", "Completed": "1", "Status not seen": "1", "Alcohol": "1", "Tobacco": "1", "Opioids": "1"}
    assert "<strong>3</strong> trials, registered on ClinicalTrials.gov (3)" in page


def test_a_trial_page_dates_its_status_by_its_record_and_flags_an_old_one(review_dir):
    pages = build(review_dir, TEMPLATES)
    page = pages["trials/nct04141501.md"]
    # The fixture's record is of 2022-05-20 and its evidence date 2026-12-01: more than a year.
    assert "<strong>Status: Recruiting</strong>, as of 2022-05-20, the date of the registry record that was read." in page
    assert '<strong class="trial-stale">Possibly stale</strong>' in page
    assert "2026-11-01, from a copy of the registry record (the registry's own page was not in reach)" in page
    assert 'href="https://clinicaltrials.gov/study/NCT04141501"' in page
    assert "a-copy-of-NCT04141501" not in "".join(pages.values())
    listing = pages["trials/index.md"]
    assert "as of 2022-05-20" in listing and "possibly stale" in listing
    # each trial links to its publications, and each publication to its trial
    assert 'href="../../studies/shao2021/"' in page
    assert 'href="../../trials/nct04141501/"' in pages["studies/shao2021.md"]


def test_a_recent_record_is_not_flagged(review_dir):
    path = review_dir / "trials" / "nct04141501.yaml"
    path.write_text(path.read_text().replace("last_update_posted: '2022-05-20'", "last_update_posted: '2026-06-30'"))
    page = build(review_dir, TEMPLATES)["trials/nct04141501.md"]
    assert "as of 2026-06-30" in page and "Possibly stale" not in page


def test_every_registry_address_is_its_own_host():
    for registry in REGISTRIES.values():
        example = re.sub(r"\[0-9\]\{(\d+)\}", lambda m: "1" * int(m.group(1)), registry.id_pattern)
        example = example.replace("-", "-")
        address = registry.address(example)
        assert provenance.host_of(address) in registry.hosts, address
        assert provenance.primary(address) is not None


def test_the_real_trials_are_all_dated_or_flagged(real_renderer):
    trials = real_renderer.index.trials
    assert len(trials.classic) >= 31 and trials.related
    for t in trials.all:
        assert t.as_of or t.stale
        assert t.address.startswith("https://")
