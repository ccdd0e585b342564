"""Check phase: every problem in the content, collected in one pass, each with file, line, field and a hint."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

import fastjsonschema
from jsonschema import Draft202012Validator, ValidationError, validators

from . import bias, evidence, markup, provenance
from .errors import Problem, suggest
from .load import Review
from .outcomes import MEASURES
from .schema import COLLECTIONS, DATE, NUMBER, PARTIAL_DATE, SINGLE_FILES, SLUG, TEXT_MAX, collection_schema, matches
from .walk import findings_of, plain_strings, walk


def _pattern(validator, pattern, instance, schema):
    """The `pattern` keyword as JSON Schema (ECMA-262) and fastjsonschema read it: `$` ends the text (jsonschema's
    own uses Python's `re`, whose `$` also matches before a final newline)."""
    if validator.is_type(instance, "string") and not matches(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_Validator = validators.extend(Draft202012Validator, {"pattern": _pattern})
_VALIDATORS = {name: _Validator(collection_schema(name)) for name in [*COLLECTIONS, *SINGLE_FILES]}
# The one optimisation of this phase: the schemas compiled to Python code, which accept a valid file about ten times
# faster than jsonschema does; jsonschema, whose errors carry the paths the messages need, runs only on a file that
# fails here. A property test checks that both accept the same documents. (No keyword newer than draft 7 is used.)
_FAST = {
    name: fastjsonschema.compile({**collection_schema(name), "$schema": "http://json-schema.org/draft-07/schema#"})
    for name in _VALIDATORS
}
_JSON_TYPES = {
    str: "text",
    int: "a whole number",
    float: "a number",
    bool: "true/false",
    list: "a list",
    dict: "a mapping",
    type(None): "nothing",
}
_EXPECTED = {
    "string": "text",
    "integer": "a whole number",
    "array": "a list",
    "object": "a mapping",
    "boolean": "true or false",
    "number": "a number",
    "null": "null",
}
SINGULAR = {
    "studies": "study",
    "therapies": "therapy",
    "glossary": "glossary term",
    "findings": "finding",
    "questions": "question",
    "mechanisms": "mechanism",
    "topics": "topic",
    "trials": "trial",
    "substances": "substance",
}
RESERVED_IDS = {"index"}  # `studies/index` is the list of studies, not a study


def field_name(path) -> str:
    """A field path written like findings[2].studies[0]."""
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text or "file"


def _shown(value) -> str:
    """A short rendering of a value for a message."""
    text = str(value)
    return f"`{text[:60]}…`" if len(text) > 60 else f"`{text}`"


def _expected(kind: str | list[str]) -> str:
    kinds = kind if isinstance(kind, list) else [kind]
    return " or ".join(_EXPECTED.get(k, k) for k in kinds)


def _schema_problem(entity, error) -> list:
    """One jsonschema error as Problems (an unknown key gives one each)."""
    path = list(error.absolute_path)
    kind, schema, value = error.validator, error.schema, error.instance
    if kind == "required":
        found = re.match(r"'(.+?)' is a required property", error.message)
        name = found.group(1) if found else "?"
        return [Problem(entity.path, entity.line(*path), field_name([*path, name]), "missing required field")]
    if kind == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        return [
            Problem(
                entity.path,
                entity.line(*path, key),
                field_name([*path, key]),
                f"unknown key `{key}`{suggest(key, allowed) or '; allowed: ' + ', '.join(allowed)}",
            )
            for key in value
            if key not in schema.get("properties", {})
        ]
    if kind == "type":
        got = _JSON_TYPES.get(type(value), type(value).__name__)
        message = f"expected {_expected(error.validator_value)}, got {got} {_shown(value)}"
    elif kind == "pattern":
        message = f"{_shown(value)} {schema.get('x-hint', 'does not have the expected form')}"
    elif kind == "enum":
        allowed = [v for v in error.validator_value if v is not None]
        message = f"{_shown(value)} is not one of: {', '.join(map(str, allowed))}{suggest(value, allowed)}"
    elif kind == "minItems":
        message = f"needs at least {error.validator_value} item{'s' if error.validator_value > 1 else ''}"
    elif kind in ("maxItems", "maxProperties"):
        message = f"has more than {error.validator_value} items; split the content"
    elif kind == "minLength":
        message = "must not be empty"
    elif kind == "maxLength":
        message = f"is {len(value):,} characters long; the limit is {error.validator_value:,}"
    elif kind == "uniqueItems":
        message = "lists the same value twice"
    elif kind in ("minimum", "maximum"):
        message = f"{_shown(value)} is out of range ({kind} {error.validator_value})"
    elif kind == "oneOf":
        message = "expected `{family: …, given: …}` for a person or `{organisation: …}` for a group"
    elif kind == "propertyNames":
        message = f"{_shown(value)} is not a safe id"
    else:
        message = error.message
    return [Problem(entity.path, entity.line(*path), field_name(path), message)]


def check_schema(entity, schema_name: str) -> list:
    """Problems of shape: unknown keys, missing fields, wrong types, patterns and sizes."""
    try:
        _FAST[schema_name](entity.data)
        problems = []
    except fastjsonschema.JsonSchemaValueException as refused:
        problems = [p for error in _VALIDATORS[schema_name].iter_errors(entity.data) for p in _schema_problem(entity, error)]
        if not problems:  # the two validators disagree: what the fast one refuses is refused all the same
            path = [int(k) if k.isdigit() else k for k in refused.path[1:]]
            problems = [Problem(entity.path, entity.line(*path), field_name(path), refused.message)]
    return problems + _check_dates(entity, collection_schema(schema_name), entity.data)


def _check_dates(entity, schema, data, path=()) -> list:
    """Dates that have the pattern but not a day in the calendar (2026-02-30)."""
    problems = []
    if schema.get("pattern") in (DATE, PARTIAL_DATE) and isinstance(data, str) and matches(schema["pattern"], data):
        parts = [int(p) for p in data.split("-")] + [1, 1]  # a year or a month is checked from its first day
        try:
            datetime.date(parts[0], parts[1], parts[2])
        except ValueError:
            problems.append(Problem(entity.path, entity.line(*path), field_name(path), f"`{data}` is not a day of the calendar"))
        else:
            earliest, latest = schema.get("x-earliest", data), schema.get("x-latest", data)
            if not earliest <= data <= latest:
                problems.append(
                    Problem(
                        entity.path,
                        entity.line(*path),
                        field_name(path),
                        f"`{data}` is outside the dates a release can have, {earliest} to {latest} (the sitemap's "
                        "timestamp holds no other)",
                    )
                )
    elif isinstance(data, dict) and schema.get("type") == "object":
        for key, value in data.items():
            if key in schema.get("properties", {}):
                problems += _check_dates(entity, schema["properties"][key], value, (*path, key))
    elif isinstance(data, list) and isinstance(schema.get("items"), dict):
        for index, value in enumerate(data):
            problems += _check_dates(entity, schema["items"], value, (*path, index))
    return problems


def check_file_name(entity, stem: str) -> list:
    """The id written in a file equals its name, and is not a reserved name."""
    value = entity.data.get("id")
    problems = []
    if isinstance(value, str) and value != stem:
        problems.append(
            Problem(
                entity.path, entity.line("id"), "id", f"`{value}` does not match the file name `{stem}.yaml`; rename one of them"
            )
        )
    if stem in RESERVED_IDS:
        problems.append(
            Problem(entity.path, 1, "id", f"`{stem}` is reserved for the list of the collection's pages; choose another id")
        )
    return problems


def known_ids(review: Review):
    """({collection: ids}, with `findings`), and a Problem for each finding id used twice."""
    known = {name: set(entities) for name, entities in review.entities.items()}
    where: dict[str, tuple] = {}  # finding id -> (entity, field path) where it is first used
    known["findings"], problems = set(), []
    for entities in review.entities.values():
        for entity in entities.values():
            for path, finding in findings_of(entity.collection, entity.data):
                fid = finding.get("id")
                if not isinstance(fid, str) or not matches(SLUG, fid):
                    continue
                if fid in where:
                    first, first_path = where[fid]
                    problems.append(
                        Problem(
                            entity.path,
                            entity.line(*path, "id"),
                            field_name([*path, "id"]),
                            f"finding id `{fid}` is already used at {first.path}:{first.line(*first_path, 'id')}",
                        )
                    )
                else:
                    where[fid] = entity, path
                    known["findings"].add(fid)
    return known, problems


def _unknown(collection: str, value: str, known: dict) -> str:
    """The message for a reference to an id that does not exist."""
    return f"no {SINGULAR.get(collection, collection)} `{value}`{suggest(value, sorted(known[collection]))}"


def check_references(entity, schema, known, trusted) -> list:
    """Every id in a reference field exists (references into a collection with a broken file are not judged)."""
    problems = []
    for path, sub, value in walk(schema, entity.data):
        target = sub.get("x-references")
        if target is None or target not in trusted:
            continue
        if isinstance(value, list):
            problems += [
                Problem(entity.path, entity.line(*path, i), field_name([*path, i]), _unknown(target, v, known))
                for i, v in enumerate(value)
                if isinstance(v, str) and v not in known[target]
            ]
        elif isinstance(value, dict):
            problems += [
                Problem(entity.path, entity.line(*path, k), field_name([*path, k]), _unknown(target, k, known))
                for k in value
                if k not in known[target]
            ]
    return problems


def text_problems(text: str, profile: str, known: dict, trusted: set, page_keys=frozenset()):
    """Yield (line within the text, snippet, message) for each problem of one Markdown text, in its order."""
    for line, snippet, message in markup.located(text, profile, known, page_keys):
        if isinstance(message, tuple):
            collection, value = message
            if collection == "collection":
                yield line, snippet, f"link `{snippet}`: no collection `{value}`{suggest(value, sorted(known))}"
            elif collection in trusted:
                what = f"citation `@{value}`" if snippet.startswith("[") else f"link `{snippet}`"
                yield line, snippet, f"{what}: {_unknown(collection, value, known)}"
        else:
            yield line, snippet, message


def field_problems(entity, where, text: str, profile: str, known: dict, trusted: set, limit: int = TEXT_MAX) -> list:
    """The problems of one Markdown field, each at its line of the file. A text over its length limit is not
    parsed at all (the schema reports its length): the check's work stays bounded by the limits."""
    if len(text) > limit:
        return []
    found = list(text_problems(text, profile, known, trusted))
    lines = entity.lines_of(where, [snippet for _, snippet, _ in found])
    return [Problem(entity.path, line, field_name(where), message) for line, (_, _, message) in zip(lines, found, strict=True)]


def check_markdown(entity, schema, known, trusted) -> list:
    """Citations and cross-links resolve, and Markdown fields hold only what they may."""
    problems = []
    for path, sub, value in walk(schema, entity.data):
        if not sub.get("x-markdown"):
            continue
        profile = "inline" if sub.get("x-inline") else "prose"
        for key, text in value.items() if isinstance(value, dict) else [(None, value)]:
            if isinstance(text, str):
                where = path if key is None else (*path, key)
                problems += field_problems(entity, where, text, profile, known, trusted)
    return problems


def check_plain(entity, schema, known) -> list:
    """No citation or cross-link in a plain-text field (a title, a name, a registry value): nothing renders them
    there, so the reader would see the raw `[@id]` or `(@collection/id)`."""
    return [
        Problem(
            entity.path,
            entity.line_of(path, mark),
            field_name(path),
            f"`{mark}` is not rendered in a plain-text field; write the words (the field is shown exactly as written)",
        )
        for path, text in plain_strings(schema, entity.data)
        for mark in markup.raw_marks(text, known)
    ]


def check_pages(review: Review, known, trusted, pages: SitePages) -> list:
    """Hand-written pages: their Markdown, their links, and names that a generated page already has."""
    problems = []
    if "index" not in review.pages:
        problems.append(Problem("content/pages/index.md", 1, "file", "missing; it is the home page"))
    if "method" not in review.pages:
        problems.append(Problem("content/pages/method.md", 1, "file", "missing; it is the method page (every page links to it)"))
    keys = pages.names(review)
    for name, page in review.pages.items():
        if name in pages.reserved:
            problems.append(Problem(page.path, 1, "file", f"`{name}` is the name of a generated page; rename the file"))
        for line, _, message in text_problems(page.text, "page", known, trusted, frozenset(keys)):
            problems.append(Problem(page.path, line + 1, "text", message))  # a page's text keeps its file's lines
        problems += check_headings(page, name, pages)
    return problems


def check_anchors(entity, site: SitePages) -> list:
    """The ids a mechanism or topic writes that become anchors of its page (findings, sections) are none of the
    page's own (a heading's: a finding `references`), nor the summary rows' (`sof-…`), nor each other's: a page
    with two elements of one id fails the build, and a link would go to the first."""
    own = site.anchors(entity.collection, entity.data)
    written: dict[str, str] = {}
    outcomes = entity.data.get("outcomes") if isinstance(entity.data.get("outcomes"), list) else []
    for o in outcomes:
        if isinstance(o, dict) and isinstance(o.get("id"), str):
            written["sof-" + o["id"]] = "a row of its summary of findings"
    places = [(("sections", i), s) for i, s in enumerate(entity.data.get("sections") or []) if isinstance(s, dict)]
    problems = []
    for path, part in [*places, *findings_of(entity.collection, entity.data)]:
        value = part.get("id")
        if not isinstance(value, str):
            continue
        if value in own or value in written:
            other = f"the anchor of {written[value]}" if value in written else "an anchor of its page (a heading's)"
            problems.append(
                Problem(
                    entity.path,
                    entity.line(*path, "id"),
                    field_name([*path, "id"]),
                    f"`{value}` is already {other}; choose another id",
                )
            )
        written.setdefault(value, f"a finding ({field_name(path)})" if "findings" in path else f"a section ({field_name(path)})")
    return problems


def check_headings(page, name: str, site: SitePages) -> list:
    """A hand-written page's headings do not take an anchor its page already has (`Cite this page`)."""
    own = site.anchors("pages", {"name": name})
    problems = []
    for line, words in markup.headings(page.text):
        anchor = site.slug(words)
        if anchor in own:
            problems.append(
                Problem(
                    page.path,
                    line + 1,
                    "text",
                    f"the heading `{words}` has the anchor `{anchor}`, which its page already gives another part; "
                    "reword the heading",
                )
            )
    return problems


def check_cited(review: Review) -> list:
    """Every study is cited by at least one finding."""
    cited = {
        s
        for entities in review.entities.values()
        for e in entities.values()
        for _, f in findings_of(e.collection, e.data)
        if isinstance(f.get("studies"), list)
        for s in f["studies"]
        if isinstance(s, str)
    }
    return [
        Problem(e.path, e.line("id"), "id", "no finding cites this study; add it to a finding's `studies` or remove the file")
        for e in review.entities["studies"].values()
        if e.id not in cited
    ]


def check_evidence(entity) -> list:
    """A study's evidence level is one its design admits (model/evidence.py), so that the certainty rules can rate
    every study the check lets through."""
    data = entity.data
    design = data.get("characteristics", {}).get("design") if isinstance(data.get("characteristics"), dict) else None
    message = evidence.problem(data.get("evidence"), design) if isinstance(data.get("evidence"), str) else None
    return [Problem(entity.path, entity.line("evidence"), "evidence", message)] if message else []


def check_effect(entity) -> list:
    """A study's effect estimates are ones a source can report: a ratio (odds, risk, hazard) and its confidence limits
    are greater than 0, and the interval runs from its lower to its upper limit around the estimate. The forest
    plot draws ratios on a log scale, where 0 and below do not exist."""
    problems = []
    for i, effect in enumerate(entity.data.get("effects") or []):
        if not isinstance(effect, dict) or effect.get("measure") not in MEASURES:
            continue
        measure = MEASURES[effect["measure"]]
        numbers = {
            key: float(effect[key])
            for key in ("value", "ci_low", "ci_high")
            if isinstance(effect.get(key), str) and matches(NUMBER, effect[key])
        }
        found: list[Problem] = []

        def problem(key, message, i=i, found=found):
            path = ("effects", i, key)
            found.append(Problem(entity.path, entity.line(*path), field_name(path), message))

        for key, number in numbers.items():
            if measure.ratio and number <= 0:
                problem(key, f"`{effect[key]}`: {measure.name.lower()}s and their confidence limits are greater than 0")
        if not found and {"ci_low", "ci_high"} <= set(numbers):
            low, high = numbers["ci_low"], numbers["ci_high"]
            if low > high:
                problem(
                    "ci_low", f"`{effect['ci_low']}` is above the upper limit `{effect['ci_high']}`; write the lower limit here"
                )
            elif "value" in numbers and not low <= numbers["value"] <= high:
                problem(
                    "value",
                    f"`{effect['value']}` lies outside its confidence interval ({effect['ci_low']} to {effect['ci_high']}); "
                    "check the numbers against the source",
                )
        problems += found
    return problems


def check_synthesis(entity, studies: dict) -> list:
    """A study's synthesis data hold together: its risk of bias fits its tool and design (a controlled trial in
    people has one, from a tool), each effect's number has its measure, and its `same_participants_as` names
    another study, without a cycle."""
    data, problems = entity.data, []
    c = data.get("characteristics") if isinstance(data.get("characteristics"), dict) else {}
    design = c.get("design") if isinstance(c.get("design"), str) else None
    rob = data.get("risk_of_bias")
    if isinstance(rob, dict):
        for path, message in bias.problems(rob, design):
            problems.append(
                Problem(entity.path, entity.line("risk_of_bias", *path), field_name(["risk_of_bias", *path]), message)
            )
    elif design in evidence.DESIGNS and evidence.DESIGNS[design].controlled_trial:
        tools = [t.id for t in bias.TOOLS.values() if design in t.designs]
        problems.append(
            Problem(
                entity.path,
                entity.line("id"),
                "risk_of_bias",
                f"a controlled trial needs its risk of bias by domain ({', '.join(tools)})",
            )
        )
    if (
        isinstance(rob, dict)
        and rob.get("tool") == "none"
        and design in evidence.DESIGNS
        and evidence.DESIGNS[design].controlled_trial
    ):
        problems.append(
            Problem(
                entity.path,
                entity.line("risk_of_bias", "tool"),
                "risk_of_bias.tool",
                "a controlled trial is assessed with a tool, not `none`",
            )
        )
    for i, e in enumerate(data.get("effects") or []):
        if not isinstance(e, dict):
            continue
        where = ["effects", i]
        if e.get("value") is not None and e.get("measure") is None:
            problems.append(
                Problem(entity.path, entity.line(*where, "measure"), field_name([*where, "measure"]), "a value needs its measure")
            )
    same = data.get("same_participants_as") or []
    for i, other in enumerate(same):
        if other == data.get("id"):
            problems.append(
                Problem(
                    entity.path,
                    entity.line("same_participants_as", i),
                    field_name(["same_participants_as", i]),
                    "a study cannot share its participants with itself",
                )
            )
        seen, nxt = [data.get("id")], other
        while isinstance(nxt, str) and nxt in studies and nxt not in seen:
            seen.append(nxt)
            following = studies[nxt].data.get("same_participants_as") or [None]
            nxt = following[0] if isinstance(following, list) and following else None
        if nxt == data.get("id") and other != data.get("id"):
            problems.append(
                Problem(
                    entity.path,
                    entity.line("same_participants_as", i),
                    field_name(["same_participants_as", i]),
                    f"`{other}` leads back to this study: name the primary report in the subsets only",
                )
            )
    return problems


def check_comparisons(review: Review) -> list:
    """The outcome tables: a comparison's trials are controlled studies in people and its single-group studies are
    uncontrolled (never drawn against a comparator); an outcome that two or more of its trials report with an
    estimate has a pooling decision; and every controlled trial of a psychedelic in people with SUD is in a
    comparison (itself, or the trial whose participants it reports)."""
    problems, studies = [], review.entities["studies"]
    placed = set()
    for entity in review.entities["comparisons"].values():
        data = entity.data
        for key, want in (("studies", False), ("single_group", True)):
            for i, sid in enumerate(data.get(key) or []):
                if sid not in studies:
                    continue  # the reference check reports it
                placed.add(sid)
                design = (studies[sid].data.get("characteristics") or {}).get("design")
                uncontrolled = design in evidence.DESIGNS and evidence.DESIGNS[design].uncontrolled
                preclinical = design in evidence.DESIGNS and evidence.DESIGNS[design].kind != "human"
                if uncontrolled != want or preclinical:
                    message = (
                        "a study without a control group is listed under `single_group`, never compared"
                        if uncontrolled
                        else "only studies in people without a control group go under `single_group`"
                        if want
                        else "only studies in people go in an outcome table"
                    )
                    problems.append(Problem(entity.path, entity.line(key, i), field_name([key, i]), message))
        decided = {p.get("outcome") for p in data.get("pooling") or [] if isinstance(p, dict)}
        counts: dict[str, int] = {}
        for sid in data.get("studies") or []:
            if sid in studies:
                reported = {
                    e.get("outcome")
                    for e in studies[sid].data.get("effects") or []
                    if isinstance(e, dict)
                    and e.get("value") is not None
                    and not MEASURES.get(e.get("measure") or "", MEASURES["proportion"]).within_group
                }
                for o in reported:
                    if isinstance(o, str):
                        counts[o] = counts.get(o, 0) + 1
        for outcome, n in sorted(counts.items()):
            if n >= 2 and outcome not in decided:
                problems.append(
                    Problem(
                        entity.path,
                        entity.line("studies"),
                        "pooling",
                        f"{n} trials report `{outcome}` with an estimate: add a pooling decision (pool: true or false, and why)",
                    )
                )
    for sid, entity in studies.items():
        data = entity.data
        c = data.get("characteristics") if isinstance(data.get("characteristics"), dict) else {}
        design = c.get("design")
        controlled = design in evidence.DESIGNS and evidence.DESIGNS[design].controlled_trial
        if not controlled or data.get("evidence") != "patients-sud":
            continue
        parent = (data.get("same_participants_as") or [None])[0]
        if sid not in placed and parent not in placed:
            problems.append(
                Problem(
                    entity.path,
                    entity.line("id"),
                    "id",
                    "a controlled trial in people with a substance use disorder belongs in an outcome table: add it to a "
                    "comparison's `studies` in content/comparisons/ (or name the trial it reports in `same_participants_as`)",
                )
            )
    return problems


def check_outcomes(entity) -> list:
    """A mechanism's outcome ids are unique and each finding's `outcome` is one of them; a topic's findings have
    none (only mechanism pages have a summary of findings)."""
    data, problems = entity.data, []
    outcomes = data.get("outcomes") if isinstance(data.get("outcomes"), list) else []
    ids = [o.get("id") for o in outcomes if isinstance(o, dict)]
    for i, oid in enumerate(ids):
        if oid in ids[:i]:
            problems.append(
                Problem(
                    entity.path,
                    entity.line("outcomes", i, "id"),
                    field_name(["outcomes", i, "id"]),
                    f"outcome id `{oid}` is used twice on this page",
                )
            )
    for path, finding in findings_of(entity.collection, data):
        oid = finding.get("outcome")
        if oid is None:
            continue
        where = field_name([*path, "outcome"])
        if entity.collection != "mechanisms":
            problems.append(
                Problem(
                    entity.path, entity.line(*path, "outcome"), where, "only a mechanism's findings have an outcome; remove it"
                )
            )
        elif oid not in ids:
            problems.append(
                Problem(
                    entity.path,
                    entity.line(*path, "outcome"),
                    where,
                    f"no outcome `{oid}` on this page{suggest(str(oid), sorted(i for i in ids if i))}",
                )
            )
    return problems


def check_changelog(review: Review, known, trusted, pages: SitePages) -> list:
    """Releases list real pages, newest first, and the newest matches site.yaml's version and date."""
    log, problems = review.changelog, []
    assert log is not None
    found = log.data.get("releases")
    releases: list = found if isinstance(found, list) else []
    keys = pages.names(review)
    for index, release in enumerate(releases):
        if not isinstance(release, dict):
            continue
        if isinstance(release.get("changes"), str):
            problems += field_problems(log, ("releases", index, "changes"), release["changes"], "prose", known, trusted)
        listed = release.get("pages")
        for p, page in enumerate(listed if isinstance(listed, list) else []):
            if isinstance(page, str) and page not in keys:
                problems.append(
                    Problem(
                        log.path,
                        log.line("releases", index, "pages", p),
                        field_name(["releases", index, "pages", p]),
                        f"no page `{page}`{suggest(page, sorted(keys))}",
                    )
                )
    dates: list[str] = [r["date"] for r in releases if isinstance(r, dict) and isinstance(r.get("date"), str)]
    if dates != sorted(dates, reverse=True):
        problems.append(Problem(log.path, log.line("releases"), "releases", "releases must be listed newest first"))
    site = review.site.data if review.site is not None else {}
    if review.site is not None and releases and isinstance(releases[0], dict):
        for key in ("version", "date"):
            if key in releases[0] and key in site and releases[0][key] != site[key]:
                problems.append(
                    Problem(
                        review.site.path,
                        review.site.line(key),
                        key,
                        f"`{site[key]}` differs from the newest release in {log.path} (`{releases[0][key]}`)",
                    )
                )
    return problems


def check_site(review: Review) -> list:
    """site.yaml's address ends with a slash (every permalink is built on it)."""
    if review.site is None:
        return []
    url = review.site.data.get("url")
    if isinstance(url, str) and not url.endswith("/"):
        return [Problem(review.site.path, review.site.line("url"), "url", f"`{url}` must end with `/`")]
    return []


@dataclass(frozen=True)
class SitePages:
    """What the check needs to know of the site's pages (outputs/pages.py gives it: the content model does not
    depend on the site): the name of every page the content makes, and the names a hand-written page may not take."""

    names: Callable[[Review], frozenset[str]]
    reserved: frozenset[str]
    anchors: Callable[[str, dict], frozenset[str]] = lambda collection, item: frozenset()  # a page's own anchors
    slug: Callable[[str], str] = str  # a hand-written heading's anchor


class Checked:
    """What the check found for each file, kept between checks (the live preview and the build cache keep one):
    a file whose text is unchanged is not checked again, and its references are checked again only when the set
    of known ids or of trusted collections changed. The result is the same as a check from nothing."""

    def __init__(self) -> None:
        self.shape: dict[str, tuple[str, str, list]] = {}  # path -> (text, stem, problems of shape and name)
        self.links: dict[str, tuple[str, object, list]] = {}  # path -> (text, (known, trusted) key, problems)
        self.key: object = None  # the last check's (known, trusted) key: one object, compared by identity

    def forget_missing(self, review: Review) -> None:
        present = {e.path for entities in review.entities.values() for e in entities.values()}
        for table in (self.shape, self.links):
            for path in set(table) - present:
                del table[path]


def _key(known: dict, trusted: set) -> tuple:
    """What the reference checks of an unchanged file depend on: every known id, and the trusted collections."""
    return tuple(sorted((name, frozenset(ids)) for name, ids in known.items())), frozenset(trusted)


def validate(review: Review, site: SitePages, checked: Checked | None = None) -> list:
    """Every Problem in the review, sorted by file and line (empty when the content is good). A file that cannot
    be read or has the wrong shape makes its collection untrusted: references into it are not judged, since they
    would mostly report that file's fault again. With `checked`, files checked before with the same text (and the
    same known ids) are not checked again."""
    checked = checked or Checked()
    problems = list(review.problems)
    broken = set(review.broken)
    for special in SINGLE_FILES:
        if getattr(review, special) is not None:
            problems += check_schema(getattr(review, special), special)
    for name, entities in review.entities.items():
        for stem, entity in entities.items():
            held = checked.shape.get(entity.path)
            if held is not None and held[0] == entity.text and held[1] == stem:
                found = held[2]
            else:
                found = check_schema(entity, name) + check_file_name(entity, stem)
                checked.shape[entity.path] = (entity.text, stem, found)
            if found:
                broken.add(name)
            problems += found
    if broken & {"mechanisms", "topics"}:
        broken.add("findings")
    known, duplicates = known_ids(review)
    trusted = set(known) - broken
    problems += duplicates
    key = _key(known, trusted)
    if key == checked.key:
        key = checked.key
    checked.key = key
    for name, entities in review.entities.items():
        schema = collection_schema(name)
        for entity in entities.values():
            held_links = checked.links.get(entity.path)
            if held_links is not None and held_links[0] == entity.text and held_links[1] is key:
                problems += held_links[2]
                continue
            found = check_references(entity, schema, known, trusted) + check_markdown(entity, schema, known, trusted)
            found += check_plain(entity, schema, known)
            if name in ("mechanisms", "topics") and name not in broken:
                found += check_outcomes(entity) + check_anchors(entity, site)
            if name == "studies":
                found += check_evidence(entity) + check_effect(entity) + provenance.check_study(entity)
            if name == "trials":
                found += provenance.check_trial(entity)
            checked.links[entity.path] = (entity.text, key, found)
            problems += found
    if "studies" not in broken:
        # Not remembered per file: a study's `same_participants_as` chain runs through other studies' files.
        studies = review.entities.get("studies", {})
        for entity in studies.values():
            problems += check_synthesis(entity, studies)
    checked.forget_missing(review)
    if review.search is not None:
        problems += check_markdown(review.search, collection_schema("search"), known, trusted)
    problems += check_pages(review, known, trusted, site)
    if not broken & {"mechanisms", "topics", "studies"}:
        problems += check_cited(review)
    if not broken & {"studies", "comparisons"}:
        problems += check_comparisons(review)
    if review.changelog is not None:
        problems += check_changelog(review, known, trusted, site)
    if review.site is not None and not problems:
        problems += check_site(review)
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.field, p.message))
