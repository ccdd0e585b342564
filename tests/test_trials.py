"""`make trials` against a local stand-in for the ClinicalTrials.gov API v2 that answers as told: the trimmed
responses in tests/fixtures/ctgov, and fabricated broken ones (HTML, truncated or non-object JSON, 403, 500, another
trial's record, values the content model refuses, terminal escape codes, answers that trickle or never end). Each
failure must be one line and leave the content exactly as it was. No test touches the network."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml
from conftest import CTGOV, ROOT, tree
from review.commands import trials
from review.commands.build import check
from review.model.schema import TRIAL_STATUSES

TODAY = "2026-12-07"
FAST = trials.Limits(connect=2.0, read=2.0, total=0.5, size=100_000)  # small limits, so that no test waits long
WITHDRAWN = """id: nct04999999
nct: NCT04999999
title: A Withdrawn Test Trial of Psilocybin
condition: Alcohol use disorder
condition_group: alcohol
substances: [psilocybin]
design: >-
  Test trial.
record:
  status: NOT_YET_RECRUITING
  why_stopped: null
  enrollment: 40
  enrollment_type: ESTIMATED
  start: null
  primary_completion: null
  completion: null
  results_posted: null
  last_update_posted: null
checked:
  source: https://clinicaltrials.gov/study/NCT04999999
  date: '2024-01-01'
outcome: >-
  Nothing yet.
"""


def recorded(name: str) -> dict:
    return json.loads((CTGOV / f"{name}.json").read_text())


def body(data, status=200, kind="application/json"):
    """An answer: a status, a content type and a body."""
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return lambda handler: handler.answer(status, kind, raw)


def _drip(handler, byte: bytes):
    """Write one byte at a time, slowly, until the client gives up."""
    try:
        while not handler.server.stopping.wait(0.05):
            handler.wfile.write(byte)
            handler.wfile.flush()
    except OSError:
        pass


def trickle(handler):
    """Headers at once, then the body one byte at a time."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.end_headers()
    _drip(handler, b" ")


def trickled_headers(handler):
    """The status line, then the headers one byte at a time: a read timeout alone would never fire."""
    handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
    _drip(handler, b"X")


def endless(handler):
    """A 200 answer with no length that never ends: it must be cut at the size limit."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.end_headers()
    try:
        handler.wfile.write(b'{"studies": [')
        while not handler.server.stopping.is_set():
            handler.wfile.write(b"0," * 32_768)
    except OSError:
        pass


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, kind, raw):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        self.server.asked.append(self.path)
        key = "search" if path == "/api/v2/studies" else path.rsplit("/", 1)[1]
        route = self.server.routes.get(key)
        if route is None:
            self.answer(404, "text/plain", b"Study not found")
        else:
            route(self)


@pytest.fixture
def api():
    """The stand-in registry: `api.routes` maps an NCT number (or `search`) to an answer; `api.base` is its
    address. By default it answers with the trimmed records of tests/fixtures/ctgov."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.stopping = threading.Event()
    httpd.asked = []
    httpd.routes = {
        "NCT04141501": body(recorded("NCT04141501")),
        "NCT04999999": body(recorded("NCT04999999")),
        "search": body(recorded("search")),
    }
    httpd.base = f"http://127.0.0.1:{httpd.server_address[1]}/api/v2"
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    yield httpd
    httpd.stopping.set()
    httpd.shutdown()
    httpd.server_close()


def run(content, api, limits=FAST, **kwargs):
    lines: list[str] = []
    status = trials.refresh(content, today=TODAY, base=api.base, out=lines.append, limits=limits, **kwargs)
    return status, lines


def record(content, tid):
    return yaml.safe_load((content / "trials" / f"{tid}.yaml").read_text())["record"]


def checked(content, tid):
    return yaml.safe_load((content / "trials" / f"{tid}.yaml").read_text())["checked"]


def with_withdrawn(review_dir):
    (review_dir / "trials" / "nct04999999.yaml").write_text(WITHDRAWN)
    return review_dir


# ------------------------------------------------------------------------------------------ what it writes


def test_a_completed_trial_with_results_is_written_with_the_date_it_was_read(review_dir, api):
    before = (review_dir / "trials" / "nct04141501.yaml").read_text()
    status, lines = run(review_dir, api)
    assert status == 0
    assert record(review_dir, "nct04141501") == {
        "status": "COMPLETED",
        "why_stopped": None,
        "enrollment": 37,
        "enrollment_type": "ACTUAL",
        "first_posted": "2019-10-28",
        "start": "2020-06-08",
        "primary_completion": "2023-08-16",
        "completion": "2023-09",
        "results_posted": True,
        "results_first_posted": "2025-05-02",
        "last_update_posted": "2025-05-02",
    }
    assert checked(review_dir, "nct04141501") == {"source": "https://clinicaltrials.gov/study/NCT04141501", "date": TODAY}
    assert lines[0].startswith("NCT04141501: status RECRUITING → COMPLETED; enrollment 60 → 37;")
    assert "results_posted no → yes" in lines[0] and "mirrors dropped" in lines[0] and lines[0].endswith(f"(read {TODAY})")
    after = (review_dir / "trials" / "nct04141501.yaml").read_text()
    assert after.split("\nrecord:")[0] == before.split("\nrecord:")[0]  # only the record and checked blocks changed
    assert after.split("outcome:")[1] == before.split("outcome:")[1]
    assert "  last_update_posted: '2025-05-02'\n" in after and f"  date: '{TODAY}'\n" in after  # dates stay quoted text
    check(review_dir)


def test_a_withdrawn_trial_keeps_why_it_stopped(review_dir, api):
    run(with_withdrawn(review_dir), api)
    written = record(review_dir, "nct04999999")
    assert (written["status"], written["why_stopped"], written["enrollment"], written["enrollment_type"]) == (
        "WITHDRAWN",
        "Funding not obtained",
        0,
        "ACTUAL",
    )
    assert written["results_posted"] is False
    check(review_dir)


@pytest.mark.parametrize("status", list(TRIAL_STATUSES))
def test_every_status_of_the_registry_is_written_as_it_is(review_dir, api, status):
    answer = recorded("NCT04141501")
    answer["protocolSection"]["statusModule"]["overallStatus"] = status
    api.routes["NCT04141501"] = body(answer)
    assert run(review_dir, api)[0] == 0
    assert record(review_dir, "nct04141501")["status"] == status


def test_a_second_run_reports_no_change(review_dir, api):
    run(review_dir, api)
    before = tree(review_dir)
    status, lines = run(review_dir, api)
    assert (status, lines) == (0, [f"NCT04141501: no change (read {TODAY})"])
    assert tree(review_dir) == before


def test_a_study_the_registry_does_not_know_is_left_alone(review_dir, api):
    text = WITHDRAWN.replace("04999999", "04999998")
    (review_dir / "trials" / "nct04999998.yaml").write_text(text)
    status, lines = run(review_dir, api)
    assert status == 0 and "NCT04999998: not found on ClinicalTrials.gov; left as it was" in lines
    assert (review_dir / "trials" / "nct04999998.yaml").read_text() == text


def test_a_trial_of_another_registry_is_not_asked_for(review_dir, api):
    text = WITHDRAWN.replace("id: nct04999999", "id: actrn12622000463774").replace(
        "nct: NCT04999999", "actrn: ACTRN12622000463774"
    )
    text = text.replace("https://clinicaltrials.gov/study/NCT04999999", "https://www.anzctr.org.au/ACTRN12622000463774.aspx")
    (review_dir / "trials" / "actrn12622000463774.yaml").write_text(text)
    status, lines = run(review_dir, api)
    assert status == 0
    assert "ACTRN12622000463774: ANZCTR is not refreshed automatically; last read 2024-01-01" in lines
    assert not [a for a in api.asked if "ACTRN" in a]


def test_the_search_lists_only_trials_the_review_does_not_have(review_dir, api):
    _, lines = run(review_dir, api, search=True)
    assert [line for line in lines if line.startswith("to review:")] == [
        "to review: NCT05000001 (RECRUITING) A Test Trial Not Yet in the Review"
    ]
    asked = [a for a in api.asked if a.startswith("/api/v2/studies?")]
    assert len(asked) == 1 and "query.intr=psilocybin" in asked[0]


def test_the_search_follows_its_pages(review_dir, api):
    first, second = recorded("search"), recorded("search")
    first["nextPageToken"] = "page2"
    second["studies"][1]["protocolSection"]["identificationModule"]["nctId"] = "NCT05000002"
    pages = iter([body(first), body(second)])
    api.routes["search"] = lambda handler: next(pages)(handler)
    _, lines = run(review_dir, api, search=True)
    assert [line.split()[2] for line in lines if line.startswith("to review:")] == ["NCT05000001", "NCT05000002"]


# ------------------------------------------------------------------------------------------ failures: one line, nothing changed

BROKEN = {
    "html": (body(b"<!DOCTYPE html><html><body>Access denied</body></html>", kind="text/html"), "answered with an HTML page"),
    "html-as-json": (body(b"  <html>maintenance</html>"), "answered with an HTML page"),
    "truncated": (body((CTGOV / "NCT04999999.json").read_bytes()[:300]), "is not valid JSON"),
    "array": (body(b"[1, 2, 3]"), "is a JSON list, not a study record"),
    "string": (body(b'"NCT04999999"'), "is a JSON str, not a study record"),
    "huge-number": (body(b'{"n": ' + b"9" * 5000 + b"}"), "is not valid JSON"),
    "forbidden": (body(b"Forbidden", status=403, kind="text/plain"), "answered HTTP 403 Forbidden"),
    "server-error": (body(b"oops", status=500, kind="text/plain"), "answered HTTP 500 Internal Server Error"),
    "another-trial": (body(recorded("NCT04141501")), "answered with the record of NCT04141501, not of NCT04999999"),
    "no-id": (body({"protocolSection": {}}), "answered with the record of no NCT number"),
    "declared-too-big": (
        lambda h: (h.send_response(200), h.send_header("Content-Length", "1200000000"), h.end_headers()),
        "is 1,200,000,000 bytes, over the limit",
    ),
    "endless": (endless, "over the limit of 100,000 bytes; stopped reading"),
    "trickle": (trickle, "no complete answer within 0.5 s"),
    "trickled-headers": (trickled_headers, "no complete answer within 0.5 s"),
}


def _broken_value(path, value):
    answer = recorded("NCT04999999")
    target = answer
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return body(answer)


BAD_VALUES = {
    "status": (("protocolSection", "statusModule", "overallStatus"), "FINISHED", "overallStatus `FINISHED` is not"),
    "enrolment": (("protocolSection", "designModule", "enrollmentInfo", "count"), -5, "is not a number of participants"),
    "enrolment-text": (("protocolSection", "designModule", "enrollmentInfo", "count"), "37", "is not a number of"),
    "enrolment-bool": (("protocolSection", "designModule", "enrollmentInfo", "count"), True, "is not a number of"),
    "date": (("protocolSection", "statusModule", "startDateStruct"), {"date": "2020-13-45"}, "is not a date"),
    "day": (("protocolSection", "statusModule", "startDateStruct"), {"date": "2021-02-30"}, "is not a day of the calendar"),
    "results": (("hasResults",), "yes", "hasResults is not true or false"),
    "why": (("protocolSection", "statusModule", "whyStopped"), ["a list"], "whyStopped is not text"),
}


@pytest.mark.parametrize("case", [*BROKEN, *BAD_VALUES])
def test_a_broken_answer_is_one_line_and_changes_nothing(review_dir, api, case):
    with_withdrawn(review_dir)
    if case in BROKEN:
        route, expected = BROKEN[case]
    else:
        path, value, expected = BAD_VALUES[case]
        route = _broken_value(path, value)
    api.routes["NCT04999999"] = route  # the second trial asked for: the first one's good answer is not written either
    before = tree(review_dir)
    status, lines = run(review_dir, api)
    assert status == 1 and len(lines) == 1, lines
    assert lines[0].startswith("trials: NCT04999999: ") and expected in lines[0], lines[0]
    assert lines[0].endswith("; nothing was changed.")
    assert tree(review_dir) == before


@pytest.mark.parametrize("case", ["html", "truncated", "array", "server-error", "endless"])
def test_a_broken_search_page_is_one_line_and_changes_nothing(review_dir, api, case):
    api.routes["search"] = BROKEN[case][0]
    before = tree(review_dir)
    status, lines = run(review_dir, api, search=True)
    assert status == 1 and len(lines) == 1 and lines[0].startswith("trials: the search: "), lines
    assert tree(review_dir) == before


def test_terminal_control_characters_are_neither_printed_nor_written(review_dir, api):
    answer = recorded("NCT04999999")
    answer["protocolSection"]["statusModule"]["whyStopped"] = "\x1b[2J\x1b]0;owned\x07Funding\u202e not\x9b31m obtained\r\n"
    api.routes["NCT04999999"] = body(answer)
    listing = recorded("search")
    listing["studies"][1]["protocolSection"]["identificationModule"]["briefTitle"] = "A \x1b[31mred\x1b[0m title\x07"
    api.routes["search"] = body(listing)
    status, lines = run(with_withdrawn(review_dir), api, search=True)
    assert status == 0
    written = (review_dir / "trials" / "nct04999999.yaml").read_text()
    for text in [written, *lines]:
        assert not any((ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F or c == "\u202e" for c in text), repr(text)
    assert record(review_dir, "nct04999999")["why_stopped"] == "[2J ]0;owned Funding not 31m obtained"
    assert "to review: NCT05000001 (RECRUITING) A [31mred [0m title" in lines
    check(review_dir)


def test_values_the_content_check_refuses_are_not_written(review_dir, api, monkeypatch):
    """The second line of defence: what the answer's own check lets through, the content check still judges."""
    real = trials.record_of
    monkeypatch.setattr(trials, "record_of", lambda *a: real(*a) | {"enrollment_type": "SOMETIMES"})
    before = tree(review_dir)
    status, lines = run(review_dir, api)
    assert status == 1 and len(lines) == 1
    assert lines[0].startswith("trials: the registry's values do not pass the content check (content/trials/nct04141501.yaml:")
    assert "record.enrollment_type" in lines[0] and lines[0].endswith("nothing was changed.")
    assert tree(review_dir) == before


def test_a_failed_write_leaves_every_file_as_it_was(review_dir, api, monkeypatch):
    with_withdrawn(review_dir)
    before = tree(review_dir)
    real, calls = os.replace, []

    def replace(source, target):
        calls.append(target)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(source, target)

    monkeypatch.setattr(trials.os, "replace", replace)
    status, lines = run(review_dir, api)
    assert len(calls) == 2  # the first file had been replaced: it was put back
    assert status == 1 and lines == [
        "trials: the trial files could not be written ([Errno 28] No space left on device); nothing was changed."
    ]
    assert tree(review_dir) == before


def test_offline_it_says_so_in_one_line_and_changes_nothing(review_dir, api):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    api.base = f"http://127.0.0.1:{port}/api/v2"
    before = tree(review_dir)
    status, lines = run(review_dir, api)
    assert status == 1 and len(lines) == 1
    assert lines[0].startswith("trials: ClinicalTrials.gov cannot be reached (") and lines[0].endswith("nothing was changed.")
    assert tree(review_dir) == before


def test_content_with_problems_is_not_refreshed(review_dir, api):
    (review_dir / "trials" / "nct04141501.yaml").write_text(WITHDRAWN.replace("condition_group: alcohol", "condition_group: x"))
    before = tree(review_dir)
    status, lines = run(review_dir, api)
    assert (status, len(lines)) == (1, 1) and "run `make check`" in lines[0]
    assert tree(review_dir) == before and api.asked == []


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


def test_a_record_block_has_every_field_of_the_content_model():
    from review.model.schema import RECORD

    written = trials.record_of({"protocolSection": {"identificationModule": {"nctId": "NCT04141501"}}}, "NCT04141501")
    assert list(written) == list(RECORD["properties"])
