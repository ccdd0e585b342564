"""Write phase: the only code that touches the disk on the way out."""

from pathlib import Path


def write(pages, out_dir):
    """Write {page path: Markdown} under out_dir, creating folders; return the number written."""
    out_dir = Path(out_dir)
    for path, text in sorted(pages.items()):
        target = out_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return len(pages)
