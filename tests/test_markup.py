"""The content markup: one grammar for citations and cross-links, what each kind of field may hold, and
patterns that take time linear in their input."""

import re
import re._parser as sre_parse  # the parser behind re (sre_parse before Python 3.11)

import pytest
from review.model import markup


@pytest.mark.parametrize(
    "text, expected",
    [
        ("As in [@shao2021].", [("studies", "shao2021")]),
        ("Two [@ly2018; @shao2021] at once.", [("studies", "ly2018"), ("studies", "shao2021")]),
        (
            "A [link](@mechanisms/neuroplasticity) and a bare (@trials/nct04141501).",
            [("mechanisms", "neuroplasticity"), ("trials", "nct04141501")],
        ),
        ("A [finding](@findings/np-x) in text.", [("findings", "np-x")]),
        ("`[@shao2021]` in code is not a citation.", []),
        ("An email@example.org and [x](https://example.org) are not marks.", []),
    ],
)
def test_references_are_found_in_any_text(text, expected):
    assert list(markup.references(text)) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("One *dose* [@shao2021] in [mice](@studies/shao2021).", "One dose in mice."),
        ("A bare (@trials/nct04141501) link.", "A bare link."),
        ("Code `x < y` stays.", "Code x < y stays."),
    ],
)
def test_plain_text_of_markdown(text, expected):
    assert markup.plain(text) == expected


@pytest.mark.parametrize(
    "profile, text, allowed",
    [
        ("inline", "*emphasis*, `code`, [a link](https://example.org) and [@x].", True),
        ("inline", "- a list", False),
        ("inline", "# a heading", False),
        ("prose", "Two paragraphs.\n\n- and\n- a list", True),
        ("prose", "# a heading", False),
        ("prose", "| a | table |\n|---|---|\n| 1 | 2 |", False),
        ("page", "# Title\n\n## Section\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```sh\nmake\n```\n\n> quoted", True),
        ("page", "<div>raw</div>", False),
    ],
)
def test_what_each_kind_of_field_may_hold(profile, text, allowed):
    known = {"studies": {"x"}}
    assert (list(markup.problems(text, profile, known)) == []) is allowed


def _first_chars(tree):
    """What a pattern's first character may be: a set of code points, or None for anything."""
    for op, arg in tree:
        if op == sre_parse.LITERAL:
            return {arg}
        if op == sre_parse.IN and all(kind == sre_parse.LITERAL for kind, _ in arg):
            return {value for _, value in arg}
        if op == sre_parse.SUBPATTERN:
            return _first_chars(arg[3])
        if op != sre_parse.AT:
            return None
    return None


def _can_match(tree, char):
    """Whether any single-character element of a pattern can match char."""
    for op, arg in tree:
        if op == sre_parse.LITERAL and arg == char:
            return True
        if op == sre_parse.NOT_LITERAL and arg != char:
            return True
        if op in (sre_parse.ANY, sre_parse.CATEGORY):
            return True
        if op == sre_parse.IN and re.compile(sre_parse_to_class(arg)).match(chr(char)):
            return True
        if op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT) and _can_match(arg[2], char):
            return True
        if op == sre_parse.SUBPATTERN and _can_match(arg[3], char):
            return True
        if op == sre_parse.BRANCH and any(_can_match(b, char) for b in arg[1]):
            return True
    return False


def sre_parse_to_class(items):
    """A character class pattern rebuilt from parsed IN items."""
    parts, negate = [], False
    for kind, value in items:
        if kind == sre_parse.NEGATE:
            negate = True
        elif kind == sre_parse.LITERAL:
            parts.append(re.escape(chr(value)))
        elif kind == sre_parse.RANGE:
            parts.append(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
        elif kind == sre_parse.CATEGORY:
            parts.append(
                {sre_parse.CATEGORY_SPACE: r"\s", sre_parse.CATEGORY_DIGIT: r"\d", sre_parse.CATEGORY_WORD: r"\w"}.get(value, ".")
            )
    return "[" + ("^" if negate else "") + "".join(parts) + "]"


def _nested_repeats(tree, inside=False):
    """Whether a parsed pattern repeats something that itself repeats, with nothing to tell one round of the
    outer repeat from the next: the shape of super-linear matching. A nested repeat is unambiguous when the
    outer repeat's body opens with a character that nothing repeating inside it can match (like the hyphen of
    `[a-z0-9]+(?:-[a-z0-9]+)*`)."""
    for op, arg in tree:
        if op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT):
            body = arg[2]
            if _has_repeat(body):
                first = _first_chars(body)
                guarded = first is not None and not any(_can_match(_after_first(body), c) for c in first)
                if not guarded:
                    return True
            if _nested_repeats(body, True):
                return True
        elif op == sre_parse.SUBPATTERN:
            if _nested_repeats(arg[3], inside):
                return True
        elif op == sre_parse.BRANCH and any(_nested_repeats(branch, inside) for branch in arg[1]):
            return True
    return False


def _after_first(tree):
    """A parsed pattern without its first character."""
    if tree and tree[0][0] == sre_parse.SUBPATTERN:
        return _after_first(list(tree[0][1][3])) + list(tree[1:])
    return list(tree[1:])


def _has_repeat(tree):
    """Whether a parsed pattern repeats anything."""
    for op, arg in tree:
        if op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT):
            return True
        if op == sre_parse.SUBPATTERN and _has_repeat(arg[3]):
            return True
        if op == sre_parse.BRANCH and any(_has_repeat(b) for b in arg[1]):
            return True
    return False


PATTERNS = {name: value for name, value in vars(markup).items() if isinstance(value, re.Pattern)}


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_no_pattern_nests_repetition(name):
    # A pattern with no repeat inside a repeat, no unbounded repeat of a branch, matches in linear time: this is
    # the shape that made 100 KB of `(@` take 84 s before.
    assert not _nested_repeats(sre_parse.parse(PATTERNS[name].pattern)), PATTERNS[name].pattern


@pytest.mark.parametrize("pattern, nested", [(r"(\(@[^)]*)*x", True), (r"(a+)+b", True), (r"[a-z]+(?:-[a-z]+)*", False)])
def test_the_nested_repeat_check_tells_them_apart(pattern, nested):
    assert _nested_repeats(sre_parse.parse(pattern)) is nested


@pytest.mark.parametrize("n", [2_000, pytest.param(50_000, marks=pytest.mark.slow)])
def test_a_long_run_of_openers_is_text(n):
    text = "(@" * n + "[@" * n
    assert list(markup.references(text)) == []
    assert markup.plain(text).startswith("(@(@")
