"""Write phase: the only code that touches the disk on the way out."""

from pathlib import Path


def write(pages, out_dir):
    """Write Markdown pages under out_dir, creating folders: `pages` is {page path: text}, or an iterable of (page
    path, text) pairs written as they come (so the whole site need not be in memory). Return the paths written."""
    out_dir = Path(out_dir)
    written = []
    for path, text in sorted(pages.items()) if isinstance(pages, dict) else pages:
        target = out_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(path)
    return written
