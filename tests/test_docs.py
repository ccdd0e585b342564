"""Keep the docs honest: README's commands, the published schemas and the generated editing guide."""

import json
import re

import pytest

from conftest import ROOT
from review.cli import schema_files
from review.load import MIN_FILES_TO_SHARE
from review.schema import COLLECTIONS, collection_schema
from test_render import PAGES


def test_readme_shows_the_two_commands_first():
    readme = (ROOT / "README.md").read_text()
    first_block = re.search(r"```sh\n(.*?)```", readme, re.S).group(1)
    assert [line.split("#")[0].strip() for line in first_block.strip().splitlines()] == ["make site", "make test"]


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


@pytest.mark.parametrize("path, text", sorted((str(p), t) for p, t in schema_files(ROOT / "content").items()))
def test_published_schema_is_current(path, text):
    with open(path, encoding="utf-8") as published:
        assert published.read() == text, "run `make schema`"


@pytest.mark.parametrize("collection", list(COLLECTIONS))
def test_editing_guide_lists_every_field(collection):
    guide = PAGES["editing.md"]
    section = guide.split(f"{{ #{collection} }}", 1)[1].split("\n## ", 1)[0]
    for field in collection_schema(collection)["properties"]:
        assert f"| `{field}` |" in section, f"{collection}.{field} is missing from the guide"


@pytest.mark.parametrize("collection", list(COLLECTIONS))
def test_every_content_file_names_its_schema(collection):
    for path in (ROOT / "content" / collection).glob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../schema/{collection}.schema.json", path.name


def test_vscode_maps_every_schema():
    mapping = json.loads((ROOT / ".vscode" / "settings.json").read_text())["yaml.schemas"]
    assert set(mapping) == {f"content/schema/{name}.schema.json" for name in [*COLLECTIONS, "site", "changelog"]}


def test_readme_states_the_process_setting_and_threshold():
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert "`REVIEW_PROCESSES=N`" in readme
    assert f"(from {MIN_FILES_TO_SHARE} files up)" in readme
