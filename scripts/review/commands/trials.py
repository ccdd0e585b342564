"""`make trials`: refresh each ClinicalTrials.gov trial's `record` from the registry's API v2, and list new candidate
registrations for the review's registry search. The only code that uses the network; no build calls it.

It works like a database migration. Every answer is read within a size limit and a deadline, and checked before
anything is written: it is JSON, it is an object, it is the trial that was asked for (its NCT number), and each value
has the form the content model admits. The new files are then checked as content, in a copy of the content folder,
with the same check as `make check`. Only then are they written, all together: each to a temporary file beside it,
then all renamed over the old ones (and the old ones put back if a rename fails). Any failure leaves the content as it
was and says why in one line. Text from the registry is stripped of terminal control characters before it is printed
or written. Candidates are printed for an editor to screen, never written.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpcore
import httpx
import yaml

from ..model.errors import ContentError
from ..model.provenance import registration
from ..model.registries import REGISTRIES, SEARCH_QUERY
from ..model.schema import PARTIAL_DATE, PLAIN_MAX, TRIAL_STATUSES
from .build import check

API = "https://clinicaltrials.gov/api/v2"  # CTGOV_API overrides it (the tests point it at a local server)
REGISTRY = REGISTRIES["nct"]
SEARCH_PAGES = 20  # at most this many pages of candidates (100 each)


@dataclass(frozen=True)
class Limits:
    """How long and how much one answer may take: seconds to connect, seconds between two reads, seconds for the
    whole answer (headers and body), and bytes of body (after decompression)."""

    connect: float = 10.0
    read: float = 20.0
    total: float = 60.0
    size: int = 8_000_000


LIMITS = Limits()


class Unreachable(Exception):
    """The registry could not be reached at all (offline, name resolution, connection refused)."""


class Failure(Exception):
    """An answer that cannot be used: the message is one line, naming what was asked and what came back."""


# ------------------------------------------------------------------------------------------ text from the registry

_CONTROL = re.compile(r"[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")


def clean(text: str) -> str:
    """Text safe to print and write: no terminal control characters (escape sequences, C0 and C1 controls) and no
    invisible direction or formatting marks; line breaks and tabs become spaces; runs of spaces one."""
    text = unicodedata.normalize("NFC", text)
    return " ".join(_CONTROL.sub(" ", text).split())


# ------------------------------------------------------------------------------------------ the connection


class _Deadline:
    """The end of the current answer's time: every read and write on the connection waits at most until then, so a
    server that trickles its headers or body a byte at a time cannot hold the command past `Limits.total`."""

    def __init__(self) -> None:
        self.at = float("inf")

    def left(self, timeout: float | None) -> float:
        remaining = self.at - time.monotonic()
        if remaining <= 0:
            raise httpcore.ReadTimeout("the answer took longer than the time allowed")
        return remaining if timeout is None else min(timeout, remaining)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self.inner, self.deadline = inner, deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, self.deadline.left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, self.deadline.left(timeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore.NetworkStream:
        return _Stream(self.inner.start_tls(ssl_context, server_hostname, self.deadline.left(timeout)), self.deadline)

    def get_extra_info(self, info: str):
        return self.inner.get_extra_info(info)


class _Backend(httpcore.SyncBackend):
    def __init__(self, deadline: _Deadline) -> None:
        self.deadline = deadline

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        inner = super().connect_tcp(host, port, self.deadline.left(timeout), local_address, socket_options)
        return _Stream(inner, self.deadline)


def client(limits: Limits) -> tuple[httpx.Client, _Deadline]:
    """An HTTP client whose every connection obeys a deadline the caller sets per answer."""
    deadline = _Deadline()
    transport = httpx.HTTPTransport()
    # httpx (pinned in requirements.txt) takes no network backend of its own; its pool is httpcore's, which does.
    transport._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(), network_backend=_Backend(deadline))
    timeout = httpx.Timeout(limits.read, connect=limits.connect)
    headers = {"User-Agent": "sud-psychedelics-review (make trials)", "Accept": "application/json"}
    return httpx.Client(transport=transport, timeout=timeout, headers=headers, follow_redirects=True), deadline


def get_json(http: httpx.Client, deadline: _Deadline, url: str, params: dict, limits: Limits, what: str) -> dict | None:
    """One answer as a JSON object, or None for 404 (the registry has no such study). Raises Failure, in one line,
    for anything else that is not a JSON object within the limits, and Unreachable when no connection is made."""
    deadline.at = time.monotonic() + limits.total
    body = bytearray()
    try:
        with http.stream("GET", url, params=params) as response:
            if response.status_code == 404:
                return None
            if response.status_code != 200:
                raise Failure(f"{what}: the registry answered HTTP {response.status_code} {clean(response.reason_phrase)}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limits.size:
                raise Failure(f"{what}: the answer is {int(declared):,} bytes, over the limit of {limits.size:,}")
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > limits.size:
                    raise Failure(f"{what}: the answer is over the limit of {limits.size:,} bytes; stopped reading it")
            kind = response.headers.get("content-type", "")
    except httpx.ConnectError as error:
        raise Unreachable(f"{type(error).__name__}: {clean(str(error))}") from None
    except httpx.TimeoutException:
        raise Failure(f"{what}: no complete answer within {limits.total:g} s (connect {limits.connect:g} s)") from None
    except httpx.HTTPError as error:  # a dropped connection, a protocol error, a broken encoding
        raise Failure(f"{what}: the answer broke off ({type(error).__name__}: {clean(str(error))[:200]})") from None
    finally:
        deadline.at = float("inf")
    if body.lstrip()[:1] == b"<" or "html" in kind.lower():
        raise Failure(f"{what}: the registry answered with an HTML page, not JSON")
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError) as error:  # JSONDecodeError is a ValueError; also numbers too long to read
        raise Failure(f"{what}: the answer is not valid JSON ({clean(str(error))[:200]})") from None
    if not isinstance(data, dict):
        raise Failure(f"{what}: the answer is a JSON {type(data).__name__}, not a study record")
    return data


# ------------------------------------------------------------------------------------------ reading a record


def _at(data: Any, *path: str) -> Any:
    """The value at a path of nested objects, or None where a step is missing."""
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def record_of(study: dict, nct: str) -> dict:
    """The `record` block of a trial from its API v2 study record, checked value by value: Failure names the first
    value that is not the trial asked for, or not of a form the content model admits."""
    what = nct
    found = _at(study, "protocolSection", "identificationModule", "nctId")
    if found != nct:
        shown = clean(str(found))[:40] if found is not None else "no NCT number"
        raise Failure(f"{what}: the registry answered with the record of {shown}, not of {nct}")
    status = _at(study, "protocolSection", "statusModule")
    status = status if isinstance(status, dict) else {}

    def text(value, field: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise Failure(f"{what}: {field} is not text ({type(value).__name__})")
        cleaned = clean(value)[:PLAIN_MAX]
        return cleaned or None

    def date(key: str) -> str | None:
        value = text(_at(status, key, "date"), key)
        if value is None:
            return None
        if not re.match(PARTIAL_DATE, value):
            raise Failure(f"{what}: {key} `{value[:40]}` is not a date")
        parts = [int(p) for p in value.split("-")] + [1, 1]
        try:
            datetime.date(parts[0], parts[1], parts[2])
        except ValueError:
            raise Failure(f"{what}: {key} `{value}` is not a day of the calendar") from None
        return value

    word = text(status.get("overallStatus"), "overallStatus")
    if word is not None and word not in TRIAL_STATUSES:
        raise Failure(f"{what}: overallStatus `{word[:40]}` is not a ClinicalTrials.gov status")
    enrolment = _at(study, "protocolSection", "designModule", "enrollmentInfo")
    enrolment = enrolment if isinstance(enrolment, dict) else {}
    count = enrolment.get("count")
    if count is not None and (type(count) is not int or not 0 <= count <= 10_000_000):
        raise Failure(f"{what}: enrollmentInfo.count `{clean(str(count))[:40]}` is not a number of participants")
    kind = text(enrolment.get("type"), "enrollmentInfo.type")
    if kind is not None and kind not in ("ACTUAL", "ESTIMATED"):
        raise Failure(f"{what}: enrollmentInfo.type `{kind[:40]}` is neither ACTUAL nor ESTIMATED")
    results = study.get("hasResults", "resultsSection" in study)
    if not isinstance(results, bool):
        raise Failure(f"{what}: hasResults is not true or false")
    return {
        "status": word,
        "why_stopped": text(status.get("whyStopped"), "whyStopped"),
        "enrollment": count,
        "enrollment_type": kind,
        "first_posted": date("studyFirstPostDateStruct"),
        "start": date("startDateStruct"),
        "primary_completion": date("primaryCompletionDateStruct"),
        "completion": date("completionDateStruct"),
        "results_posted": results,
        "results_first_posted": date("resultsFirstPostDateStruct"),
        "last_update_posted": date("lastUpdatePostDateStruct"),
    }


def checked_of(old: dict, nct: str, today: str) -> dict:
    """The trial's `checked` block after a refresh: read today from the registry itself, so no copy is its source
    any more (the `mirrors` go; other primary addresses stay)."""
    return {"source": REGISTRY.address(nct), "date": today, **({"also": old["also"]} if old.get("also") else {})}


# ------------------------------------------------------------------------------------------ writing


_DATES = ("first_posted", "start", "primary_completion", "completion", "results_first_posted", "last_update_posted", "date")


class _Quoted(str):
    pass


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Quoted, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value, style="'"))


def replace_block(text: str, name: str, block: dict) -> str:
    """The trial file with its top-level block `name:` replaced (the rest of the file untouched); dates quoted."""
    quoted = {k: _Quoted(v) if k in _DATES and isinstance(v, str) else v for k, v in block.items()}
    dumped = yaml.dump({name: quoted}, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)
    pattern = re.compile(rf"^{name}:\n(?:[ \t]+.*\n)*", re.M)
    if pattern.search(text):
        return pattern.sub(lambda m: dumped, text, count=1)
    return text.rstrip("\n") + "\n" + dumped


def changes(old: dict, new: dict, checked: dict) -> list[str]:
    """What differs, field by field, in words (the record's own dates included; the day it was read is not a
    change)."""
    found = [f"{k} {_shown(old.get(k))} → {_shown(new.get(k))}" for k in new if old.get(k) != new.get(k)]
    if checked.get("mirrors"):
        found.append("mirrors dropped (read from the registry itself now; review `notes`, which describe the copies)")
    return found


def _shown(value) -> str:
    return "–" if value is None else ("yes" if value is True else "no" if value is False else clean(str(value)))


def write_all(files: dict[Path, str]) -> None:
    """Write every file or none: each to a temporary file beside it, then all renamed over the old ones; if a
    rename fails, the files already renamed get their old text back. Raises OSError after undoing."""
    temporary: dict[Path, Path] = {}
    try:
        for path, text in files.items():
            handle, made = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            temporary[path] = Path(made)
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
    except OSError:
        for scratch in temporary.values():
            scratch.unlink(missing_ok=True)
        raise
    old = {path: path.read_bytes() for path in files}
    done: list[Path] = []
    try:
        for path, scratch in temporary.items():
            os.replace(scratch, path)
            done.append(path)
    except OSError:
        for path in done:
            path.write_bytes(old[path])
        for scratch in temporary.values():
            scratch.unlink(missing_ok=True)
        raise


def _checked_as_content(content_dir: Path, files: dict[Path, str]) -> None:
    """The content with the new files passes `make check`, or ContentError."""
    with tempfile.TemporaryDirectory(prefix="review-trials-") as scratch:
        copy = Path(scratch) / "content"
        shutil.copytree(content_dir, copy, symlinks=True)
        for path, text in files.items():
            (copy / path.relative_to(content_dir)).write_text(text, encoding="utf-8")
        check(copy)


# ------------------------------------------------------------------------------------------ the command


def refresh(
    content_dir: Path,
    today: str | None = None,
    base: str | None = None,
    out: Callable[[str], object] = print,
    search: bool = False,
    limits: Limits = LIMITS,
) -> int:
    """Refresh every ClinicalTrials.gov trial and, with `search`, list candidates; print what changed. 0 when done,
    1 when nothing was changed because of a failure (said in one line)."""
    base = (base or os.environ.get("CTGOV_API") or API).rstrip("/")
    today = today or datetime.date.today().isoformat()
    try:
        check(content_dir)
    except ContentError as error:
        out(
            f"trials: the content has {len(error.problems)} problem(s); run `make check` and fix them first. Nothing was changed."
        )
        return 1
    trials = []
    for path in sorted((content_dir / "trials").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        trials.append((path, text, yaml.safe_load(text)))
    refreshed = [t for t in trials if _registry(t[2]).refreshed]
    http, deadline = client(limits)
    answers: list[tuple[Path, str, dict, dict]] = []
    missing: list[str] = []
    candidates: list[tuple[str, str, str]] = []
    try:
        with http:
            for path, text, data in refreshed:
                nct = data["nct"]
                study = get_json(http, deadline, f"{base}/studies/{nct}", {"format": "json"}, limits, nct)
                if study is None:
                    missing.append(nct)
                else:
                    answers.append((path, text, data, record_of(study, nct)))
            if search:
                candidates = _search(http, deadline, base, limits)
    except Unreachable as error:
        out(f"trials: ClinicalTrials.gov cannot be reached ({error}); nothing was changed.")
        return 1
    except Failure as error:
        out(f"trials: {error}; nothing was changed.")
        return 1
    files = {
        path: replace_block(replace_block(text, "record", new), "checked", checked_of(data["checked"], data["nct"], today))
        for path, text, data, new in answers
    }
    files = {path: new for path, new in files.items() if new != path.read_text(encoding="utf-8")}
    try:
        if files:
            _checked_as_content(content_dir, files)
    except ContentError as error:
        first = error.problems[0]
        out(f"trials: the registry's values do not pass the content check ({first}); nothing was changed.")
        return 1
    try:
        write_all(files)
    except OSError as error:
        out(f"trials: the trial files could not be written ({clean(str(error))}); nothing was changed.")
        return 1
    for _, _, data, new in answers:
        found = changes(data["record"], new, data["checked"])
        out(f"{data['nct']}: " + ("; ".join(found) if found else "no change") + f" (read {today})")
    for nct in missing:
        out(f"{nct}: not found on ClinicalTrials.gov; left as it was")
    for _, _, data in trials:
        registry = _registry(data)
        if not registry.refreshed:
            out(f"{data[registry.key]}: {registry.name} is not refreshed automatically; last read {data['checked']['date']}")
    known = _known(data for _, _, data in trials)
    for nct, title, status in candidates:
        if nct not in known:
            out(f"to review: {nct} ({status or 'status not given'}) {title}")
    return 0


def _registry(data: dict):
    found = registration(data)
    assert found is not None, "checked content gives one registry id"
    return found[0]


def _known(trials: Iterable[dict]) -> set[str]:
    """Every NCT number the review already has, as a trial's id or among its other ids."""
    known = set()
    for data in trials:
        for value in [data[_registry(data).key], *data.get("other_ids", [])]:
            known.update(re.findall(r"NCT[0-9]{8}", value))
    return known


def _search(http: httpx.Client, deadline: _Deadline, base: str, limits: Limits) -> list[tuple[str, str, str]]:
    """Registrations that match SEARCH_QUERY, as (NCT, title, status), each page checked like a record."""
    found, token = [], None
    for _ in range(SEARCH_PAGES):
        params = {**SEARCH_QUERY, **({"pageToken": token} if token else {})}
        page = get_json(http, deadline, f"{base}/studies", params, limits, "the search")
        if page is None:
            raise Failure("the search: the registry answered HTTP 404")
        studies = page.get("studies", [])
        if not isinstance(studies, list):
            raise Failure("the search: `studies` is not a list")
        for study in studies:
            nct = _at(study, "protocolSection", "identificationModule", "nctId")
            if not isinstance(nct, str) or not REGISTRY.accepts(nct):
                raise Failure(f"the search: a result has no valid NCT number ({clean(str(nct))[:40]})")
            title = _at(study, "protocolSection", "identificationModule", "briefTitle")
            status = _at(study, "protocolSection", "statusModule", "overallStatus")
            found.append(
                (nct, clean(title)[:300] if isinstance(title, str) else "", clean(status) if isinstance(status, str) else "")
            )
        token = page.get("nextPageToken")
        if not isinstance(token, str) or not token:
            break
    return found
