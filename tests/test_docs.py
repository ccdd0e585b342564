"""Docs kept honest: the README's commands, CI, the published schemas, the editing guide and the layout."""

import ast
import json
import re
from pathlib import Path

import pytest
from conftest import ROOT
from review.commands.cli import schema_files
from review.model.schema import COLLECTIONS

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


def _described_modules() -> dict[str, set[str]]:
    """{folder: modules} as the README's "How it is built" lists them, folder by folder."""
    section = README.split("## How it is built", 1)[1].split("\n## ", 1)[0]
    folders, current = {}, None
    for line in section.splitlines():
        heading = re.match(r"^`(\w+)/`: ", line)
        if heading:
            current = folders.setdefault(heading.group(1), set())
        elif current is not None and line.startswith("- `"):
            current.update(re.findall(r"`(\w+\.py)`", line.split(":", 1)[0]))
    return folders


def _modules() -> dict[str, set[str]]:
    """{folder: modules} of the generator package, as they are on disk."""
    package = ROOT / "scripts" / "review"
    return {
        folder.name: {p.name for p in folder.glob("*.py") if p.name != "__init__.py"}
        for folder in sorted(package.iterdir())
        if (folder / "__init__.py").is_file()
    }


def test_readme_describes_every_module_in_its_folder():
    assert _described_modules() == _modules(), "the README's 'How it is built' and scripts/review/ differ"


@pytest.mark.parametrize("folder", sorted(_modules()))
def test_every_folder_has_a_docstring_saying_what_it_holds(folder):
    assert (ROOT / "scripts" / "review" / folder / "__init__.py").read_text().startswith('"""')


def test_the_workflow_tests_before_it_publishes_and_has_the_history():
    workflow = (ROOT / ".github" / "workflows" / "pages.yml").read_text()
    steps = workflow.split("deploy:", 1)[0]
    assert "fetch-depth: 0" in steps
    assert steps.index("run: make test") < steps.index("upload-pages-artifact")


STAGES = ["model", "synthesis", "outputs", "commands"]  # the pipeline's folders, in order


@pytest.mark.parametrize("folder", STAGES)
def test_a_folder_imports_only_from_the_folders_before_it(folder):
    """The README's promise: the content model depends on nothing of the site, the synthesis on the model only."""
    allowed = set(STAGES[: STAGES.index(folder) + 1])
    for module in (ROOT / "scripts" / "review" / folder).glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 2 and node.module:
                assert node.module.split(".")[0] in allowed, f"{folder}/{module.name} imports ..{node.module}"
