"""The command line: check and write, with exit status and messages."""

from conftest import TEMPLATES
from review.cli import main


def test_check_passes_on_good_content(review_dir, tmp_path, capsys):
    assert main(["--content", str(review_dir), "--templates", str(TEMPLATES), "check"]) == 0
    reported = capsys.readouterr().out
    main(["--content", str(review_dir), "--templates", str(TEMPLATES), "write", str(tmp_path / "md")])
    assert reported == f"content OK: {len(list((tmp_path / 'md').rglob('*.md')))} pages\n"


def test_check_lists_all_errors_and_fails(review_dir, capsys):
    (review_dir / "glossary" / "sud.yaml").write_text("id: sud\nterm: x\ndefinition: y\nextra: 1\n")
    (review_dir / "glossary" / "bdnf.yaml").write_text("id: bdnf\nterm: x\n")
    assert main(["--content", str(review_dir), "--templates", str(TEMPLATES), "check"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "content/glossary/bdnf.yaml:1: definition: missing required field",
        "content/glossary/sud.yaml:4: extra: unknown key `extra`; allowed: abbreviation, definition, id, related, term",
        "2 content errors; the site was not built",
    ]


def test_write_puts_markdown_in_the_folder(review_dir, tmp_path, capsys):
    out = tmp_path / "md"
    assert main(["--content", str(review_dir), "--templates", str(TEMPLATES), "write", str(out)]) == 0
    assert (out / "mechanisms" / "plasticity.md").read_text().startswith("---\ntitle: Plasticity\ncitation:")
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())[:3] == ["changelog.md", "editing.md", "evidence-map.md"]
