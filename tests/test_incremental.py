"""Live editing: after an edit, re-rendering only the affected pages gives exactly the full build's output."""

import shutil

import pytest
import yaml

from conftest import FIXTURE, ROOT
from review.build import build
from review.incremental import rebuild
from review.schema import collection_schema

TEMPLATES = ROOT / "templates" / "pages"


def free_text_fields(collection):
    """Top-level plain or Markdown string fields of a collection that carry no id, pattern or choice."""
    schema = collection_schema(collection)
    return [k for k, sub in schema["properties"].items()
            if sub.get("type") == "string" and "pattern" not in sub and "enum" not in sub and k != "id"]


def edit_every_text(data, collection):
    """Append a marker to every free-text field, and to the statement of every finding."""
    for key in free_text_fields(collection):
        if key in data:
            data[key] += " EDITED"
    if collection in ("mechanisms", "topics"):
        for finding in data.get("findings", []) + [f for s in data.get("sections", []) for f in s.get("findings", [])]:
            finding["statement"] += " EDITED"
    return data


def entity_files(content):
    """Every entity file of a content folder, as paths relative to it."""
    return sorted(p.relative_to(content).as_posix() for p in content.glob("*/*.yaml"))


def edited(content, relative, change):
    """Apply change(data, collection) to one YAML file of content."""
    path = content / relative
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump(change(data, relative.split("/")[0]), sort_keys=False, allow_unicode=True), encoding="utf-8")


@pytest.fixture
def content(tmp_path):
    """A copy of the fixture review."""
    shutil.copytree(FIXTURE, tmp_path / "content")
    return tmp_path / "content"


def assert_same_as_full_build(snapshot, content):
    full = build(content, TEMPLATES)
    assert sorted(snapshot.pages) == sorted(full)
    assert [p for p in full if snapshot.pages[p] != full[p]] == []


@pytest.mark.parametrize("relative", entity_files(FIXTURE))
def test_editing_any_entity_renders_the_same_site_as_a_full_build(content, relative):
    first = rebuild(None, content, TEMPLATES)
    edited(content, relative, edit_every_text)
    second = rebuild(first, content, TEMPLATES)
    assert second.rendered, "an edit must render something again"
    assert_same_as_full_build(second, content)


SHAO = yaml.safe_load((FIXTURE / "studies" / "shao2021.yaml").read_text(encoding="utf-8"))
CHANGES = {
    "a study that now shares another's author and year (both get a/b suffixes)":
        ("studies/rieser2021.yaml", lambda d, c: d | {"authors": SHAO["authors"], "year": SHAO["year"]}),
    "a study's year (its label and the order of lists)": ("studies/shao2021.yaml", lambda d, c: d | {"year": 1999}),
    "a study's authors": ("studies/shao2021.yaml", lambda d, c: d | {"authors": ["Zed, A."]}),
    "a glossary abbreviation": ("glossary/bdnf.yaml", lambda d, c: d | {"abbreviation": "BDNFX"}),
    "a glossary term": ("glossary/sud.yaml", lambda d, c: d | {"term": "Substance misuse"}),
    "a substance's name": ("substances/psilocybin.yaml", lambda d, c: d | {"name": "Psilocybine"}),
    "a finding's evidence level": ("mechanisms/plasticity.yaml",
                                   lambda d, c: d | {"findings": [d["findings"][0] | {"evidence": "patients-sud"}, *d["findings"][1:]]}),
    "a mechanism's title": ("mechanisms/plasticity.yaml", lambda d, c: d | {"title": "Plasticity, renamed"}),
}


@pytest.mark.parametrize("relative, change", CHANGES.values(), ids=CHANGES.keys())
def test_targeted_edits_render_the_same_site_as_a_full_build(content, relative, change):
    first = rebuild(None, content, TEMPLATES)
    edited(content, relative, change)
    assert_same_as_full_build(rebuild(first, content, TEMPLATES), content)


def test_a_study_edit_reaches_pages_two_references_away(content):
    # plasticity holds a finding that cites rieser2021 (plasticity -> pl-not-in-humans -> rieser2021): the
    # finding's citation on the mechanism page shows the study's title in its tooltip.
    first = rebuild(None, content, TEMPLATES)
    edited(content, "studies/rieser2021.yaml", lambda d, c: d | {"title": "A retitled chapter"})
    second = rebuild(first, content, TEMPLATES)
    assert "mechanisms/plasticity.md" in second.rendered
    assert "A retitled chapter" in second.pages["mechanisms/plasticity.md"]
    assert_same_as_full_build(second, content)


def test_a_question_edit_leaves_pages_that_do_not_show_it_alone(content):
    first = rebuild(None, content, TEMPLATES)
    edited(content, "questions/translation.yaml", lambda d, c: d | {"why": d["why"] + " More."})
    second = rebuild(first, content, TEMPLATES)
    assert "questions/translation.md" in second.rendered
    assert {"studies/rieser2021.md", "substances/lsd.md", "therapies/cm.md"}.isdisjoint(second.rendered)
    assert_same_as_full_build(second, content)


def test_adding_and_removing_a_page_of_prose(content):
    first = rebuild(None, content, TEMPLATES)
    (content / "pages" / "extra.md").write_text("# Extra\n\nSee [@shao2021].\n", encoding="utf-8")
    second = rebuild(first, content, TEMPLATES)
    assert "extra.md" in second.pages
    assert_same_as_full_build(second, content)
    (content / "pages" / "extra.md").unlink()
    third = rebuild(second, content, TEMPLATES)
    assert "extra.md" not in third.pages
    assert_same_as_full_build(third, content)


def test_nothing_changed_renders_nothing(content):
    first = rebuild(None, content, TEMPLATES)
    assert rebuild(first, content, TEMPLATES).rendered == frozenset()


def test_a_template_change_renders_everything(tmp_path, content):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    first = rebuild(None, content, templates)
    (templates / "trial.md.j2").write_text((templates / "trial.md.j2").read_text() + "\n", encoding="utf-8")
    assert rebuild(first, content, templates).rendered == frozenset(first.pages)


REAL = ROOT / "content"
# A sample of the real content (the whole of it would take minutes): every mechanism, topic, therapy and substance,
# and every fifth study, question and glossary term.
SAMPLE = [f for f in entity_files(REAL) if f.split("/")[0] in ("mechanisms", "topics", "therapies", "substances", "trials")]
SAMPLE += [f for name in ("studies", "questions", "glossary") for f in entity_files(REAL) if f.startswith(name)][::5]


@pytest.fixture(scope="module")
def real_first():
    """A full build of the real content, to be updated by each test."""
    return rebuild(None, REAL, TEMPLATES)


@pytest.mark.parametrize("relative", SAMPLE)
def test_editing_real_content_renders_the_same_site_as_a_full_build(tmp_path, real_first, relative):
    content = tmp_path / "content"
    shutil.copytree(REAL, content)
    edited(content, relative, edit_every_text)
    second = rebuild(real_first, content, TEMPLATES)
    assert_same_as_full_build(second, content)
    assert len(second.rendered) < len(second.pages), "an edit to one entity should not render the whole site"
