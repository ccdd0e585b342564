"""The editing guide's tables, made from the content model itself so that the guide cannot drift from the code."""

from __future__ import annotations

import functools

import yaml

from ..model.schema import COLLECTIONS, SINGLE_FILES, collection_schema


@functools.cache
def collection(name: str) -> dict:
    """Rows describing one collection's fields."""
    schema = collection_schema(name)
    return {"name": name, "description": schema["description"], "fields": fields(schema, "")}


def fields(schema: dict, prefix: str) -> list:
    """Flatten an object schema into field rows (nested objects and lists of objects included)."""
    rows = []
    required = set(schema.get("required", []))
    for rule in schema.get("allOf", []):
        required_if = rule["then"]["required"]
        kind = rule["if"]["properties"]["type"]["const"]
        required |= {f"{r} (for type `{kind}`)" for r in required_if}
    for key, sub in schema["properties"].items():
        kind = sub.get("type", "")
        if isinstance(kind, list):
            kind = " or ".join(k for k in kind if k != "null") + " (or null: not reported)"
        if "enum" in sub:
            kind = "one of: " + ", ".join(f"`{v}`" for v in sub["enum"] if v is not None)
        elif sub.get("x-references"):
            kind = f"{'list of ' if kind == 'array' else 'mapping keyed by '}{sub['x-references']} ids"
        elif (kind == "array" and isinstance(sub.get("items"), dict) and sub["items"].get("type") == "object") or (
            kind == "array" and isinstance(sub.get("items"), dict) and "oneOf" in sub["items"]
        ):
            kind = "list of mappings"
        elif kind == "string" and sub.get("x-markdown"):
            kind = "Markdown text" + (" (one paragraph)" if sub.get("x-inline") else "")
        elif kind == "object":
            kind = "mapping"
        example = sub.get("examples", [""])[0]
        conditional = next((r for r in required if r.startswith(f"{key} (for type")), None)
        rows.append(
            {
                "field": prefix + key,
                "type": kind,
                "required": "yes" if key in required else conditional.split(" ", 1)[1].strip("()") if conditional else "no",
                "description": sub.get("description", ""),
                "example": yaml.safe_dump(example, allow_unicode=True, default_flow_style=True, width=10_000)
                .strip()
                .removesuffix("...")
                .strip()
                if example not in ("", [], {})
                else "",
            }
        )
        if kind == "list of mappings" and isinstance(sub.get("items"), dict) and "properties" in sub["items"]:
            rows += fields(sub["items"], prefix + key + "[].")
        elif kind == "mapping" and "properties" in sub:
            rows += fields(sub, prefix + key + ".")
    return rows


def guide() -> dict:
    """The context of the editing guide page."""
    return {"collections": [collection(n) for n in COLLECTIONS], "files": [collection(n) for n in SINGLE_FILES]}
