"""Generator of the evidence-review site: content/ YAML -> Markdown pages for MkDocs."""

from .commands.build import build

__all__ = ["build"]
