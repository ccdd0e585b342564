"""Check phase: every problem in the content, collected in one pass, each with file, line, field and a hint."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

import fastjsonschema
from jsonschema import Draft202012Validator

from . import evidence, markup
from .errors import Problem, suggest
from .load import Review
from .schema import COLLECTIONS, DATE, SINGLE_FILES, SLUG, collection_schema
from .walk import findings_of, walk

_VALIDATORS = {name: Draft202012Validator(collection_schema(name)) for name in [*COLLECTIONS, *SINGLE_FILES]}
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
    except fastjsonschema.JsonSchemaException:
        problems = [p for error in _VALIDATORS[schema_name].iter_errors(entity.data) for p in _schema_problem(entity, error)]
    return problems + _check_dates(entity, collection_schema(schema_name), entity.data)


def _check_dates(entity, schema, data, path=()) -> list:
    """Dates that have the pattern but not a day in the calendar (2026-02-30)."""
    problems = []
    if schema.get("pattern") == DATE and isinstance(data, str) and re.match(DATE, data):
        try:
            datetime.date.fromisoformat(data)
        except ValueError:
            problems.append(Problem(entity.path, entity.line(*path), field_name(path), f"`{data}` is not a day of the calendar"))
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
                if not isinstance(fid, str) or not re.match(SLUG, fid):
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
    """Yield (snippet, message) for each problem of one Markdown text."""
    for snippet, message in markup.problems(text, profile, known, page_keys):
        if isinstance(message, tuple):
            collection, value = message
            if collection == "collection":
                yield snippet, f"link `{snippet}`: no collection `{value}`{suggest(value, sorted(known))}"
            elif collection in trusted:
                what = f"citation `@{value}`" if snippet.startswith("[") else f"link `{snippet}`"
                yield snippet, f"{what}: {_unknown(collection, value, known)}"
        else:
            yield snippet, message


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
                problems += [
                    Problem(entity.path, entity.line_of(where, snippet), field_name(where), message)
                    for snippet, message in text_problems(text, profile, known, trusted)
                ]
    return problems


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
        for snippet, message in text_problems(page.text, "page", known, trusted, frozenset(keys)):
            offset = page.text.find(snippet.split("\n", 1)[0])
            problems.append(Problem(page.path, page.text.count("\n", 0, max(offset, 0)) + 1, "text", message))
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
            problems += [
                Problem(log.path, log.line_of(("releases", index, "changes"), s), field_name(["releases", index, "changes"]), m)
                for s, m in text_problems(release["changes"], "prose", known, trusted)
            ]
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
            if name in ("mechanisms", "topics") and name not in broken:
                found += check_outcomes(entity)
            if name == "studies":
                found += check_evidence(entity)
            checked.links[entity.path] = (entity.text, key, found)
            problems += found
    checked.forget_missing(review)
    if review.search is not None:
        problems += check_markdown(review.search, collection_schema("search"), known, trusted)
    problems += check_pages(review, known, trusted, site)
    if not broken & {"mechanisms", "topics", "studies"}:
        problems += check_cited(review)
    if review.changelog is not None:
        problems += check_changelog(review, known, trusted, site)
    if review.site is not None and not problems:
        problems += check_site(review)
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.field, p.message))
