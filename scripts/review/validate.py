"""Check phase: every problem in the content, collected in one pass, each with file, line and field."""

import re

import fastjsonschema
from jsonschema import Draft202012Validator

from .errors import Problem, suggest
from .schema import COLLECTIONS, SLUG, collection_schema

CITATION = re.compile(r"\[(@[^\]]*)\]")
CITED_ID = re.compile(r"@([^\s;,\]]*)")
CROSS_LINK = re.compile(r"\(@([^)\s]*)\)")  # `[text](@collection/id)`, or bare `(@collection/id)`
LINK_TARGET = re.compile(r"\]\(\s*<?([a-zA-Z][a-zA-Z0-9+.-]*):")
SAFE_SCHEMES = {"http", "https", "mailto"}


def cited_ids(text):
    """The study ids cited with `[@id]` or `[@a; @b]` in a Markdown text, in order."""
    return [c.group(1) for m in CITATION.finditer(str(text)) for c in CITED_ID.finditer(m.group(1))]
_VALIDATORS = {name: Draft202012Validator(collection_schema(name)) for name in [*COLLECTIONS, "site", "changelog"]}
# The same schemas compiled to Python code, which checks a valid file about ten times faster than jsonschema does;
# jsonschema (whose errors carry the paths and details the messages need) runs only on a file that fails here.
# The schemas use no keyword newer than draft 7, the newest draft fastjsonschema compiles.
_FAST = {name: fastjsonschema.compile({**collection_schema(name), "$schema": "http://json-schema.org/draft-07/schema#"})
         for name in _VALIDATORS}
_PATTERN_HINTS = {
    "id": "is not a safe id: use lower-case letters, digits and single hyphens, like `shao2021`",
    "doi": "is not a DOI: write it like `10.1016/j.neuron.2021.06.008`, without https://doi.org/",
    "pmid": "is not a PubMed id: digits only, quoted, like '34228959'",
    "nct": "is not an NCT number: `NCT` and eight digits, like `NCT04141501`",
    "first_posted": "is not a date: write YYYY-MM-DD, quoted",
    "date": "is not a date: write YYYY-MM-DD, quoted",
    "version": "is not a version: write MAJOR.MINOR.PATCH, like `1.0.0`",
}
_JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", list: "list", dict: "mapping", type(None): "nothing"}


def field_name(path):
    """Render a field path like findings[2].studies[0]."""
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text or "file"


def _shown(value):
    """A short rendering of a value for a message."""
    text = str(value)
    return f"`{text[:60]}…`" if len(text) > 60 else f"`{text}`"


def _schema_problem(entity, error):
    """Translate one jsonschema error into Problems (unknown keys give one each)."""
    path = list(error.absolute_path)
    kind, schema, value = error.validator, error.schema, error.instance
    if kind == "required":
        name = re.match(r"'(.+?)' is a required property", error.message).group(1)
        return [Problem(entity.path, entity.line(*path), field_name([*path, name]), "missing required field")]
    if kind == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        return [
            Problem(entity.path, entity.line(*path, key), field_name([*path, key]),
                    f"unknown key `{key}`{suggest(key, allowed) or '; allowed: ' + ', '.join(allowed)}")
            for key in value if key not in schema.get("properties", {})
        ]
    if kind == "type":
        got = _JSON_TYPES.get(type(value), type(value).__name__)
        message = f"expected {_JSON_TYPES_FOR.get(error.validator_value, error.validator_value)}, got {got} {_shown(value)}"
    elif kind == "pattern":
        last = next((k for k in reversed(path) if isinstance(k, str)), "id")
        message = f"{_shown(value)} {_PATTERN_HINTS.get(last, _PATTERN_HINTS['id'])}"
    elif kind == "enum":
        message = f"{_shown(value)} is not one of: {', '.join(map(str, error.validator_value))}{suggest(value, error.validator_value)}"
    elif kind == "minItems":
        message = f"needs at least {error.validator_value} item{'s' if error.validator_value > 1 else ''}"
    elif kind == "minLength":
        message = "must not be empty"
    elif kind == "uniqueItems":
        message = "lists the same id twice"
    elif kind in ("minimum", "maximum"):
        message = f"{_shown(value)} is out of range ({kind} {error.validator_value})"
    else:
        message = error.message
    return [Problem(entity.path, entity.line(*path), field_name(path), message)]


_JSON_TYPES_FOR = {"string": "text", "integer": "a whole number", "array": "a list", "object": "a mapping"}


def check_schema(entity, schema_name):
    """Problems of shape: unknown keys, missing fields, wrong types and formats."""
    try:
        _FAST[schema_name](entity.data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    problems = []
    for error in _VALIDATORS[schema_name].iter_errors(entity.data):
        problems.extend(_schema_problem(entity, error))
    return problems


def check_file_name(entity, stem):
    """The id written in the file must equal its file name."""
    value = entity.data.get("id")
    if isinstance(value, str) and value != stem:
        return [Problem(entity.path, entity.line("id"), "id", f"`{value}` does not match the file name `{stem}.yaml`; rename one of them")]
    return []


MARKS = ("x-references", "x-markdown")


def walk(schema, data, path=()):
    """Yield (path, schema, value) for every value in data that schema marks as a reference (x-references) or
    Markdown (x-markdown); parts of the data whose schema marks nothing below are not visited."""
    if "x-references" in schema or "x-markdown" in schema:
        yield path, schema, data
    if isinstance(data, dict) and schema.get("type") == "object":
        properties, extra = schema.get("properties", {}), schema.get("additionalProperties")
        for key, value in data.items():
            sub = properties.get(key)
            if sub is None and isinstance(extra, dict):
                sub = extra
            if sub is not None and _marks_below(sub):
                yield from walk(sub, value, (*path, key))
    elif isinstance(data, list) and isinstance(schema.get("items"), dict) and _marks_below(schema["items"]):
        for index, value in enumerate(data):
            yield from walk(schema["items"], value, (*path, index))


def _marks_below(schema, _seen={}):  # noqa: B006 (a cache: {id: (schema, answer)}, the schema kept so its id stays its own)
    """Whether a schema or any schema inside it marks a reference or Markdown."""
    if id(schema) not in _seen:
        inside = [schema.get("items"), schema.get("additionalProperties"), *schema.get("properties", {}).values()]
        _seen[id(schema)] = schema, any(mark in schema for mark in MARKS) or any(
            _marks_below(sub) for sub in inside if isinstance(sub, dict))
    return _seen[id(schema)][1]


def findings_of(entity):
    """Yield (path, finding) for each well-formed finding of a mechanism or topic."""
    data = entity.data
    if entity.collection == "mechanisms" and isinstance(data.get("findings"), list):
        for index, finding in enumerate(data["findings"]):
            if isinstance(finding, dict):
                yield ("findings", index), finding
    if entity.collection == "topics" and isinstance(data.get("sections"), list):
        for s, section in enumerate(data["sections"]):
            if isinstance(section, dict) and isinstance(section.get("findings"), list):
                for index, finding in enumerate(section["findings"]):
                    if isinstance(finding, dict):
                        yield ("sections", s, "findings", index), finding


def known_ids(review):
    """Ids of every collection, plus finding ids, and Problems for finding ids used twice."""
    known = {name: set(entities) for name, entities in review.entities.items()}
    for name, stem in review.unreadable:  # already reported; references to it are not errors too
        known[name].add(stem)
    known["findings"], where, problems = set(), {}, []
    for entities in review.entities.values():
        for entity in entities.values():
            for path, finding in findings_of(entity):
                fid = finding.get("id")
                if not isinstance(fid, str) or not re.match(SLUG, fid):
                    continue
                if fid in where:
                    first, first_path = where[fid]
                    problems.append(Problem(entity.path, entity.line(*path, "id"), field_name([*path, "id"]),
                                            f"finding id `{fid}` is already used at {first.path}:{first.line(*first_path, 'id')}"))
                else:
                    where[fid] = entity, path
                    known["findings"].add(fid)
    return known, problems


SINGULAR = {"studies": "study", "therapies": "therapy", "glossary": "glossary term"}


def _unknown(collection, value, known):
    """The message for a reference to an id that does not exist."""
    noun = SINGULAR.get(collection, collection.removesuffix("s"))
    return f"no {noun} `{value}`{suggest(value, sorted(known[collection]))}"


def check_references(entity, schema, known):
    """Every id in a reference field must exist."""
    problems = []
    for path, sub, value in walk(schema, entity.data):
        target = sub.get("x-references")
        if target is None:
            continue
        if isinstance(value, list):
            problems += [Problem(entity.path, entity.line(*path, i), field_name([*path, i]), _unknown(target, v, known))
                         for i, v in enumerate(value) if isinstance(v, str) and v not in known[target]]
        elif isinstance(value, dict):
            problems += [Problem(entity.path, entity.line(*path, k), field_name([*path, k]), _unknown(target, k, known))
                         for k in value if k not in known[target]]
    return problems


def markdown_problems(text, known):
    """Yield (offset, message) for each bad citation or link in a Markdown text."""
    for match in CITATION.finditer(text):
        for cited in CITED_ID.finditer(match.group(1)):
            if cited.group(1) not in known["studies"]:
                yield match.start(), f"citation `@{cited.group(1)}`: {_unknown('studies', cited.group(1), known)}"
    for match in CROSS_LINK.finditer(text):
        collection, _, target = match.group(1).partition("/")
        if collection not in known:
            yield match.start(), f"link `@{match.group(1)}`: no collection `{collection}`{suggest(collection, sorted(known))}"
        elif target not in known[collection]:
            yield match.start(), f"link `@{match.group(1)}`: {_unknown(collection, target, known)}"
    for match in LINK_TARGET.finditer(text):
        if match.group(1).lower() not in SAFE_SCHEMES:
            yield match.start(), f"link target `{match.group(1)}:` is not allowed; use http, https or mailto"


def check_markdown(entity, schema, known):
    """Citations and cross-links in Markdown fields must resolve; unsafe link targets are refused."""
    problems = []
    for path, sub, value in walk(schema, entity.data):
        texts = value.items() if isinstance(value, dict) else [(None, value)]
        if not sub.get("x-markdown"):
            continue
        for key, text in texts:
            problems += check_markdown_text(entity, path if key is None else (*path, key), text, known)
    return problems


def check_pages(review, known):
    """Citations and links in the hand-written Markdown pages must resolve."""
    problems = []
    for page in review.pages.values():
        for offset, message in markdown_problems(page.text, known):
            problems.append(Problem(page.path, page.text.count("\n", 0, offset) + 1, "text", message))
    return problems


def check_cited(review):
    """Every study must be cited by at least one finding."""
    cited = {s for entities in review.entities.values() for e in entities.values()
             for _, f in findings_of(e) if isinstance(f.get("studies"), list) for s in f["studies"] if isinstance(s, str)}
    return [Problem(e.path, e.line("id"), "id", "no finding cites this study; add it to a finding's `studies` or remove the file")
            for e in review.entities["studies"].values() if e.id not in cited]


def page_keys(review):
    """Names of every page a changelog entry may list: `collection/id`, collection indexes and hand-written pages."""
    keys = {f"{name}/{eid}" for name, entities in review.entities.items() for eid in entities}
    keys |= {f"{name}/index" for name in COLLECTIONS if name != "topics"}
    return keys | set(review.pages) | {"editing", "changelog"}


def check_changelog(review, known):
    """Releases must list real pages, and the newest must match site.yaml's version and date."""
    log, problems = review.changelog, []
    releases = log.data.get("releases") if isinstance(log.data.get("releases"), list) else []
    keys = page_keys(review)
    for index, release in enumerate(releases):
        if not isinstance(release, dict):
            continue
        problems += check_markdown_text(log, ("releases", index, "changes"), release.get("changes"), known)
        pages = release.get("pages")
        for p, page in enumerate(pages if isinstance(pages, list) else []):  # any other type: the schema check says so
            if isinstance(page, str) and page not in keys:
                problems.append(Problem(log.path, log.line("releases", index, "pages", p), field_name(["releases", index, "pages", p]),
                                        f"no page `{page}`{suggest(page, sorted(keys))}"))
    site = review.site.data if review.site is not None else {}
    if releases and isinstance(releases[0], dict):
        for key in ("version", "date"):
            if key in releases[0] and key in site and releases[0][key] != site[key]:
                problems.append(Problem(review.site.path, review.site.line(key), key,
                                        f"`{site[key]}` differs from the newest release in {log.path} (`{releases[0][key]}`)"))
    return problems


def check_markdown_text(entity, path, text, known):
    """Problems of one Markdown text at a field path."""
    if not isinstance(text, str):
        return []
    return [Problem(entity.path, entity.line(*path), field_name(path), message) for _, message in markdown_problems(text, known)]


def validate(review):
    """Return every Problem in the review, sorted by file and line (empty when the content is good)."""
    problems = list(review.problems)
    for special in ("site", "changelog"):
        if getattr(review, special) is not None:
            problems += check_schema(getattr(review, special), special)
    for name, entities in review.entities.items():
        for stem, entity in entities.items():
            problems += check_schema(entity, name) + check_file_name(entity, stem)
    known, duplicates = known_ids(review)
    problems += duplicates
    for name, entities in review.entities.items():
        schema = collection_schema(name)
        for entity in entities.values():
            problems += check_references(entity, schema, known) + check_markdown(entity, schema, known)
    problems += check_pages(review, known) + check_cited(review)
    if review.changelog is not None:
        problems += check_changelog(review, known)
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.field, p.message))
