"""Walking content along its schema: the findings an entity holds, the fields the schema marks as references
or Markdown, and every reference an entity makes. Validation and the index both go through these."""

from __future__ import annotations

from . import markup
from .remember import by_identity
from .schema import collection_schema


def findings_of(collection: str, data: dict):
    """Yield (field path, finding) for each finding an entity holds (a mechanism's, or a topic section's)."""
    if collection == "mechanisms" and isinstance(data.get("findings"), list):
        for index, finding in enumerate(data["findings"]):
            if isinstance(finding, dict):
                yield ("findings", index), finding
    elif collection == "topics" and isinstance(data.get("sections"), list):
        for s, section in enumerate(data["sections"]):
            if isinstance(section, dict) and isinstance(section.get("findings"), list):
                for index, finding in enumerate(section["findings"]):
                    if isinstance(finding, dict):
                        yield ("sections", s, "findings", index), finding


MARKS = ("x-references", "x-markdown")


def walk(schema: dict, data, path=()):
    """Yield (path, schema, value) for every value in data that its schema marks as references (x-references)
    or Markdown (x-markdown)."""
    if any(mark in schema for mark in MARKS):
        yield path, schema, data
    if isinstance(data, dict) and schema.get("type") == "object":
        properties, extra = schema.get("properties", {}), schema.get("additionalProperties")
        for key, value in data.items():
            sub = properties.get(key, extra if isinstance(extra, dict) else None)
            if sub is not None:
                yield from walk(sub, value, (*path, key))
    elif isinstance(data, list) and isinstance(schema.get("items"), dict):
        for index, value in enumerate(data):
            yield from walk(schema["items"], value, (*path, index))


def references_of(collection: str, data: dict):
    """Yield (field path, (collection, id)) for every reference an entity's fields make: id lists and mapping
    keys, citations and cross-links in Markdown."""
    return iter(_references_of(collection, data))


@by_identity  # an unchanged file's data is the same object after a save: its references are not walked again
def _references_of(collection: str, data: dict) -> tuple:
    found = []
    for path, sub, value in walk(collection_schema(collection), data):
        target = sub.get("x-references")
        if target is not None:
            for key in value if isinstance(value, (list, dict)) else ():
                found.append((path, (target, key)))
        if sub.get("x-markdown"):
            for text in value.values() if isinstance(value, dict) else [value]:
                if isinstance(text, str):
                    for ref in markup.references(text):
                        found.append((path, ref))
    return tuple(found)


def plain_strings(schema: dict, data, path=()):
    """Yield (path, text) for every string in data that its schema does not mark as Markdown: text shown as
    written, where a citation or cross-link would be printed raw."""
    if schema.get("x-markdown"):
        return
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        properties, extra = schema.get("properties", {}), schema.get("additionalProperties")
        for key, value in data.items():
            sub = properties.get(key, extra if isinstance(extra, dict) else {})
            yield from plain_strings(sub if isinstance(sub, dict) else {}, value, (*path, key))
    elif isinstance(data, list):
        items = schema.get("items")
        for index, value in enumerate(data):
            yield from plain_strings(items if isinstance(items, dict) else {}, value, (*path, index))
