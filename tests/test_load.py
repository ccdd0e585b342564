"""The read phase: YAML with line marks, and every way a file can fail to read."""

import pytest

from review.errors import Problem
from review.load import MAX_BYTES, load, parse_yaml


def test_load_reads_every_collection(review_dir):
    review = load(review_dir)
    assert review.problems == []
    assert set(review.entities["studies"]) == {"shao2021", "rieser2021"}
    assert review.site.data["version"] == "1.2.3"
    assert set(review.pages) == {"index"}


def test_lines_point_at_fields():
    data, lines = parse_yaml("id: x\nfindings:\n  - id: a\n    studies: [s]\n", "f.yaml")
    assert data["findings"][0]["studies"] == ["s"]
    assert lines[("id",)] == 1
    assert lines[("findings", 0, "id")] == 3
    assert lines[("findings", 0, "studies")] == 4


@pytest.mark.parametrize(
    "text, expected",
    [
        ("id: x\nid: y\n", "f.yaml:2: yaml: duplicate key `id` (first at line 1)"),
        ("id: x\n\ttitle: y\n", "f.yaml:2: yaml: tab character; indent with spaces"),
        ("", "f.yaml:1: file: empty file; it must hold a mapping of fields"),
        ("# only a comment\n", "f.yaml:1: file: empty file; it must hold a mapping of fields"),
        ("- a\n- b\n", "f.yaml:1: file: expected a mapping of fields, found list"),
        ("id: [x\ntitle: y\n", "f.yaml:2: yaml: expected ',' or ']', but got ':'"),
        ("id: x\nterm: a\x00b\n", "f.yaml:2: file: character U+0000 is not allowed in YAML; remove it"),
    ],
)
def test_bad_yaml(text, expected):
    with pytest.raises(Problem) as caught:
        parse_yaml(text, "f.yaml")
    assert str(caught.value) == expected


def test_not_utf8_names_the_line(review_dir):
    (review_dir / "glossary" / "bdnf.yaml").write_bytes(b"id: bdnf\nterm: caf\xe9\n")
    problems = [str(p) for p in load(review_dir).problems]
    assert problems == ["content/glossary/bdnf.yaml:2: file: not UTF-8 (byte 0xe9); save the file as UTF-8"]


def test_huge_file_is_refused_without_parsing(review_dir):
    path = review_dir / "glossary" / "big.yaml"
    with path.open("w") as out:
        out.write("id: big\nterm: x\ndefinition: " + "a" * (MAX_BYTES + 10) + "\n")
    problems = [str(p) for p in load(review_dir).problems]
    assert problems == ["content/glossary/big.yaml:1: file: file is 1.0 MB; the limit is 1 MB"]


def test_yml_extension_is_flagged(review_dir):
    (review_dir / "glossary" / "x.yml").write_text("id: x\n")
    assert [str(p) for p in load(review_dir).problems] == ["content/glossary/x.yml:1: file: use the extension .yaml"]


def test_line_marks_are_read_only_when_a_problem_asks_for_them(review_dir):
    entity = load(review_dir).entities["studies"]["shao2021"]
    assert "lines" not in vars(entity)
    assert entity.line("doi") == next(n for n, text in enumerate((review_dir / "studies" / "shao2021.yaml").read_text().splitlines(), 1)
                                      if text.startswith("doi:"))
    assert "lines" in vars(entity)


@pytest.mark.parametrize("processes", [2, 3])
def test_reading_in_shares_gives_the_same_review(review_dir, monkeypatch, processes):
    (review_dir / "glossary" / "broken.yaml").write_text("id: [x\n")
    (review_dir / "glossary" / "x.yml").write_text("id: x\n")
    (review_dir / "studies" / "aaa.yaml").write_bytes(b"id: aaa\ntitle: caf\xe9\n")
    monkeypatch.setattr("review.load.MIN_FILES_TO_SHARE", 0)
    alone, shared = load(review_dir, 1), load(review_dir, processes)
    assert {name: list(entities) for name, entities in shared.entities.items()} == \
           {name: list(entities) for name, entities in alone.entities.items()}
    assert all(shared.entities[name][key].data == entity.data for name, entities in alone.entities.items()
               for key, entity in entities.items())
    assert shared.problems == alone.problems and len(alone.problems) == 3
    assert shared.unreadable == alone.unreadable == {("glossary", "broken"), ("studies", "aaa")}
