"""Server-rendered SVG charts a spokesperson can paste into a slide.

Each chart is a standalone SVG document (``xmlns``, sizes, colours as presentation attributes, no CSS or
script needed), so the same markup is inlined in a page (our CSP allows it) and downloaded as ``.svg``.
Accessible: ``role="img"`` with ``<title>`` and ``<desc>`` (the numbers in words), and every bar or point
has its own ``<title>`` tooltip.
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

from babel.numbers import format_decimal
from flask_babel import get_locale
from markupsafe import Markup, escape

FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
COLOURS = {"primary": "#1d4ed8", "secondary": "#94a3b8", "accent": "#f59e0b", "positive": "#15803d",
           "neutral": "#94a3b8", "negative": "#b91c1c", "grid": "#e2e8f0", "text": "#0f172a", "muted": "#475569"}
_ids = itertools.count(1)


def percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def integer(value: float) -> str:
    """A whole number grouped the reader's way (1.234 in Vietnamese, 1,234 in English)."""
    return format_decimal(int(round(value)), locale=str(get_locale() or "vi"))


def _truncate(text: str, limit: int) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def unique_labels(labels: Sequence[str], limit: int) -> list[str]:
    """Labels that fit ``limit`` characters and stay told apart: a long name keeps its beginning and its
    end ("Trung tâm Truyền thông và… TP Hạ Long"), since outlets of one kind share the first words and
    differ in the place at the end; names still alike get a number. The full name is each bar's tooltip."""
    short = [_middle(str(label), limit) for label in labels]
    seen: dict[str, int] = {}
    for text in short:
        seen[text] = seen.get(text, 0) + 1
    numbered: dict[str, int] = {}
    out = []
    for text in short:
        if seen[text] > 1:
            numbered[text] = numbered.get(text, 0) + 1
            text = f"{_middle(text, limit - 4)} ({numbered[text]})"
        out.append(text)
    return out


def _middle(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    tail = max(6, limit * 2 // 5)
    return text[: limit - tail - 1].rstrip() + "…" + text[-tail:].lstrip()


NARROW = 360  # a phone's width: charts drawn for it, not shrunk to it
FONT_SIZE = 13


def _title_lines(title: str, width: int) -> list[str]:
    """The chart's title, wrapped to the width (about 8.5 px a character at 15 px bold)."""
    per_line = max(20, int((width - 24) / 8.5))
    lines, line = [], ""
    for word in str(title).split():
        if line and len(line) + 1 + len(word) > per_line:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def title_height(title: str, width: int) -> int:
    return 12 + 19 * max(1, len(_title_lines(title, width)))


def _open(width: int, height: int, title: str, desc: str, css: str) -> tuple[str, list[str]]:
    uid = f"chart{next(_ids)}"
    css_class = f"{css} chart--narrow" if width <= NARROW else css
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {escape(css_class)}" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{uid}-t {uid}-d" '
             f'font-family="{FONT}" font-size="{FONT_SIZE}">',
             f'<title id="{uid}-t">{escape(title)}</title>', f'<desc id="{uid}-d">{escape(desc)}</desc>',
             f'<rect width="{width}" height="{height}" fill="#ffffff"/>']
    for index, line in enumerate(_title_lines(title, width)):
        parts.append(f'<text x="12" y="{22 + 19 * index}" font-size="15" font-weight="bold" '
                     f'fill="{COLOURS["text"]}">{escape(line)}</text>')
    return uid, parts


def responsive(render: Callable[[int], Markup]) -> Markup:
    """A chart for the page: drawn at full width for a desktop and again at a phone's width, the page
    showing the one that fits (reports.css), so a phone never shrinks 12 px type to 6 px or scrolls
    sideways. Downloads and PDFs take the full-width drawing alone."""
    return Markup('<div class="chart-pair">') + render(720) + render(NARROW) + Markup("</div>")


def _nice_max(value: float) -> float:
    """The axis top for counts: four equal grid steps of a round size (1, 2, 2.5 or 5 × 10^k), so every
    grid line falls on a whole number (0, 1, 2, 3, 4 rather than 0, 1.25, 2.5...)."""
    if value <= 0:
        return 4
    quarter = value / 4
    magnitude = 10 ** math.floor(math.log10(quarter)) if quarter >= 1 else 1
    for step in (1, 2, 2.5, 5, 10):
        if step == 2.5 and magnitude == 1:  # 2.5 is whole only from 10 up
            continue
        if quarter <= step * magnitude:
            return 4 * int(step * magnitude)
    return 4 * 10 * magnitude


def _grid(left: int, top: int, plot_w: int, plot_h: int, top_value: float,
          fmt: Callable[[float], str]) -> list[str]:
    """Five horizontal grid lines (0 to ``top_value``) with their values on the left axis."""
    lines = []
    for step in range(5):
        value = top_value * step / 4
        y = top + plot_h - plot_h * step / 4
        lines.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{COLOURS["grid"]}"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{COLOURS["muted"]}">'
                     f'{escape(fmt(value))}</text>')
    return lines


def _legend(entries: Sequence[tuple[str, str]], *, left: int, top: int, width: int) -> tuple[list[str], int]:
    """Colour swatches with the series' names, wrapped onto more lines when the chart is narrow; returns
    the markup and the height it takes."""
    parts, x, y = [], left, top
    for name, colour in entries:
        entry_w = 16 + int(len(str(name)) * 7.2) + 18
        if x > left and x + entry_w > width - 8:
            x, y = left, y + 18
        parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{COLOURS[colour]}"/>'
                     f'<text x="{x + 16}" y="{y + 10}" fill="{COLOURS["text"]}">{escape(name)}</text>')
        x += entry_w
    return parts, (y - top) + 22 if entries else 0


def _partial_note(note: str, *, x: int, y: int) -> str:
    return f'<text x="{x}" y="{y}" font-size="12" fill="{COLOURS["muted"]}">{escape(note)}</text>'


def _axis_label(x: float, y: float, label: str, marked: bool) -> str:
    """A column's name under the axis, starred when its period is not whole."""
    return (f'<text x="{x:.1f}" y="{y}" text-anchor="middle" fill="{COLOURS["muted"]}">'
            f'{escape(label)}{"*" if marked else ""}</text>')


def _close(parts: list[str], *, note: str | None = None, x: int = 0, height: int = 0) -> Markup:
    """The finished chart, with the note on months not whole at its foot when there is one."""
    if note:
        parts.append(_partial_note(note, x=x, y=height - 10))
    parts.append("</svg>")
    return Markup("".join(parts))


def _x_label_every(count: int, width: int) -> int:
    """Every how many columns a label is written so they do not overlap (about 62 px each)."""
    room = max(1, (width - 90) // 62)
    return max(1, math.ceil(count / room))


def bar_chart(rows: Sequence[tuple[str, float]], *, title: str, desc: str = "",
              fmt: Callable[[float], str] = integer, max_value: float | None = None, width: int = 720,
              colour: str = "primary") -> Markup:
    """Horizontal bars, one per row (label, value). Wide: the name left of its bar; narrow: the name
    above a full-width bar. Names too long are shortened so that no two read the same."""
    rows = list(rows)
    narrow = width <= NARROW
    top = title_height(title, width) + 8
    label_w = 0 if narrow else 270
    bar_h, gap = (16, 26) if narrow else (20, 8)
    height = top + max(1, len(rows)) * (bar_h + gap) + 12
    top_value = max_value if max_value is not None else _nice_max(max((v for _, v in rows), default=0))
    plot_w = width - label_w - (64 if narrow else 70) - (12 if narrow else 0)
    left = 12 if narrow else label_w
    desc = desc or "; ".join(f"{label}: {fmt(value)}" for label, value in rows)
    labels = unique_labels([label for label, _ in rows], int((width - 24) / 7.2) if narrow else 34)
    _uid, parts = _open(width, height, title, desc, "chart--bar")
    if not rows:
        parts.append(f'<text x="12" y="{top + 14}" fill="{COLOURS["muted"]}">—</text>')
    for index, ((label, value), short) in enumerate(zip(rows, labels, strict=True)):
        y = top + index * (bar_h + gap) + (gap - 8 if narrow else 0)
        w = 0 if top_value <= 0 else max(0.0, min(1.0, value / top_value)) * plot_w
        name = (f'<text x="12" y="{y - 5}" fill="{COLOURS["text"]}">{escape(short)}</text>' if narrow else
                f'<text x="{label_w - 8}" y="{y + 14}" text-anchor="end" fill="{COLOURS["text"]}">'
                f'{escape(short)}</text>')
        parts.append(f'<g class="chart__bar"><title>{escape(label)}: {escape(fmt(value))}</title>{name}'
                     f'<rect x="{left}" y="{y}" width="{plot_w}" height="{bar_h}" fill="{COLOURS["grid"]}"/>'
                     f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{COLOURS[colour]}"/>'
                     f'<text x="{left + plot_w + 6}" y="{y + bar_h - 4}" fill="{COLOURS["text"]}">'
                     f'{escape(fmt(value))}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _frame(title: str, legend: Sequence[tuple[str, str]], width: int, height: int,
           partial_note: str | None) -> tuple[int, int, int, int, list[str]]:
    """(left, top, plot width, plot height, legend markup) of a chart with axes."""
    left, right = (44, 14) if width <= NARROW else (56, 32)
    head = title_height(title, width)
    legend_parts, legend_h = _legend(legend, left=left, top=head, width=width)
    top = head + legend_h + 8
    bottom = 40 + (18 if partial_note else 0)
    return left, top, width - left - right, height - top - bottom, legend_parts


def line_chart(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float], str]], *, title: str,
               desc: str = "", fmt: Callable[[float], str] = integer, max_value: float | None = None,
               width: int = 720, height: int = 300, partial: Sequence[int] = (),
               partial_note: str | None = None) -> Markup:
    """One line per series (name, values, colour key) over the labels (months), with a legend. Columns in
    ``partial`` (a month not over, or cut by the period) are drawn dashed and hollow with ``partial_note``
    below, so a month half gone never reads as a collapse."""
    labels = list(labels)
    partial = set(partial) if partial_note else set()
    left, top, plot_w, plot_h, legend = _frame(title, [(n, c) for n, _, c in series], width, height, partial_note)
    values = [v for _, vals, _ in series for v in vals]
    top_value = max_value if max_value is not None else _nice_max(max(values, default=0))
    desc = desc or "; ".join(f"{name}: " + ", ".join(f"{lab} {fmt(v)}" for lab, v in zip(labels, vals, strict=False))
                             for name, vals, _ in series)
    _uid, parts = _open(width, height, title, desc, "chart--line")
    parts.extend(legend)
    parts.extend(_grid(left, top, plot_w, plot_h, top_value, fmt))
    count = max(1, len(labels))
    step_x = plot_w / max(1, count - 1) if count > 1 else 0
    every = _x_label_every(count, width)

    def x_of(index: int) -> float:
        return left + (index * step_x if count > 1 else plot_w / 2)

    for index, label in enumerate(labels):
        if index % every == 0:
            parts.append(_axis_label(x_of(index), top + plot_h + 18, label, index in partial))
    for name, vals, colour in series:
        points = [(x_of(index), top + plot_h - (0 if top_value <= 0 else min(1.0, value / top_value)) * plot_h,
                   value, labels[index] if index < len(labels) else "", index in partial)
                  for index, value in enumerate(vals)]
        for (x1, y1, _, _, p1), (x2, y2, _, _, p2) in itertools.pairwise(points):
            dash = ' stroke-dasharray="5 4"' if p1 or p2 else ""
            parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                         f'stroke="{COLOURS[colour]}" stroke-width="2.5"{dash}/>')
        for x, y, value, label, is_partial in points:
            fill = "#ffffff" if is_partial else COLOURS[colour]
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{fill}" stroke="{COLOURS[colour]}">'
                         f'<title>{escape(name)} {escape(label)}: {escape(fmt(value))}</title></circle>')
    return _close(parts, note=partial_note if partial else None, x=left, height=height)


def stacked_bars(labels: Sequence[str], segments: Sequence[tuple[str, Sequence[float], str]], *, title: str,
                 desc: str = "", width: int = 720, height: int = 300,
                 fmt: Callable[[float], str] = integer, partial: Sequence[int] = (),
                 partial_note: str | None = None) -> Markup:
    """Vertical columns (one per label), each stacked from the segments (name, values, colour key);
    columns in ``partial`` are drawn hatched-light with ``partial_note`` below (see ``line_chart``)."""
    labels = list(labels)
    partial = set(partial) if partial_note else set()
    left, top, plot_w, plot_h, legend = _frame(title, [(n, c) for n, _, c in segments], width, height, partial_note)
    sums = [sum(seg[1][i] for seg in segments) for i in range(len(labels))]
    top_value = _nice_max(max(sums, default=0))
    desc = desc or "; ".join(f"{lab}: " + ", ".join(f"{name} {fmt(vals[i])}" for name, vals, _ in segments)
                             for i, lab in enumerate(labels))
    _uid, parts = _open(width, height, title, desc, "chart--stacked")
    parts.extend(legend)
    parts.extend(_grid(left, top, plot_w, plot_h, top_value, fmt))
    count = max(1, len(labels))
    slot = plot_w / count
    bar_w = max(4.0, slot * 0.7)
    every = _x_label_every(count, width)
    for index, label in enumerate(labels):
        x = left + index * slot + (slot - bar_w) / 2
        base = top + plot_h
        faded = ' fill-opacity="0.45"' if index in partial else ""
        for name, vals, colour in segments:
            value = vals[index]
            h = 0 if top_value <= 0 else value / top_value * plot_h
            if h > 0:
                base -= h
                parts.append(f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                             f'fill="{COLOURS[colour]}"{faded}><title>{escape(label)} – {escape(name)}: '
                             f'{escape(fmt(value))}</title></rect>')
        if index in partial:
            parts.append(f'<rect x="{x:.1f}" y="{top:.1f}" width="{bar_w:.1f}" height="{plot_h:.1f}" fill="none" '
                         f'stroke="{COLOURS["muted"]}" stroke-dasharray="4 3"/>')
        if index % every == 0:
            parts.append(_axis_label(x + bar_w / 2, top + plot_h + 18, label, index in partial))
    return _close(parts, note=partial_note if partial else None, x=left, height=height)


def standalone(svg: Markup) -> bytes:
    """The chart as an .svg file."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + str(svg)).encode("utf-8")
