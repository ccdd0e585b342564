"""Command line: `review check | site | write DIR | export DIR | schema | trials | serve | editions | release`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import yaml

from ..model.errors import ContentError
from ..model.schema import COLLECTIONS, SINGLE_FILES, collection_schema
from ..outputs import pages
from ..outputs.write import write
from . import publish
from .build import CONTENT_DIR, TEMPLATES_DIR, check, renderer
from .cache import SWITCH


def schema_files(content_dir) -> dict:
    """{path: JSON text} of the published JSON Schemas, one per collection plus site and changelog."""
    return {
        Path(content_dir) / "schema" / f"{name}.schema.json": json.dumps(collection_schema(name), indent=2, ensure_ascii=False)
        + "\n"
        for name in [*COLLECTIONS, *SINGLE_FILES]
    }


def engine_config(mkdocs_yml: Path, nav: list, not_in_nav: list[str], repository: str | None = None) -> dict:
    """The project's mkdocs.yml for an engine that runs no MkDocs plugin of ours: pages pre-rendered into docs/,
    the navigation and the repository's address (content/site.yaml) written out, as the plugin sets them during a
    MkDocs build, and no `review` plugin. No page gets an edit link: only the plugin knows each page's file."""
    config = yaml.safe_load(mkdocs_yml.read_text(encoding="utf-8"))
    for key in ("hooks", "watch"):
        config.pop(key, None)
    config["plugins"] = [p for p in config.get("plugins", []) if p != "review" and not (isinstance(p, dict) and "review" in p)]
    config["nav"] = nav
    config["not_in_nav"] = "\n".join(not_in_nav) + "\n"
    config["docs_dir"] = "docs"
    config["site_dir"] = "site"
    config["theme"]["custom_dir"] = str((mkdocs_yml.parent / config["theme"]["custom_dir"]).resolve())
    if repository:
        config["repo_url"], config["edit_uri"] = repository, ""
    return config


def _editions(args) -> int:
    """`review editions`: the content check (the changelog is read by it, before any git command), then the builds."""
    from ..outputs import editions

    try:
        review = check(args.content)
    except ContentError as error:
        print(error.report(), file=sys.stderr)
        return 1
    assert review.changelog is not None and review.site is not None
    try:
        status = editions.build_all(
            Path.cwd(),
            review.changelog.data["releases"],
            review.site.data["url"],
            "offline" if args.offline else "web",
            verbose=not args.for_site,
        )
    except editions.ChangelogError as error:
        print(f"editions: {error}", file=sys.stderr)
        return 1
    return 0 if args.for_site else status


def main(argv=None) -> int:
    """Run one command; exit status 1 on content errors or a failed build, 130 when interrupted (Ctrl-C): each
    command leaves what it writes as it was or whole, so an interruption is one line, not a traceback."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("review: interrupted", file=sys.stderr)
        return 130


def _main(argv=None) -> int:
    """Run one command."""
    parser = argparse.ArgumentParser(prog="review", description=__doc__)
    parser.add_argument("--content", type=Path, default=CONTENT_DIR, help="content folder (default: %(default)s)")
    parser.add_argument("--templates", type=Path, default=TEMPLATES_DIR, help="page templates (default: %(default)s)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="validate the content and report every problem")
    site = commands.add_parser("site", help="check, then build site/ with MkDocs (strict: any warning fails) and swap it in")
    site.add_argument("--site-dir", default="site")
    site.add_argument("--config", default="mkdocs.yml")
    site.add_argument(
        "--no-cache", action="store_true", help="build from nothing (the build cache in build/cache/ is left as it is)"
    )
    out = commands.add_parser("write", help="validate, render and write the generated files to a folder")
    out.add_argument("out_dir", type=Path)
    commands.add_parser("schema", help="write the JSON Schemas into content/schema/")
    export = commands.add_parser(
        "export", help="write a project with no plugin of ours (docs/ + mkdocs.yml) for other engines such as Zensical"
    )
    export.add_argument("out_dir", type=Path)
    trials = commands.add_parser(
        "trials", help="refresh content/trials/ from the ClinicalTrials.gov API v2 (the only command that uses the network)"
    )
    trials.add_argument("--search", action="store_true", help="also list registered trials not yet in the review")
    trials.add_argument("--today", help="the retrieval date to record (default: today)")
    preview = commands.add_parser(
        "serve", help="live preview: an edited page is shown at once, the rest of the site catches up behind it"
    )
    preview.add_argument("--dev-addr", default=None, help="host:port (default: mkdocs.yml's dev_addr, 127.0.0.1:8000)")
    built = commands.add_parser(
        "editions", help="check the content, then build every release from its own commit into build/editions/"
    )
    built.add_argument("--offline", action="store_true", help="the offline variant (for site-offline)")
    built.add_argument(
        "--for-site",
        action="store_true",
        help="before a site build: quiet but for one line on what could not be built, and never a failure for that",
    )
    release = commands.add_parser("release", help="record a new release in the changelog and site.yaml (make release)")
    release.add_argument("version", nargs="?", help="the new version, MAJOR.MINOR.PATCH")
    release.add_argument("--changes", default="", help="what changed, for readers (Markdown)")
    release.add_argument("--date", default=None, help="the release date (default: today)")
    release.add_argument("--record-commit", action="store_true", help="record HEAD as the newest release's commit")
    args = parser.parse_args(argv)
    if args.command == "editions":
        return _editions(args)
    if args.command == "release":
        from . import release as releasing

        if args.record_commit:
            return releasing.record_commit(Path.cwd(), args.content)
        return releasing.new(args.content, args.version or "", args.changes, args.date)
    if args.command == "serve":
        import logging

        from . import preview as live

        logging.basicConfig(level=logging.INFO, format="%(levelname)-7s -  %(message)s")
        live.serve(Path.cwd(), args.dev_addr)
        return 0
    if args.command == "trials":
        from . import trials as registry

        return registry.refresh(args.content, today=args.today, search=args.search)
    if args.command == "schema":
        for path, text in schema_files(args.content).items():
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
        print(f"wrote {len(COLLECTIONS) + len(SINGLE_FILES)} schemas to {args.content / 'schema'}")
        return 0
    try:
        if args.command == "check":
            review = check(args.content)
            print(f"content OK: {sum(len(e) for e in review.entities.values())} entities, {len(review.pages)} hand-written pages")
            return 0
        if args.command == "site":  # the plugin checks the content (once) before MkDocs empties anything
            if args.no_cache:
                os.environ[SWITCH] = "off"
            return publish.build(Path.cwd(), args.site_dir, args.config)
        made = renderer(args.content, args.templates, with_editions=args.command != "export")  # Zensical carries none
        outputs = {out.path: out.text for out in made.render()}
    except ContentError as error:
        print(error.report(), file=sys.stderr)
        return 1
    target = args.out_dir / "docs" if args.command == "export" else args.out_dir
    written = write(outputs, target)
    if args.command == "export":
        (args.out_dir / "mkdocs.yml").write_text(
            yaml.safe_dump(
                engine_config(
                    Path("mkdocs.yml"), pages.navigation(made.pages), pages.not_in_nav(), made.index.info.get("repository")
                ),
                allow_unicode=True,
                sort_keys=False,
            ),
            encoding="utf-8",
        )
    print(f"wrote {len(written)} files to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
