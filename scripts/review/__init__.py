"""Generator of the evidence-review site: content/ YAML -> Markdown pages for MkDocs."""

from .build import build

__all__ = ["build"]
