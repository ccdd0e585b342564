"""Incremental work against its oracle, the whole pipeline from nothing: after a single-file edit,
- the check that remembers the last one (build.Session: only changed files parsed and checked) reports exactly
  the problems a check from nothing reports, and a render through it (with what it remembers by identity,
  model/remember.py) gives every page as a render from nothing does;
- every page whose text changed has a new dependency key (outputs/depends.py), so that rendering only the pages
  whose key changed gives the same site as rendering everything.
Edits are drawn at random (hypothesis) from every scalar field of every file of the fixture review, and, in the
slow suite, of the real content."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURE, ROOT, TEMPLATES, leaves
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from review.commands.build import SITE, Session
from review.model.errors import ContentError
from review.model.load import load
from review.model.validate import validate
from review.outputs.depends import Dependencies
from review.outputs.index import Index
from review.outputs.render import Renderer

CODE = "test"  # the code is not edited here: one fixed version keeps the keys comparable


def replaced(data, path, value):
    if not path:
        return value
    copy = list(data) if isinstance(data, list) else dict(data)
    copy[path[0]] = replaced(data[path[0]], path[1:], value)
    return copy


def mutations(value, choice: int):
    """A new value of the same kind, or (choice 3) one that is likely wrong."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + (1 if choice % 2 else -1)
    if isinstance(value, float):
        return round(value * 1.5 + 0.1, 3)
    if isinstance(value, str):
        return [value + " edited", "Edited " + value, value.replace("a", "o", 1) or "x", value + "-x"][choice % 4]
    return "edited" if value is None else value


def edits(content: Path) -> list:
    """(file, field path) of every scalar of every YAML file of a review."""
    found = []
    for path in sorted(content.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        found += [(path.relative_to(content).as_posix(), p) for p in leaves(data)]
    return found


class State:
    """A render from nothing: {page: text}, {page: key}, or the problems."""

    def __init__(self, content: Path):
        review = load(content)
        self.problems = validate(review, SITE)
        self.texts: dict = {}
        self.keys: dict = {}
        if not self.problems:
            renderer = Renderer(Index(review), TEMPLATES)
            self.texts = {page.path: renderer.render_page(page).text for page in renderer.pages}
            self.keys = Dependencies(renderer, TEMPLATES, CODE).keys()


def apply(content: Path, file: str, field: tuple, choice: int) -> bool:
    """Make one edit; False when the field cannot be edited this way (nothing changes)."""
    target = content / file
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    old = functools.reduce(lambda node, key: node[key], field, data)
    new = mutations(old, choice)
    if new == old:
        return False
    target.write_text(yaml.safe_dump(replaced(data, field, new), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return True


def check_edit(content: Path, before: State, session: Session, file: str, field: tuple, choice: int) -> None:
    if not apply(content, file, field, choice):
        return
    after = State(content)
    try:
        renderer = session.renderer(content, TEMPLATES)
        remembered: list = []
    except ContentError as error:
        remembered = error.problems
    assert remembered == after.problems, f"{file} {field}: the incremental check differs from a check from nothing"
    if before.problems or after.problems:
        return
    rendered = {page.path: renderer.render_page(page).text for page in renderer.pages}
    assert rendered == after.texts, f"{file} {field}: a render through the remembering Session differs from one from nothing"
    missed = [
        page
        for page, text in after.texts.items()
        if page in before.texts and before.texts[page] != text and before.keys[page] == after.keys[page]
    ]
    assert missed == [], f"{file} {field}: pages changed but kept their key"


@pytest.fixture(scope="module")
def fixture_before():
    return edits(FIXTURE), State(FIXTURE)


@pytest.fixture(scope="module")
def real_before():
    return edits(ROOT / "content"), State(ROOT / "content")


def one_edit(data, source: Path, folder: Path, before: tuple) -> None:
    """Draw one edit of `source` (a review) and check it in a copy in `folder`."""
    candidates, state = before
    edit = data.draw(st.sampled_from(candidates), label="edit")
    choice = data.draw(st.integers(0, 3), label="kind")
    content = folder / "content"
    shutil.copytree(source, content)
    session = Session()
    renderer = session.renderer(content, TEMPLATES)  # the state before the edit, remembered
    for page in renderer.pages:
        renderer.render_page(page)
    check_edit(content, state, session, *edit, choice)


SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture]}


@settings(max_examples=8, **SETTINGS)
@given(data=st.data())
def test_a_single_file_edit_of_the_fixture(data, tmp_path_factory, fixture_before):
    one_edit(data, FIXTURE, tmp_path_factory.mktemp("review"), fixture_before)


@pytest.mark.slow
@settings(max_examples=60, **SETTINGS)
@given(data=st.data())
def test_many_single_file_edits_of_the_fixture(data, tmp_path_factory, fixture_before):
    one_edit(data, FIXTURE, tmp_path_factory.mktemp("review"), fixture_before)


@pytest.mark.slow
@settings(max_examples=25, **SETTINGS)
@given(data=st.data())
def test_a_single_file_edit_of_the_real_content(data, tmp_path_factory, real_before):
    one_edit(data, ROOT / "content", tmp_path_factory.mktemp("real"), real_before)


def test_the_remembered_check_sees_a_file_added_and_removed(review_dir):
    session = Session()
    session.check(review_dir)
    study = review_dir / "studies" / "shao2021.yaml"
    (review_dir / "studies" / "copy2021.yaml").write_text(study.read_text().replace("id: shao2021", "id: copy2021"))
    with pytest.raises(ContentError) as added:
        session.check(review_dir)
    assert [str(p) for p in added.value.problems] == [str(p) for p in validate(load(review_dir), SITE)]
    (review_dir / "studies" / "copy2021.yaml").unlink()
    session.check(review_dir)  # no problem left


def test_the_remembered_check_follows_shared_participants_across_files(review_dir):
    """A study's `same_participants_as` chain runs through other files: closing a cycle in one file is reported in
    the unchanged file too, as a check from nothing reports it."""
    session = Session()
    session.check(review_dir)
    for study, other in (("trial2020a", "trial2020b"), ("trial2020b", "trial2020a")):
        path = review_dir / "studies" / f"{study}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["same_participants_as"] = [other]
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        try:
            session.check(review_dir)
            remembered: list = []
        except ContentError as error:
            remembered = error.problems
        assert remembered == validate(load(review_dir), SITE)
    assert {p.path.rsplit("/", 1)[-1] for p in remembered if "leads back" in p.message} == {
        "trial2020a.yaml",
        "trial2020b.yaml",
    }
