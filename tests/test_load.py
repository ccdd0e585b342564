"""The read phase: every file is read as text, checked for what YAML may not hold, and refused with a message."""

import os
from pathlib import Path

import pytest
from review.model.load import MAX_DEPTH, load


def problems(content_dir):
    return [str(p) for p in load(content_dir).problems]


def test_load_reads_every_collection(review_dir):
    review = load(review_dir)
    assert review.problems == []
    assert set(review.entities["studies"]) == {"rieser2021", "shao2021", "trial2020a", "trial2020b"}
    assert set(review.entities["comparisons"]) == {"drinking"}
    assert review.site.data["title"] == "Fixture review"
    assert review.pages["index"].title == "Fixture home"


def test_lines_point_at_fields(review_dir):
    entity = load(review_dir).entities["studies"]["shao2021"]
    lines = (review_dir / "studies" / "shao2021.yaml").read_text().splitlines()
    assert lines[entity.line("journal") - 1].startswith("journal:")
    assert lines[entity.line("authors", 1) - 1] == "  - Kwan, A. C."


@pytest.mark.parametrize(
    "name, raw, expected",
    [
        (
            "syntax error",
            b"id: sud\nterm: [x\ndefinition: y\n",
            "content/glossary/sud.yaml:3: yaml: expected ',' or ']', but got ':'",
        ),
        (
            "tab indentation",
            b"id: sud\nterm: x\n\tdefinition: y\n",
            "content/glossary/sud.yaml:3: yaml: tab character; indent with spaces",
        ),
        (
            "duplicate key",
            b"id: sud\nterm: x\nterm: y\ndefinition: z\n",
            "content/glossary/sud.yaml:3: yaml: duplicate key `term` (first at line 2)",
        ),
        ("empty file", b"", "content/glossary/sud.yaml:1: file: empty file; it must hold a mapping of fields"),
        ("not a mapping", b"- a\n- b\n", "content/glossary/sud.yaml:1: file: expected a mapping of fields, found list"),
        (
            "not utf-8",
            b"id: sud\nterm: caf\xe9\n",
            "content/glossary/sud.yaml:2: file: not UTF-8 (byte 0xe9); save the file as UTF-8",
        ),
        (
            "control character",
            b"id: sud\nterm: a\x07b\n",
            "content/glossary/sud.yaml:2: file: character U+0007 is not allowed in YAML; remove it",
        ),
        (
            "alias",
            b"id: &x sud\nterm: *x\ndefinition: y\n",
            "content/glossary/sud.yaml:1: yaml: anchors and aliases (`&name`, `*name`) are not allowed; write the value out in full",
        ),
        (
            "alias bomb",
            b"a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]\n",
            "content/glossary/sud.yaml:1: yaml: anchors and aliases (`&name`, `*name`) are not allowed; write the value out in full",
        ),
        (
            "merge key",
            b"id: sud\n<<: {term: x}\ndefinition: y\n",
            "content/glossary/sud.yaml:2: yaml: merge keys (`<<`) are not allowed; write the fields out",
        ),
        (
            "unhashable key",
            b"id: sud\n? [a, b]\n: x\n",
            "content/glossary/sud.yaml:2: yaml: a key must be a plain word, not a list or mapping",
        ),
        (
            "deep nesting",
            b"id: sud\nterm: " + b"[" * 50_000 + b"]" * 50_000 + b"\n",
            f"content/glossary/sud.yaml:2: yaml: nested more than {MAX_DEPTH} levels deep; the content model needs far fewer",
        ),
    ],
)
def test_broken_files_give_one_line_each(review_dir, name, raw, expected):
    (review_dir / "glossary" / "sud.yaml").write_bytes(raw)
    assert problems(review_dir) == [expected]


def test_an_impossible_date_is_text_for_the_check_not_a_crash(review_dir):
    path = review_dir / "trials" / "nct04141501.yaml"
    path.write_text(path.read_text().replace("first_posted: '2019-10-28'", "first_posted: 2026-02-30"))
    assert load(review_dir).entities["trials"]["nct04141501"].data["record"]["first_posted"] == "2026-02-30"


def test_byte_order_mark_and_crlf_are_read_as_text(review_dir):
    path = review_dir / "pages" / "index.md"
    path.write_bytes(b"\xef\xbb\xbf---\r\ntitle: Home\r\n---\r\n# Fixture home\r\n\r\nSee [@shao2021].\r\n")
    page = load(review_dir).pages["index"]
    assert page.title == "Home"
    assert "\r" not in page.text and "title:" not in page.text


def test_huge_file_is_refused_without_parsing(review_dir):
    (review_dir / "glossary" / "sud.yaml").write_bytes(b"id: sud\n" + b"#" * 2_000_000)
    assert problems(review_dir) == ["content/glossary/sud.yaml:1: file: file is 2.0 MB; the limit is 1 MB"]


@pytest.mark.parametrize(
    "make_entry, expected",
    [
        (
            lambda d: (d / "glossary" / "x.yml").write_text("id: x\n"),
            "content/glossary/x.yml:1: file: use the extension `.yaml` (lower case)",
        ),
        (
            lambda d: (d / "glossary" / "X.YAML").write_text("id: x\n"),
            "content/glossary/X.YAML:1: file: use the extension `.yaml` (lower case)",
        ),
        (
            lambda d: (d / "glossary" / "x.yaml").mkdir(),
            "content/glossary/x.yaml:1: file: is a folder; content/glossary/ holds only `*.yaml` files",
        ),
        (
            lambda d: (d / "glossary" / "notes.txt").write_text("x"),
            "content/glossary/notes.txt:1: file: unexpected file; content/glossary/ holds only `*.yaml` files",
        ),
        (
            lambda d: (d / "glossary" / "passwd.yaml").symlink_to("/etc/passwd"),
            "content/glossary/passwd.yaml:1: file: is a symbolic link; content must be plain files in the repository, so copy the file here instead",
        ),
        (
            lambda d: (d / "pages" / "passwd.txt").symlink_to("/etc/passwd"),
            "content/pages/passwd.txt:1: file: is a symbolic link; content must be plain files in the repository, so copy the file here instead",
        ),
        (
            lambda d: (
                (d / "pages" / "extra").mkdir() or (d / "pages" / "extra" / "x.md").write_text("# X\n<script>alert(1)</script>\n")
            ),
            "content/pages/extra:1: file: is a folder; content/pages/ holds only `*.md` files",
        ),
        (
            lambda d: os.mkfifo(d / "glossary" / "fifo.yaml"),
            "content/glossary/fifo.yaml:1: file: is not a regular file; remove it",
        ),
        (
            lambda d: (d / "stray.yaml").write_text("x: 1\n"),
            "content/stray.yaml:1: file: unexpected here; content/ holds the folders mechanisms, topics, studies, comparisons, trials, substances, therapies, questions, glossary, pages, schema and the files site.yaml, changelog.yaml, search.yaml",
        ),
    ],
)
def test_only_plain_files_of_the_repository_are_read(review_dir, make_entry, expected):
    make_entry(review_dir)
    assert problems(review_dir) == [expected]


def test_editor_lock_and_backup_files_are_left_alone(review_dir):
    (review_dir / "glossary" / ".#sud.yaml").symlink_to("user@host.1234")  # Emacs' lock file: a dangling link
    (review_dir / "glossary" / "sud.yaml~").write_text("old")
    (review_dir / "glossary" / ".sud.yaml.swp").write_bytes(b"\0\1")
    assert problems(review_dir) == []


def test_an_unreadable_file_is_named(review_dir, monkeypatch):
    # chmod 0 does not stop root (CI runs as root), so the refusal of the read itself is simulated.
    real = Path.read_bytes
    monkeypatch.setattr(
        Path,
        "read_bytes",
        lambda self: (_ for _ in ()).throw(PermissionError(13, "Permission denied")) if self.name == "sud.yaml" else real(self),
    )
    assert problems(review_dir) == ["content/glossary/sud.yaml:1: file: cannot be read (permission denied); make it readable"]


def test_missing_single_files_are_named(review_dir):
    (review_dir / "site.yaml").unlink()
    assert problems(review_dir) == ["content/site.yaml:1: file: missing; it holds the site's title, authors and version"]
