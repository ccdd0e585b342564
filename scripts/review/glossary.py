"""Glossary mentions in linear time: link a term's first mention on a page, and list tooltips for the terms a page uses."""

import re

from .links import relative

TOKEN = re.compile(r"[\w-]+")
# Never link inside links, code, HTML, entities, attribute lists, headings or admonition titles.
NOT_FOR_LINKS = re.compile(r"\[[^\]]*\]\([^)]*\)(?:\{[^}]*\})?|`[^`]*`|<[^>]*>|&\w+;|\{[^}]*\}|#(?<=^#)#{0,5} .*$|!(?<=^!)!! .*$", re.M)
# Tooltips also apply to link text, so only addresses, code, HTML and attribute lists are skipped.
# In both, every branch starts with a literal character (a heading's `#` is checked to start its line after it is
# matched), which lets the regex engine jump from one candidate character to the next: a branch starting with `^`
# made the scan 2.5 times slower. (A `^---$` branch for front matter, which tooltips never see, is gone.)
NOT_FOR_TOOLTIPS = re.compile(r"\]\([^)]*\)|`[^`]*`|<[^>]*>|&\w+;|\{[^}]*\}")


def forms_of(entry):
    """How a glossary entry may be written in text: its term, with a lower-case first letter too, and its
    abbreviation (two or more characters)."""
    term = entry["term"]
    forms = {term, term[0].lower() + term[1:]}
    if entry.get("abbreviation") and len(entry["abbreviation"]) > 1:
        forms.add(entry["abbreviation"])
    return forms


def glossary_forms(glossary):
    """{surface form: glossary id} for every unambiguous abbreviation (two or more characters) and term."""
    owners = {}
    for gid, entry in sorted(glossary.items()):
        for form in forms_of(entry):
            owners.setdefault(form, set()).add(gid)
    return {form: ids.pop() for form, ids in owners.items() if len(ids) == 1}


# Bytes of ASCII characters that cannot be part of a word ([\w-]) become spaces, so that bytes.split() finds the
# words of UTF-8 text several times faster than a regular expression does; a piece that holds a non-ASCII character
# may hold a non-word one too (a dash, a curly quote), and only such pieces go through TOKEN.
_NOT_WORD = bytes(b if b >= 128 or chr(b).isalnum() or chr(b) in "_-" else 32 for b in range(256))


def words_in(text):
    """The set of words (runs of letters, digits, underscores and hyphens) in a text."""
    spaced = text.encode("utf-8").translate(_NOT_WORD).decode("utf-8")
    words = set(spaced.split())
    if spaced.isascii():
        return words
    odd = {piece for piece in words if not piece.isascii()}
    return (words - odd).union(*map(TOKEN.findall, odd))


class Glossary:
    """Finds glossary forms in text with a dictionary lookup per word run, so cost grows with the text, not the glossary."""

    def __init__(self, entries, glossary_page):
        """Index the unambiguous forms of the entries; glossary_page maps an id to its page path with anchor."""
        self.entries, self.page_of = entries, glossary_page
        self.forms = glossary_forms(entries)
        words = {form: TOKEN.findall(form) for form in self.forms if TOKEN.search(form)}
        # Forms by their first word, longest first; a form must begin and end with a word character to match as a
        # run of whole words.
        self.starting = {}
        for form, w in sorted(words.items(), key=lambda item: (-len(item[1]), item[0])):
            if TOKEN.fullmatch(form[0]) and TOKEN.fullmatch(form[-1]):
                self.starting.setdefault(w[0], []).append(form)
        self.first_words = set(self.starting)
        # One-word forms that start no longer form and sit inside none: present in a text means used in it.
        longer = {w[0] for form, w in words.items() if form != w[0]} | {x for w in words.values() for x in w[1:]}
        self.single = {w[0] for form, w in words.items() if form == w[0]} - longer
        self._tooltip_lines = {}

    def mentions(self, text, skip):
        """Yield (start, end, form) for each glossary form outside the skipped spans, longest match first."""
        # Blank the skipped spans with NULs (same length, so positions hold): no form contains one, so none can match
        # in or across them, and the whole text is scanned in one pass.
        visible = skip.sub(lambda m: "\0" * (m.end() - m.start()), text)
        starts = self.first_words.intersection(words_in(visible))
        if starts:
            yield from self._scan(visible, starts)

    def _scan(self, visible, starts):
        """Matches of forms in text, trying only the words in `starts` as first words, longest form first, each
        match resuming after the previous one."""
        resume = 0
        for position, word in sorted(_whole_words(visible, starts)):
            if position < resume:
                continue
            for form in self.starting[word]:
                end = position + len(form)
                if visible.startswith(form, position) and _word_ends(visible, end):
                    yield position, end, form
                    resume = end
                    break

    def used(self, text, skip):
        """The set of forms that mentions() would yield, found faster: one-word forms by set lookup, and only the
        words that may begin a longer form scanned in order."""
        visible = "\0".join(skip.split(text))  # positions are not needed here, so skipped spans become one NUL
        present = self.first_words.intersection(words_in(visible))
        found = present & self.single
        if present - self.single:
            found |= {form for _, _, form in self._scan(visible, present - self.single)}
        return found

    def link_first(self, text, page_path, linked):
        """Link the first mention of each term on a page (ids already in `linked` are skipped; new ones are added)."""
        pieces, position = [], 0
        for start, end, form in self.mentions(text, NOT_FOR_LINKS):
            gid = self.forms[form]
            if gid in linked:
                continue
            linked.add(gid)
            pieces += [text[position:start], f"[{form}]({relative(self.page_of(gid), page_path)})"]
            position = end
        return "".join(pieces) + text[position:]

    def tooltips(self, markdown, escape):
        """Abbreviation definitions (`*[BDNF]: ...`) for the forms the page mentions, one Markdown block each."""
        lines = [self._tooltip(form, escape) for form in sorted(self.used(markdown, NOT_FOR_TOOLTIPS))]
        # One block each: Python-Markdown re-scans a whole block for every definition in it.
        return "\n" + "\n\n".join(lines) + "\n" if lines else ""

    def _tooltip(self, form, escape):
        """The abbreviation definition of one form (made once: a term recurs on many pages)."""
        if (form, escape) not in self._tooltip_lines:
            entry = self.entries[self.forms[form]]
            definition = " ".join(entry["definition"].split())
            tip = definition if form in (entry["term"], entry["term"][0].lower() + entry["term"][1:]) else f"{entry['term']}: {definition}"
            self._tooltip_lines[form, escape] = f"*[{form}]: {escape(tip)}"
        return self._tooltip_lines[form, escape]


def _whole_words(text, words):
    """Yield (position, word) for each place where one of the words stands in text as a whole word (str.find runs
    at C speed; a page holds few of the words)."""
    for word in words:
        position = text.find(word)
        while position >= 0:
            end = position + len(word)
            if not (position and _is_word_char(text[position - 1])) and _word_ends(text, end):
                yield position, word
            position = text.find(word, position + 1)


def _word_ends(text, end):
    """Whether no word character follows position end of text."""
    return end == len(text) or not _is_word_char(text[end])


def _is_word_char(char):
    """Whether a character may be part of a word: what str.isalnum() accepts (as regex \\w does), underscore, hyphen."""
    return char.isalnum() or char in "_-"
