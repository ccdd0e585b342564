"""Command line: `review check`, `review write DIR`, `review schema`."""

import argparse
import json
import sys
from pathlib import Path

import yaml

from .build import CONTENT_DIR, TEMPLATES_DIR, build
from .errors import ContentError
from .parallel import processes
from .schema import COLLECTIONS, collection_schema
from .write import write


def schema_files(content_dir):
    """{path: JSON text} of the published JSON Schemas, one per collection plus site."""
    return {
        Path(content_dir) / "schema" / f"{name}.schema.json": json.dumps(collection_schema(name), indent=2, ensure_ascii=False) + "\n"
        for name in [*COLLECTIONS, "site", "changelog"]
    }


def engine_config(mkdocs_yml):
    """The project's mkdocs.yml for an engine that runs no MkDocs hooks: pages are pre-rendered into docs/, built into site/."""
    config = yaml.safe_load(mkdocs_yml.read_text(encoding="utf-8"))
    for key in ("hooks", "watch"):
        config.pop(key, None)
    config["docs_dir"] = "docs"
    config["site_dir"] = "site"
    config["theme"]["custom_dir"] = str((mkdocs_yml.parent / config["theme"]["custom_dir"]).resolve())
    return config


def main(argv=None):
    """Run one command; exit status 1 on content errors."""
    parser = argparse.ArgumentParser(prog="review", description=__doc__)
    parser.add_argument("--content", type=Path, default=CONTENT_DIR, help="content folder (default: %(default)s)")
    parser.add_argument("--templates", type=Path, default=TEMPLATES_DIR, help="page templates (default: %(default)s)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="validate the content and report every error")
    out = commands.add_parser("write", help="validate, render and write the Markdown pages to a folder")
    out.add_argument("out_dir", type=Path)
    commands.add_parser("schema", help="write the JSON Schemas into content/schema/")
    export = commands.add_parser("export", help="write a self-contained project (docs/ + mkdocs.yml, no hooks) for other engines such as Zensical")
    export.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    if args.command == "schema":
        for path, text in schema_files(args.content).items():
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
        print(f"wrote {len(COLLECTIONS) + 2} schemas to {args.content / 'schema'}")
        return 0
    out_dir = None if args.command == "check" else args.out_dir / "docs" if args.command == "export" else args.out_dir
    try:
        if out_dir is None:
            pages = build(args.content, args.templates, processes=processes())
        else:
            shares = build(args.content, args.templates, lambda outputs, share: write(outputs, out_dir), processes())
            pages = [path for share in shares for path in share]
    except ContentError as error:
        print(error.report(), file=sys.stderr)
        return 1
    if args.command == "write":
        print(f"wrote {len(pages)} pages to {args.out_dir}")
    elif args.command == "export":
        config = engine_config(Path("mkdocs.yml"))
        (args.out_dir / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
        print(f"wrote {len(pages)} files and mkdocs.yml to {args.out_dir}")
    else:
        print(f"content OK: {sum(p.endswith('.md') for p in pages)} pages")
    return 0

if __name__ == "__main__":
    sys.exit(main())
