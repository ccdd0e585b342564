"""`make trials` against a local stand-in for the ClinicalTrials.gov API v2: what it writes, what it says, and
that offline or on an unknown study it changes nothing. No test touches the network."""

import socket
import subprocess
import sys

import yaml
from conftest import ROOT, tree
from review.commands import trials
from review.commands.build import check
from review.model.schema import REGISTRY

TODAY = "2026-12-01"
WITHDRAWN = """id: nct04999999
nct: NCT04999999
title: A Withdrawn Test Trial of Psilocybin
condition: Alcohol use disorder
substances: [psilocybin]
design: >-
  Test trial.
registry:
  status: NOT_YET_RECRUITING
  why_stopped: null
  enrollment: 40
  enrollment_type: ESTIMATED
  start: null
  primary_completion: null
  completion: null
  results_posted: null
  results_first_posted: null
  last_update_posted: null
  as_of: '2024-01-01'
  source: https://clinicaltrials.gov/study/NCT04999999
outcome: >-
  Nothing yet.
"""


def run(content, api, **kwargs):
    lines = []
    status = trials.refresh(content, today=TODAY, base=api, out=lines.append, **kwargs)
    return status, lines


def registry(content, tid):
    return yaml.safe_load((content / "trials" / f"{tid}.yaml").read_text())["registry"]


def test_a_completed_trial_with_results_is_written_with_its_retrieval_date(review_dir, registry_api):
    before = (review_dir / "trials" / "nct04141501.yaml").read_text()
    status, lines = run(review_dir, registry_api)
    assert status == 0
    assert registry(review_dir, "nct04141501") == {
        "status": "COMPLETED",
        "why_stopped": None,
        "enrollment": 37,
        "enrollment_type": "ACTUAL",
        "start": "2020-06-08",
        "primary_completion": "2023-08-16",
        "completion": "2023-09",
        "results_posted": True,
        "results_first_posted": "2025-05-02",
        "last_update_posted": "2025-05-02",
        "as_of": TODAY,
        "source": "https://clinicaltrials.gov/api/v2/studies/NCT04141501",
    }
    assert lines[0].startswith("NCT04141501: status RECRUITING → COMPLETED; enrollment 60 → 37;")
    assert "results_posted no → yes" in lines[0] and lines[0].endswith(f"(as of {TODAY})")
    after = (review_dir / "trials" / "nct04141501.yaml").read_text()
    assert after.split("registry:")[0] == before.split("registry:")[0]  # only the registry block changed
    assert after.split("outcome:")[1] == before.split("outcome:")[1]
    check(review_dir)  # the written file is valid content


def test_a_withdrawn_trial_keeps_why_it_stopped(review_dir, registry_api):
    (review_dir / "trials" / "nct04999999.yaml").write_text(WITHDRAWN)
    run(review_dir, registry_api)
    written = registry(review_dir, "nct04999999")
    assert (written["status"], written["why_stopped"], written["enrollment"], written["enrollment_type"]) == (
        "WITHDRAWN",
        "Funding not obtained",
        0,
        "ACTUAL",
    )
    assert written["results_posted"] is False
    check(review_dir)


def test_a_second_run_reports_no_change(review_dir, registry_api):
    run(review_dir, registry_api)
    status, lines = run(review_dir, registry_api)
    assert (status, lines) == (0, [f"NCT04141501: no change (as of {TODAY})"])


def test_a_study_the_registry_does_not_know_is_left_alone(review_dir, registry_api):
    text = WITHDRAWN.replace("04999999", "04999998")
    (review_dir / "trials" / "nct04999998.yaml").write_text(text)
    status, lines = run(review_dir, registry_api)
    assert status == 0 and "NCT04999998: not found on ClinicalTrials.gov; left as it was" in lines
    assert (review_dir / "trials" / "nct04999998.yaml").read_text() == text


def test_offline_it_says_so_in_one_line_and_changes_nothing(review_dir):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    before = tree(review_dir)
    status, lines = run(review_dir, f"http://127.0.0.1:{port}/api/v2")
    assert status == 1 and len(lines) == 1
    assert lines[0].startswith("trials: ClinicalTrials.gov cannot be reached (") and lines[0].endswith("nothing was changed.")
    assert tree(review_dir) == before


def test_the_search_lists_only_trials_the_review_does_not_have(review_dir, registry_api):
    _, lines = run(review_dir, registry_api, search=True)
    assert [line for line in lines if line.startswith("to review:")] == [
        "to review: NCT05000001 (RECRUITING) A Test Trial Not Yet in the Review"
    ]


def test_no_build_loads_the_network_client():
    code = "import sys, review.commands.build, review.commands.publish, review.commands.plugin; print('httpx' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": f"{ROOT / 'scripts'}"},
        cwd=ROOT,
    )
    assert result.stdout.strip() == "False", result.stderr


def test_a_registry_record_has_every_field_of_the_content_model():
    assert list(trials.registry_of({}, "2026-12-01", "https://example.org/")) == list(REGISTRY["properties"])
