"""Forest plots drawn at build time: each trial's estimate and confidence interval, a pooled diamond where trials
are pooled, and a line for a trial that reports the outcome without an estimate, as a standalone SVG.

The picture is a convenience beside a table of the same numbers (the page prints both), so it is drawn plainly:
black on white, no colour that carries meaning, a text alternative, and every number written beside its line.
An estimate the review computed (from group data the source gives) is marked with an asterisk and said so in the
table; a within-group measure (a change from baseline in one group) is drawn with no "favours" side, because it
compares nothing with a control.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

from ..model.outcomes import MEASURES

WIDTH, ROW, TOP, BOTTOM = 880, 30, 40, 50
LABEL_W, PLOT_W = 370, 280  # label column, plot area; the numbers take the rest


@dataclass(frozen=True)
class Line:
    """One line of a plot: a trial's estimate (value, low and high as shown, None when it reports none), or the
    pooled estimate (`pooled`). `computed` says what the review computed; `note` stands in for a missing one."""

    label: str
    study: str
    measure: str
    value: str | None
    low: str | None
    high: str | None
    level: int | None
    comparison: str
    outcome: str
    timepoint: str | None
    favours: str
    computed: str = ""
    note: str = ""
    pooled: bool = False

    @property
    def drawn(self) -> bool:
        return self.value is not None and self.low is not None and self.high is not None


def number(x: float) -> str:
    """A computed number as the pages show it: three significant figures, no trailing zeros."""
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:.0f}"


def svg(measure: str, lines: list[Line], title: str) -> str:
    """The plot as an SVG document."""
    m = MEASURES[measure]
    drawn = [e for e in lines if e.drawn]
    values = [float(x) for e in drawn for x in (e.value, e.low, e.high) if x is not None]
    none = m.null
    scale = math.log10 if m.ratio else (lambda x: x)
    low, high = min([*values, none]), max([*values, none])
    if m.ratio:
        lo, hi = scale(low) - 0.1, scale(high) + 0.1
    else:
        pad = (high - low) * 0.08 or 1
        lo, hi = low - pad, high + pad

    def x(v: float) -> float:
        return round(LABEL_W + (scale(v) - lo) / (hi - lo) * PLOT_W, 2)

    height = TOP + ROW * len(lines) + BOTTOM
    desc = "; ".join(
        f"{e.label}: {m.name.lower()} {e.value} ({e.level or ''}{'% ' if e.level else ''}CI {e.low} to {e.high})"
        + (" computed by this review" if e.computed else "")
        if e.drawn
        else f"{e.label}: no estimate ({e.note})"
        for e in lines
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="img" aria-labelledby="t d" font-family="sans-serif" font-size="13">',
        f'<title id="t">{escape(title)}</title>',
        f'<desc id="d">{escape(desc)}</desc>',
        '<rect width="100%" height="100%" fill="#fff"/>',
        f'<text x="0" y="20" font-weight="bold">Study</text><text x="{LABEL_W + PLOT_W / 2}" y="20" '
        f'text-anchor="middle" font-weight="bold">{escape(m.name)} (CI)</text>',
    ]
    zero = x(none)
    out.append(
        f'<line x1="{zero}" y1="{TOP - 8}" x2="{zero}" y2="{TOP + ROW * len(lines)}" stroke="#000" stroke-dasharray="4 3"/>'
    )
    for i, e in enumerate(lines):
        y = TOP + ROW * i + ROW / 2
        weight = ' font-weight="bold"' if e.pooled else ""
        shown = e.label if len(e.label) <= 54 else e.label[:53].rstrip() + "…"  # the table beside it has it whole
        out.append(f'<text x="0" y="{y + 4}"{weight}>{escape(shown)}</text>')
        if not e.drawn:
            out.append(f'<text x="{LABEL_W + 6}" y="{y + 4}" font-style="italic">No estimate reported (see the table)</text>')
            continue
        a, b, v = x(float(e.low or 0)), x(float(e.high or 0)), x(float(e.value or 0))
        if e.pooled:
            out.append(f'<polygon points="{a},{y} {v},{y - 7} {b},{y} {v},{y + 7}" fill="#000"/>')
        else:
            out += [
                f'<line x1="{a}" y1="{y}" x2="{b}" y2="{y}" stroke="#000" stroke-width="1.5"/>',
                f'<rect x="{v - 5}" y="{y - 5}" width="10" height="10" fill="#000"/>',
            ]
        level = f"{e.level}% " if e.level else ""
        star = "*" if e.computed else ""
        out.append(
            f'<text x="{LABEL_W + PLOT_W + 12}" y="{y + 4}"{weight}>{escape(e.value or "")} ({escape(level)}{escape(e.low or "")} '
            f"to {escape(e.high or '')}){star}</text>"
        )
    axis = TOP + ROW * len(lines) + 8
    out.append(f'<line x1="{LABEL_W}" y1="{axis}" x2="{LABEL_W + PLOT_W}" y2="{axis}" stroke="#000"/>')
    for tick in _ticks(lo, hi, m.ratio):
        t = x(tick)
        out.append(
            f'<line x1="{t}" y1="{axis}" x2="{t}" y2="{axis + 5}" stroke="#000"/>'
            f'<text x="{t}" y="{axis + 18}" text-anchor="middle">{tick:g}</text>'
        )
    if m.within_group:
        out.append(
            f'<text x="{LABEL_W}" y="{axis + 36}" font-size="12">Change within one group: no comparator, no side is favoured</text>'
        )
    else:
        favours = lines[0].favours
        left, right = (
            ("Favours comparator", "Favours psychedelic")
            if favours == "higher"
            else ("Favours psychedelic", "Favours comparator")
        )
        out.append(
            f'<text x="{LABEL_W}" y="{axis + 36}" font-size="12">{left}</text>'
            f'<text x="{LABEL_W + PLOT_W}" y="{axis + 36}" text-anchor="end" font-size="12">{right}</text>'
        )
    if any(e.computed for e in lines):
        out.append(f'<text x="0" y="{axis + 36}" font-size="12">* computed by this review</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _ticks(lo: float, hi: float, ratio: bool) -> list[float]:
    """A few round ticks inside the axis."""
    if ratio:
        candidates = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]
        return [t for t in candidates if lo <= math.log10(t) <= hi]
    step = 10 ** math.floor(math.log10((hi - lo) / 4 or 1))
    for m in (1, 2, 5, 10):
        if (hi - lo) / (step * m) <= 6:
            step *= m
            break
    first = math.ceil(lo / step) * step
    return [round(first + i * step, 10) for i in range(int((hi - first) / step) + 1)]
