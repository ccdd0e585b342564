"""Read phase: every file under content/, refused with a message unless it is a plain file of the repository."""

from __future__ import annotations

import bisect
import functools
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import Problem
from .schema import COLLECTIONS

MAX_BYTES = 1_000_000  # a content file larger than this is refused before it is parsed
MAX_DEPTH = 12  # the content model nests five levels deep; deeper YAML is refused before it is built
SPECIAL = ("site", "changelog", "search")  # the single files beside the collections' folders


@dataclass(frozen=True)
class Entity:
    """One YAML file: its collection, its data, the file as shown in messages, and its text."""

    collection: str
    data: dict
    path: str
    text: str = field(default="", repr=False, compare=False)

    @property
    def id(self) -> str:
        """The entity's id as written in the file (falls back to the file name)."""
        value = self.data.get("id")
        return value if isinstance(value, str) else Path(self.path).stem

    @functools.cached_property
    def lines(self) -> dict:
        """{field path: line}. Only a problem report needs them, so the text is parsed again, with marks, when
        first asked for: most builds never do."""
        try:
            return field_lines(compose(self.text, self.path))
        except Problem:
            return {}

    def line(self, *keys) -> int:
        """The line of the deepest known field along keys (the file's first line if none)."""
        for end in range(len(keys), -1, -1):
            if tuple(keys[:end]) in self.lines:
                return self.lines[tuple(keys[:end])]
        return 1

    def line_of(self, keys, snippet: str) -> int:
        """The line where snippet (a piece of a field's text) is written, searching from the field's line: the
        first line of a multi-line field is not where its fault is."""
        return self.lines_of(keys, [snippet])[0]

    def lines_of(self, keys, snippets: list[str]) -> list[int]:
        """The lines of several snippets of one field, given in the order they are written, found in one pass
        over the field's text: each search starts where the last one ended and stops where the next field
        starts, so that the work is linear in the field however many problems it has. A snippet not written as
        such (broken by a folded scalar's line break) is looked for by its first word, else takes the line of
        the one before it."""
        start = self.line(*keys)
        starts = self._line_starts
        offset = starts[min(start, len(starts)) - 1]
        after = bisect.bisect_right(self._field_starts, start)
        end = starts[self._field_starts[after] - 1] if after < len(self._field_starts) else len(self.text)
        line, out, last = start, [], None
        for snippet in snippets:
            first = snippet.split("\n", 1)[0].strip()
            word = first.split(maxsplit=1)[0] if first else ""
            begin = offset + 1 if snippet == last else offset  # the same text again is written further on
            found = self.text.find(first[:40], begin, end) if first else -1
            if found < 0 and len(word) >= 3:
                found = self.text.find(word[:40], begin, end)
            if found >= 0:
                line += self.text.count("\n", offset, found)
                offset = found
            out.append(line)
            last = snippet
        return out

    @functools.cached_property
    def _field_starts(self) -> list[int]:
        """The lines on which a field or list item starts, in order."""
        return sorted(set(self.lines.values()))

    @functools.cached_property
    def _line_starts(self) -> list[int]:
        """The offset in the text at which each line starts."""
        starts = [0]
        position = self.text.find("\n")
        while position >= 0:
            starts.append(position + 1)
            position = self.text.find("\n", position + 1)
        return starts


@dataclass(frozen=True)
class Page:
    """A hand-written Markdown page: its file, title (front matter or first heading) and body."""

    path: str
    title: str
    text: str


@dataclass
class Review:
    """Everything read from content/: entities by collection, prose pages, and the problems met while reading."""

    entities: dict = field(default_factory=dict)
    pages: dict = field(default_factory=dict)
    site: Entity | None = None
    changelog: Entity | None = None
    search: Entity | None = None
    problems: list = field(default_factory=list)
    ignored: list = field(default_factory=list)  # editors' backup, swap and lock files, left out with a notice
    broken: set = field(default_factory=set)  # collections with a file that could not be read or checked
    unreadable: set = field(default_factory=set)  # (collection, file stem) of the files that could not be read


_NO_TIMESTAMPS = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Loader(yaml.SafeLoader):
    """The safe loader without implicit timestamps: dates stay text and are checked as text, so that an impossible
    date such as 2026-02-30 gets a message instead of a crash. Pure Python: its error messages are the clearer."""

    yaml_implicit_resolvers = _NO_TIMESTAMPS


_LIBYAML: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _FastLoader(_LIBYAML):
    """The same on libyaml, tried first; a file it refuses is parsed again by _Loader for the message."""

    yaml_implicit_resolvers = _NO_TIMESTAMPS


def _problem_at(shown, mark, message, field_name="yaml"):
    """A Problem at a PyYAML mark."""
    return Problem(shown, mark.line + 1 if mark else 1, field_name, message)


def compose(text: str, shown: str, loader_class=None) -> yaml.Node:
    """The YAML node tree of a file's text, or a Problem. Before anything is built, one pass over the parser's
    events refuses what the content model never needs and what can exhaust memory or the stack: anchors and
    aliases (a few lines can expand to gigabytes), explicit tags (`!!timestamp 2026-02-30`, `!!int abc` would
    reach a constructor that fails), merge keys, and nesting deeper than MAX_DEPTH."""
    if loader_class is None:
        try:
            return compose(text, shown, _FastLoader)
        except Problem:
            loader_class = _Loader  # the same refusal, with the pure-Python parser's clearer words
    try:
        loader = loader_class(text)
    except yaml.reader.ReaderError as error:
        raise _reader_problem(shown, text, error) from None
    try:
        depth = 0
        while loader.check_event():
            event = loader.peek_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise _problem_at(
                    shown, event.start_mark, "anchors and aliases (`&name`, `*name`) are not allowed; write the value out in full"
                )
            if getattr(event, "tag", None) is not None:
                raise _problem_at(
                    shown,
                    event.start_mark,
                    f"tags such as `{_short(event.tag)}` are not allowed; write the value plainly (quote text, like '2.0')",
                )
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _problem_at(
                        shown, event.start_mark, f"nested more than {MAX_DEPTH} levels deep; the content model needs far fewer"
                    )
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            loader.get_event()
    except yaml.reader.ReaderError as error:
        raise _reader_problem(shown, text, error) from None
    except yaml.YAMLError as error:
        raise _yaml_problem(shown, error) from None
    finally:
        loader.dispose()
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as error:
        raise _yaml_problem(shown, error) from None
    finally:
        loader.dispose()
    if node is None:
        raise Problem(shown, 1, "file", "empty file; it must hold a mapping of fields")
    return node


def _short(tag: str) -> str:
    """A tag as it was written: `!!int` for YAML's own, `!x` for a local one."""
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


def _reader_problem(shown, text, error):
    """A character YAML does not allow, with its line."""
    line = text.count("\n", 0, error.position) + 1
    code = error.character if isinstance(error.character, int) else ord(error.character)
    return Problem(shown, line, "file", f"character U+{code:04X} is not allowed in YAML; remove it")


def construct(node: yaml.Node, shown: str):
    """The data of a checked node tree: mappings with unique, hashable keys."""
    loader = _Loader("")
    try:
        return _construct(loader, node, shown)
    finally:
        loader.dispose()


def _construct(loader, node, shown):
    """Build data from a node (the tree is shallow: MAX_DEPTH bounds the recursion)."""
    if isinstance(node, yaml.MappingNode):
        data = {}
        first = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _problem_at(shown, key_node.start_mark, "merge keys (`<<`) are not allowed; write the fields out")
            if not isinstance(key_node, yaml.ScalarNode):
                raise _problem_at(shown, key_node.start_mark, "a key must be a plain word, not a list or mapping")
            key = _scalar(loader, key_node, shown)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise _problem_at(shown, key_node.start_mark, f"the key `{key}` is not a word; write field names as text")
            if key in first:
                raise _problem_at(shown, key_node.start_mark, f"duplicate key `{key}` (first at line {first[key]})")
            first[key] = key_node.start_mark.line + 1
            data[key] = _construct(loader, value_node, shown)
        return data
    if isinstance(node, yaml.SequenceNode):
        return [_construct(loader, item, shown) for item in node.value]
    return _scalar(loader, node, shown)


INT_DIGITS = 4_300  # Python converts no longer text to a whole number (sys.get_int_max_str_digits)


def _scalar(loader, node, shown):
    """The value of a scalar node (plain YAML resolves it to text, a number, true/false or null)."""
    if node.tag == "tag:yaml.org,2002:int" and len(node.value) > INT_DIGITS:
        raise _problem_at(
            shown, node.start_mark, f"a number of {len(node.value):,} characters; no field takes one longer than {INT_DIGITS:,}"
        )
    try:
        return loader.construct_object(node)
    except yaml.YAMLError as error:
        raise _yaml_problem(shown, error) from None
    except (ValueError, KeyError, TypeError, OverflowError):  # a value its resolved type cannot hold
        raise _problem_at(
            shown, node.start_mark, f"`{str(node.value)[:40]}` cannot be read; quote it to write it as text"
        ) from None


def field_lines(node, path=()) -> dict:
    """{field path: 1-based line} of a node tree."""
    found = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = (*path, key_node.value)
            found.update(field_lines(value_node, key))
            found[key] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found.update(field_lines(item, (*path, index)))
    return found


def _yaml_problem(shown, error):
    """A PyYAML error as a Problem with its line and a plain message."""
    mark = getattr(error, "problem_mark", None)
    text = getattr(error, "problem", None) or str(error)
    if "'\\t'" in text:
        text = "tab character; indent with spaces"
    return _problem_at(shown, mark, text)


def parse_yaml(text: str, shown: str) -> dict:
    """Parse one file's YAML text into a mapping, or raise a Problem."""
    data = construct(compose(text, shown), shown)
    if not isinstance(data, dict):
        raise Problem(shown, 1, "file", f"expected a mapping of fields, found {type(data).__name__}")
    return data


def read_text(path: Path, shown: str) -> str:
    """A regular file's text: UTF-8, at most MAX_BYTES, a byte-order mark dropped and line endings made `\\n`."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise Problem(shown, 1, "file", f"file is {size / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB")
        raw = path.read_bytes()
    except PermissionError:
        raise Problem(shown, 1, "file", "cannot be read (permission denied); make it readable") from None
    except OSError as error:
        raise Problem(shown, 1, "file", f"cannot be read ({error.strerror or error})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise Problem(shown, line, "file", f"not UTF-8 (byte 0x{raw[error.start]:02x}); save the file as UTF-8") from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def is_editor_file(name: str) -> bool:
    """Editors' backup, swap, lock and autosave files (`about.md~`, `about.md.swp`, `#about.md#`), which sit beside
    the content while it is edited: the check and the build both leave them out, with a notice."""
    return name.endswith(("~", ".swp", ".swo", ".swx", ".bak", ".orig", ".tmp")) or (
        len(name) > 1 and name.startswith("#") and name.endswith("#")
    )


def _is_ignored(name: str, ignored: list | None = None, shown: str = "") -> bool:
    """Hidden files (silently, as MkDocs does) and editors' files (noted in `ignored`) are not content."""
    if name.startswith("."):
        return True
    if is_editor_file(name):
        if ignored is not None:
            ignored.append(shown)
        return True
    return False


def scan(folder: Path, shown, suffix: str, problems: list, ignored: list | None = None):
    """The regular files with `suffix` directly in folder, in name order; anything else there gets a problem:
    links (which could point outside the repository), folders, special files, and files of other kinds. Editors'
    files are listed in `ignored`."""
    found: list[Path] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except FileNotFoundError:
        return found
    except OSError as error:
        problems.append(Problem(shown(folder), 1, "file", f"cannot be read ({error.strerror or error})"))
        return found
    for entry in entries:
        if _is_ignored(entry.name, ignored, shown(Path(entry.path))):
            continue
        path = Path(entry.path)
        mode = entry.stat(follow_symlinks=False).st_mode
        if stat.S_ISLNK(mode):
            problems.append(
                Problem(
                    shown(path),
                    1,
                    "file",
                    "is a symbolic link; content must be plain files in the repository, so copy the file here instead",
                )
            )
        elif stat.S_ISDIR(mode):
            problems.append(Problem(shown(path), 1, "file", f"is a folder; {shown(folder)}/ holds only `*{suffix}` files"))
        elif not stat.S_ISREG(mode):
            problems.append(Problem(shown(path), 1, "file", "is not a regular file; remove it"))
        elif path.suffix == suffix:
            found.append(path)
        elif path.suffix.lower() in (suffix, ".yml", ".yaml", ".md", ".markdown"):
            problems.append(Problem(shown(path), 1, "file", f"use the extension `{suffix}` (lower case)"))
        else:
            problems.append(Problem(shown(path), 1, "file", f"unexpected file; {shown(folder)}/ holds only `*{suffix}` files"))
    return found


FOLDERS = (*COLLECTIONS, "pages", "schema")  # what content/ holds besides the SPECIAL files


def check_root(content_dir: Path, shown, ignored: list | None = None) -> list:
    """Problems with what sits directly in content/: only the known folders and the two single files belong."""
    problems = []
    try:
        entries = sorted(os.scandir(content_dir), key=lambda e: e.name)
    except OSError as error:
        return [Problem(shown(content_dir), 1, "file", f"cannot be read ({error.strerror or error})")]
    for entry in entries:
        if _is_ignored(entry.name, ignored, shown(Path(entry.path))):
            continue
        if entry.is_symlink():
            problems.append(
                Problem(
                    shown(Path(entry.path)),
                    1,
                    "file",
                    "is a symbolic link; content must be plain files and folders in the repository",
                )
            )
        elif (entry.is_dir() and entry.name in FOLDERS) or (entry.is_file() and entry.name in (f"{n}.yaml" for n in SPECIAL)):
            continue
        else:
            problems.append(
                Problem(
                    shown(Path(entry.path)),
                    1,
                    "file",
                    f"unexpected here; content/ holds the folders "
                    f"{', '.join(FOLDERS)} and the files {', '.join(f'{n}.yaml' for n in SPECIAL)}",
                )
            )
    return problems


class Reader:
    """Reads content files, keeping what it read: a file whose text is unchanged since it was last read is not
    parsed again (the live preview keeps one Reader between saves, and the build cache one between builds). What
    it returns is exactly what reading the file afresh returns, problems included."""

    def __init__(self) -> None:
        # shown path -> (stat signature, text, parsed data | Problem): the text decides, the signature saves a read
        self.files: dict[str, tuple[tuple, str, object]] = {}

    def text(self, path: Path, shown: str) -> str:
        try:
            info = path.stat()
        except OSError:
            return read_text(path, shown)  # the same message as a first read
        signature = (info.st_mtime_ns, info.st_size, info.st_ino)
        held = self.files.get(shown)
        if held is not None and held[0] == signature:
            return held[1]
        text = read_text(path, shown)
        if held is not None and held[1] == text:
            self.files[shown] = (signature, text, held[2])
        else:
            self.files[shown] = (signature, text, None)
        return text

    def parsed(self, text: str, shown: str, parse):
        """parse(text, shown), or what it gave last time for the same text (a Problem is raised again)."""
        held = self.files.get(shown)
        if held is not None and held[1] == text and held[2] is not None:
            result = held[2]
        else:
            try:
                result = parse(text, shown)
            except Problem as problem:
                result = problem
            self.files[shown] = (held[0] if held is not None and held[1] == text else (), text, result)
        if isinstance(result, Problem):
            raise result
        return result

    def forget_missing(self, seen: set) -> None:
        """Drop files that are gone (a preview that runs for days should not hold every name it ever saw)."""
        for shown in set(self.files) - seen:
            del self.files[shown]


def load(content_dir, reader: Reader | None = None) -> Review:
    """Read all of content_dir into a Review; problems met while reading are collected, not raised. With a Reader,
    files unchanged since it last read them are not parsed again."""
    content_dir = Path(content_dir)
    review = Review(entities={name: {} for name in COLLECTIONS})
    reader = reader or Reader()
    seen: set[str] = set()

    base = content_dir.parent.as_posix().rstrip("/") + "/" if content_dir.parent != Path(".") else ""

    def shown(path):
        text = path.as_posix()  # a path under content_dir, written from the project folder
        return text[len(base) :] if base and text.startswith(base) else path.relative_to(content_dir.parent).as_posix()

    def read(path: Path, parse):
        where = shown(path)
        seen.add(where)
        return reader.parsed(reader.text(path, where), where, parse)

    review.problems += check_root(content_dir, shown, review.ignored)
    for collection in COLLECTIONS:
        for path in scan(content_dir / collection, shown, ".yaml", review.problems, review.ignored):
            try:
                data = read(path, parse_yaml)
                entity = Entity(collection, data, shown(path), reader.files[shown(path)][1])
            except Problem as problem:
                review.problems.append(problem)
                review.broken.add(collection)
                review.unreadable.add((collection, path.stem))
                continue
            review.entities[collection][path.stem] = entity
    for name in SPECIAL:
        path = content_dir / f"{name}.yaml"
        if not path.is_file() or path.is_symlink():
            purpose = {
                "site": "the site's title, authors and version",
                "changelog": "the list of releases",
                "search": "how the literature was searched and up to which date",
            }[name]
            review.problems.append(Problem(shown(path), 1, "file", f"missing; it holds {purpose}"))
            continue
        try:
            data = read(path, parse_yaml)
            setattr(review, name, Entity(name, data, shown(path), reader.files[shown(path)][1]))
        except Problem as problem:
            review.problems.append(problem)
    for path in scan(content_dir / "pages", shown, ".md", review.problems, review.ignored):
        try:
            review.pages[path.stem] = read(path, page_from_text)
        except Problem as problem:
            review.problems.append(problem)
    reader.forget_missing(seen)
    return review


def read_page(path: Path, shown: str) -> Page:
    """Read a Markdown page, taking its title from front matter or its first `# ` heading."""
    return page_from_text(read_text(path, shown), shown)


def page_from_text(text: str, shown: str) -> Page:
    """A Markdown page from its text."""
    meta, body = {}, text
    if text.startswith("---\n") and "\n---\n" in text[4:]:
        head, body = text[4:].split("\n---\n", 1)
        meta = parse_yaml(head, shown) if head.strip() else {}
        body = "\n" * (head.count("\n") + 2) + body  # keep line numbers of the body
    heading = next((line[2:].strip() for line in body.splitlines() if line.startswith("# ")), None)
    title = meta.get("title") if isinstance(meta.get("title"), str) and meta["title"].strip() else heading
    if not title:
        raise Problem(shown, 1, "title", "no title: add a `# Heading` or a `title:` in front matter")
    return Page(shown, title.strip(), body)
