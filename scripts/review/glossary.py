"""Glossary mentions in linear time: link a term's first mention on a page, and list tooltips for the terms a page uses."""

import itertools
import re

from .links import relative

TOKEN = re.compile(r"[\w-]+")
WORD_SPLIT = re.compile(r"([\w-]+)")
# Never link inside links, code, HTML, entities, attribute lists, headings or admonition titles.
NOT_FOR_LINKS = re.compile(r"\[[^\]]*\]\([^)]*\)(?:\{[^}]*\})?|`[^`]*`|<[^>]*>|&\w+;|\{[^}]*\}|^#{1,6} .*$|^!!! .*$", re.M)
# Tooltips also apply to link text, so only addresses, code, HTML and attribute lists are skipped.
NOT_FOR_TOOLTIPS = re.compile(r"\]\([^)]*\)|`[^`]*`|<[^>]*>|&\w+;|\{[^}]*\}|^---$.*?^---$", re.M | re.S)


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


class Glossary:
    """Finds glossary forms in text with a dictionary lookup per word run, so cost grows with the text, not the glossary."""

    def __init__(self, entries, glossary_page):
        """Index the unambiguous forms of the entries; glossary_page maps an id to its page path with anchor."""
        self.entries, self.page_of = entries, glossary_page
        self.forms = glossary_forms(entries)
        self.longest = max((len(TOKEN.findall(form)) for form in self.forms), default=0)
        words = {form: TOKEN.findall(form) for form in self.forms if TOKEN.search(form)}
        self.first_words = {w[0] for w in words.values()}
        # One-word forms that start no longer form and sit inside none: present in a text means used in it.
        longer = {w[0] for form, w in words.items() if form != w[0]} | {x for w in words.values() for x in w[1:]}
        self.single = {w[0] for form, w in words.items() if form == w[0]} - longer

    def mentions(self, text, skip):
        """Yield (start, end, form) for each glossary form outside the skipped spans, longest match first."""
        # Blank the skipped spans with NULs (same length, so positions hold): no form contains one, so none can match
        # in or across them, and the whole text is scanned in one pass.
        visible = skip.sub(lambda m: "\0" * (m.end() - m.start()), text)
        parts = WORD_SPLIT.split(visible)  # separator, word, separator, word, ..., separator
        if len(parts) > 1 and not self.first_words.isdisjoint(parts[1::2]):
            yield from self._scan(visible, parts, self.first_words)

    def _scan(self, visible, parts, starts):
        """Matches of forms in split text, trying only words in `starts`, longest form first."""
        offsets = list(itertools.accumulate(map(len, parts), initial=0))
        resume = 0
        for i in [i for i in range(1, len(parts), 2) if parts[i] in starts]:
            if i < resume:
                continue
            for n in range(min(self.longest, (len(parts) - i + 1) // 2), 0, -1):
                stop = i + 2 * n - 1  # n words: parts[i], parts[i + 2], ..., parts[i + 2n - 2]
                candidate = visible[offsets[i]:offsets[stop]]
                if candidate in self.forms:
                    yield offsets[i], offsets[stop], candidate
                    resume = stop
                    break

    def used(self, text, skip):
        """The set of forms that mentions() would yield, found faster: one-word forms by set lookup, and only the
        words that may begin a longer form scanned in order."""
        visible = "\0".join(skip.split(text))  # positions are not needed here, so skipped spans become one NUL
        parts = WORD_SPLIT.split(visible)
        present = self.first_words.intersection(parts[1::2])
        found = present & self.single
        if present - self.single:
            found |= {form for _, _, form in self._scan(visible, parts, present - self.single)}
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
        used = sorted(self.used(markdown, NOT_FOR_TOOLTIPS))
        lines = []
        for form in used:
            entry = self.entries[self.forms[form]]
            definition = " ".join(entry["definition"].split())
            tip = definition if form in (entry["term"], entry["term"][0].lower() + entry["term"][1:]) else f"{entry['term']}: {definition}"
            lines.append(f"*[{form}]: {escape(tip)}")
        # One block each: Python-Markdown re-scans a whole block for every definition in it.
        return "\n" + "\n\n".join(lines) + "\n" if lines else ""
