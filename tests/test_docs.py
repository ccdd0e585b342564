"""Docs kept honest: the README's commands, CI, the published schemas, the editing guide and the layout."""

import json
import re
from pathlib import Path

import pytest
from conftest import ROOT
from review.cli import schema_files
from review.schema import COLLECTIONS

README = (ROOT / "README.md").read_text()


def test_readme_shows_the_two_commands_first():
    block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    assert block.splitlines()[0].startswith("make site") and block.splitlines()[1].startswith("make test")


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


@pytest.mark.parametrize("path, text", sorted((str(p), t) for p, t in schema_files(ROOT / "content").items()))
def test_published_schema_is_current(path, text):
    assert Path(path).read_text(encoding="utf-8") == text, "run `make schema`"


@pytest.mark.parametrize("collection", list(COLLECTIONS))
def test_editing_guide_lists_every_field(real_outputs, collection):
    guide = real_outputs["editing.md"]
    for field in json.loads((ROOT / "content" / "schema" / f"{collection}.schema.json").read_text())["properties"]:
        assert f"<code>{field}</code>" in guide


@pytest.mark.parametrize("collection", list(COLLECTIONS))
def test_every_content_file_names_its_schema(collection):
    for path in (ROOT / "content" / collection).glob("*.yaml"):
        assert path.read_text().startswith(f"# yaml-language-server: $schema=../schema/{collection}.schema.json\n"), path


def test_vscode_maps_every_schema():
    settings = (ROOT / ".vscode" / "settings.json").read_text()
    for collection in COLLECTIONS:
        assert f"content/schema/{collection}.schema.json" in settings


@pytest.mark.parametrize(
    "module", sorted(p.name for p in (ROOT / "scripts" / "review").glob("*.py") if p.name not in ("__main__.py", "__init__.py"))
)
def test_readme_describes_every_module(module):
    assert f"`{module}`" in README, f"the README's 'How it is built' does not describe {module}"
