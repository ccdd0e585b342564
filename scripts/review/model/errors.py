"""Content problems: each one names its file, line and field, and says how to fix it."""

import difflib
import re

_UNSEEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")  # control characters, and the two Unicode line breaks


def one_line(text) -> str:
    """Text for a one-line message: control characters and line breaks written as escapes (`\\n`), so that
    what content holds cannot add a line to a report or move the terminal's cursor."""
    return _UNSEEN.sub(lambda m: {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(m.group(), f"\\u{ord(m.group()):04x}"), str(text))


class Problem(Exception):
    """One content error, printed as `path:line: field: message`."""

    def __init__(self, path, line, field, message):
        super().__init__(path, line, field, message)
        self.path, self.line, self.field, self.message = path, line, field, message

    def __str__(self):
        return one_line(f"{self.path}:{self.line}: {self.field}: {self.message}")

    def __eq__(self, other):
        return isinstance(other, Problem) and self.args == other.args

    def __hash__(self):
        return hash(self.args)


class ContentError(Exception):
    """Raised by build() when the content has problems; holds all of them."""

    def __init__(self, problems):
        self.problems = sorted(problems, key=lambda p: (p.path, p.line, p.field, p.message))
        super().__init__(self.report())

    def report(self):
        """All problems, one per line, then a count."""
        lines = [str(p) for p in self.problems]
        lines.append(f"{len(self.problems)} content error{'s' if len(self.problems) != 1 else ''}; the site was not built")
        return "\n".join(lines)


def suggest(value, candidates):
    """A ' did you mean `x`?' hint for the closest candidate, or ''."""
    if not isinstance(value, str):
        return ""
    match = difflib.get_close_matches(value, candidates, n=1, cutoff=0.6)
    return f"; did you mean `{match[0]}`?" if match else ""
