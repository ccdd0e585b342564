"""Glossary terms in running text: the first mention on a page links to the term, later ones show its definition
on hover. Looked up word by word in a dictionary, so the cost grows with the text, not with the glossary."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

WORD = re.compile(r"[\w-]+")


def forms_of(entry: dict) -> set:
    """How a glossary entry may be written in text: its term (with a lower-case first letter too) and its
    abbreviation of two or more characters."""
    term = entry["term"]
    forms = {term, term[0].lower() + term[1:]}
    if entry.get("abbreviation") and len(entry["abbreviation"]) > 1:
        forms.add(entry["abbreviation"])
    return forms


class Glossary:
    """The review's glossary, ready to mark up text."""

    def __init__(self, entries: dict):
        """entries: {id: entry}."""
        self.entries = entries
        owners: dict[str, set[str]] = {}
        for gid, entry in sorted(entries.items()):
            for form in forms_of(entry):
                owners.setdefault(form, set()).add(gid)
        self.forms = {form: ids.pop() for form, ids in owners.items() if len(ids) == 1}  # ambiguous forms: none
        self.starting: dict[str, list[str]] = {}  # first word -> forms that begin with it, longest first
        for form in sorted(self.forms, key=lambda f: (-len(f), f)):
            words = WORD.findall(form)
            if words and WORD.fullmatch(form[0]) and WORD.fullmatch(form[-1]):
                self.starting.setdefault(words[0], []).append(form)

    def tip(self, form: str) -> str:
        """The hover text of a form: the definition, after the full term when the form is an abbreviation."""
        entry = self.entries[self.forms[form]]
        definition = " ".join(entry["definition"].split())
        return (
            definition
            if form in (entry["term"], entry["term"][0].lower() + entry["term"][1:])
            else f"{entry['term']}: {definition}"
        )

    def mentions(self, text: str):
        """Yield (start, end, form) for each glossary form in text, as whole words, longest first, left to right."""
        resume = 0
        for match in WORD.finditer(text):
            if match.start() < resume:
                continue
            for form in self.starting.get(match.group(0), ()):
                end = match.start() + len(form)
                if text.startswith(form, match.start()) and (end == len(text) or not WORD.match(text[end])):
                    yield match.start(), end, form
                    resume = end
                    break

    def mark(self, text: str, linked: set, href: Callable[[str], str]) -> str:
        """HTML of a run of plain text with its glossary terms marked: a link for the first mention of each term
        on the page (ids in `linked` are taken; new ones are added), a tooltip for the others. href(id) is the
        address of a term from the page being rendered."""
        out, position = [], 0
        for start, end, form in self.mentions(text):
            gid, tip = self.forms[form], html.escape(self.tip(form))
            out.append(html.escape(text[position:start], quote=False))
            if gid in linked:
                out.append(f'<abbr title="{tip}">{html.escape(form, quote=False)}</abbr>')
            else:
                linked.add(gid)
                out.append(
                    f'<a class="glossary-term" href="{html.escape(href(gid))}" title="{tip}">{html.escape(form, quote=False)}</a>'
                )
            position = end
        out.append(html.escape(text[position:], quote=False))
        return "".join(out)
