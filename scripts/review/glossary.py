"""Glossary mentions in linear time: link a term's first mention on a page, and list tooltips for the terms a page uses."""

import re

from .links import relative

TOKEN = re.compile(r"[\w-]+")
# Never link inside links, code, HTML, entities, attribute lists, headings or admonition titles.
NOT_FOR_LINKS = re.compile(r"\[[^\]]*\]\([^)]*\)(?:\{[^}]*\})?|`[^`]*`|<[^>]*>|&\w+;|\{[^}]*\}|^#{1,6} .*$|^!!! .*$", re.M)
# Tooltips also apply to link text, so only addresses, code, HTML and attribute lists are skipped.
NOT_FOR_TOOLTIPS = re.compile(r"\]\([^)]*\)|`[^`]*`|<[^>]*>|&\w+;|\{[^}]*\}|^---$.*?^---$", re.M | re.S)


def glossary_forms(glossary):
    """{surface form: glossary id} for every unambiguous abbreviation (two or more characters) and term."""
    owners = {}
    for gid, entry in sorted(glossary.items()):
        term = entry["term"]
        forms = {term, term[0].lower() + term[1:]}
        if entry.get("abbreviation") and len(entry["abbreviation"]) > 1:
            forms.add(entry["abbreviation"])
        for form in forms:
            owners.setdefault(form, set()).add(gid)
    return {form: ids.pop() for form, ids in owners.items() if len(ids) == 1}


class Glossary:
    """Finds glossary forms in text with a dictionary lookup per word run, so cost grows with the text, not the glossary."""

    def __init__(self, entries, glossary_page):
        """Index the unambiguous forms of the entries; glossary_page maps an id to its page path with anchor."""
        self.entries, self.page_of = entries, glossary_page
        self.forms = glossary_forms(entries)
        self.longest = max((len(TOKEN.findall(form)) for form in self.forms), default=0)
        self.first_words = {TOKEN.findall(form)[0] for form in self.forms if TOKEN.search(form)}

    def mentions(self, text, skip):
        """Yield (start, end, form) for each glossary form outside the skipped spans, longest match first."""
        position = 0
        for protected in [*skip.finditer(text), None]:
            end = protected.start() if protected else len(text)
            yield from self._scan(text, position, end)
            if protected:
                position = protected.end()

    def _scan(self, text, start, end):
        """Mentions within text[start:end]; only words that begin some form are looked at further."""
        words = [(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text, start, end)]
        count, i = len(words), 0
        while i < count:
            if words[i][0] in self.first_words:
                for n in range(min(self.longest, count - i), 0, -1):
                    candidate = text[words[i][1]:words[i + n - 1][2]]
                    if candidate in self.forms:
                        yield words[i][1], words[i + n - 1][2], candidate
                        i += n - 1
                        break
            i += 1

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
        used = sorted({form for _, _, form in self.mentions(markdown, NOT_FOR_TOOLTIPS)})
        lines = []
        for form in used:
            entry = self.entries[self.forms[form]]
            definition = " ".join(entry["definition"].split())
            tip = definition if form in (entry["term"], entry["term"][0].lower() + entry["term"][1:]) else f"{entry['term']}: {definition}"
            lines.append(f"*[{form}]: {escape(tip)}")
        # One block each: Python-Markdown re-scans a whole block for every definition in it.
        return "\n" + "\n\n".join(lines) + "\n" if lines else ""
