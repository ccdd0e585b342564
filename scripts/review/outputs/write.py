"""Write phase: the only code that writes generated files to a folder."""

from __future__ import annotations

from pathlib import Path


def write(outputs: dict, out_dir) -> list:
    """Write {site path: text} under out_dir, creating folders; return the paths written."""
    out_dir = Path(out_dir)
    for path, text in sorted(outputs.items()):
        target = out_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return sorted(outputs)
