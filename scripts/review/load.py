"""Read phase: every YAML file and Markdown page under content/, with the line of every field."""

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import Problem
from .parallel import forked_map, unshare
from .schema import COLLECTIONS

MAX_BYTES = 1_000_000  # a content file larger than this is refused before it is parsed
MIN_FILES_TO_SHARE = 500  # fewer files are read in one process: forking and unpickling would cost more than they save


@dataclass(frozen=True)
class Entity:
    """One YAML file: its collection, data, file as shown in messages, and the file on disk."""

    collection: str
    data: dict
    path: str
    source: str = ""

    @property
    def id(self):
        """The entity's id as written in the file (falls back to the file name)."""
        value = self.data.get("id")
        return value if isinstance(value, str) else Path(self.path).stem

    @functools.cached_property
    def lines(self):
        """The line of each field path. Only a problem report needs them, so they are read again from the file
        (with the slower, line-marking parse) when first asked for: most builds never do."""
        try:
            return parse_yaml(Path(self.source).read_text(encoding="utf-8"), self.path, marks=True)[1]
        except (OSError, UnicodeDecodeError, Problem):
            return {}

    def line(self, *keys):
        """The line of the deepest known field along keys (the file's first line if none)."""
        for end in range(len(keys), -1, -1):
            if tuple(keys[:end]) in self.lines:
                return self.lines[tuple(keys[:end])]
        return 1


@dataclass
class Review:
    """Everything read from content/: entities by collection, prose pages, and read problems."""

    entities: dict = field(default_factory=dict)
    pages: dict = field(default_factory=dict)
    site: Entity | None = None
    changelog: Entity | None = None
    problems: list = field(default_factory=list)
    unreadable: set = field(default_factory=set)  # (collection, id) of files that could not be read


class _NoDuplicates:
    """Constructor mixin that refuses duplicate keys."""

    def construct_mapping(self, node, deep=False):
        """Build a mapping, raising on a key that appears twice."""
        seen = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.MarkedYAMLError(
                    problem=f"duplicate key `{key}` (first at line {seen[key]})",
                    problem_mark=key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


class _Loader(_NoDuplicates, yaml.SafeLoader):
    """Pure-Python safe loader: slower, but its error messages are the clearer ones."""


class _FastLoader(_NoDuplicates, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """libyaml's safe loader, used first; on any error the file is parsed again by _Loader for the message."""


for _class in (_Loader, _FastLoader):
    _class.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _class.construct_mapping)


def _lines(node, path=()):
    """Map each field path in a composed YAML node tree to its 1-based line."""
    found = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = (*path, key_node.value)
            found.update(_lines(value_node, key))
            found[key] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found.update(_lines(item, (*path, index)))
    return found


def _yaml_problem(shown, error):
    """Turn a PyYAML error into a Problem with its line and a plain message."""
    mark = getattr(error, "problem_mark", None)
    line = mark.line + 1 if mark else 1
    text = getattr(error, "problem", None) or str(error)
    if "'\\t'" in text:
        text = "tab character; indent with spaces"
    return Problem(shown, line, "yaml", text)


def parse_yaml(text, shown, marks=True):
    """Parse YAML text into (data, lines), lines being {field path: line} (None unless marks), or raise a Problem."""
    try:
        return _parse(text, shown, _FastLoader, marks)
    except (yaml.YAMLError, Problem):
        return _parse(text, shown, _Loader, marks)


def _parse(text, shown, loader_class, marks):
    """Parse with one loader class."""
    try:
        loader = loader_class(text)
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        code = error.character if isinstance(error.character, int) else ord(error.character)
        raise Problem(shown, line, "file", f"character U+{code:04X} is not allowed in YAML; remove it") from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise Problem(shown, 1, "file", "empty file; it must hold a mapping of fields")
        data = loader.construct_document(node)
    except yaml.YAMLError as error:
        raise _yaml_problem(shown, error) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise Problem(shown, 1, "file", f"expected a mapping of fields, found {type(data).__name__}")
    return data, _lines(node) if marks else None


def read_text(path, shown):
    """Read a UTF-8 file, refusing ones too large or not UTF-8."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise Problem(shown, 1, "file", f"file is {size / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB")
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise Problem(shown, line, "file", f"not UTF-8 (byte 0x{raw[error.start]:02x}); save the file as UTF-8") from None


def read_entity(path, collection, shown):
    """Read one YAML file into an Entity, or raise a Problem."""
    data, _ = parse_yaml(read_text(path, shown), shown, marks=False)
    return Entity(collection, data, shown, os.path.abspath(path))


def _read_share(files, share=0):
    """Read (collection, path, shown) files: a list of (collection, stem, Entity or Problem)."""
    read = []
    for collection, path, shown in files:
        try:
            read.append((collection, path.stem, read_entity(path, collection, shown)))
        except Problem as problem:
            read.append((collection, path.stem, problem))
    return read


def load(content_dir, processes=1):
    """Read all of content_dir into a Review; problems found while reading are collected, not raised. The
    collections' files are parsed in `processes` forked processes, each reading a share of them."""
    content_dir = Path(content_dir)
    review = Review(entities={name: {} for name in COLLECTIONS})

    def shown(path):
        return path.relative_to(content_dir.parent).as_posix()

    files = []
    for collection in COLLECTIONS:
        for path in sorted((content_dir / collection).glob("*")):
            if path.suffix == ".yml":
                review.problems.append(Problem(shown(path), 1, "file", "use the extension .yaml"))
            elif path.suffix == ".yaml":
                files.append((collection, path, shown(path)))
    shares = forked_map(_read_share, files, processes if len(files) >= MIN_FILES_TO_SHARE else 1)
    for collection, stem, read in unshare(shares):  # in file order
        if isinstance(read, Problem):
            review.problems.append(read)
            review.unreadable.add((collection, stem))
        else:
            review.entities[collection].setdefault(stem, read)
    for name, purpose in [("site", "the site's title, authors and version"), ("changelog", "the list of releases")]:
        path = content_dir / f"{name}.yaml"
        try:
            setattr(review, name, read_entity(path, name, shown(path)))
        except FileNotFoundError:
            review.problems.append(Problem(shown(path), 1, "file", f"missing; it holds {purpose}"))
        except Problem as problem:
            review.problems.append(problem)
    for path in sorted((content_dir / "pages").glob("*.md")):
        try:
            review.pages[path.stem] = read_page(path, shown(path))
        except Problem as problem:
            review.problems.append(problem)
    return review


@dataclass(frozen=True)
class Page:
    """A hand-written Markdown page: its file, title (front matter or first heading) and body."""

    path: str
    title: str
    text: str


def read_page(path, shown):
    """Read a Markdown page, taking its title from front matter or its first `# ` heading."""
    text = read_text(path, shown)
    meta, body = {}, text
    if text.startswith("---\n") and "\n---\n" in text[4:]:
        head, body = text[4:].split("\n---\n", 1)
        try:
            meta = yaml.safe_load(head) or {}
        except yaml.YAMLError as error:
            raise _yaml_problem(shown, error) from None
        body = "\n" * (head.count("\n") + 2) + body  # keep line numbers of the body
    heading = next((line[2:].strip() for line in body.splitlines() if line.startswith("# ")), None)
    title = meta.get("title") if isinstance(meta, dict) and meta.get("title") else heading
    if not title:
        raise Problem(shown, 1, "title", "no title: add a `# Heading` or a `title:` in front matter")
    return Page(shown, str(title), body)
