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


def _open(width: int, height: int, title: str, desc: str, css: str) -> tuple[str, list[str]]:
    uid = f"chart{next(_ids)}"
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {escape(css)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{uid}-t {uid}-d" '
             f'font-family="{FONT}" font-size="12">',
             f'<title id="{uid}-t">{escape(title)}</title>', f'<desc id="{uid}-d">{escape(desc)}</desc>',
             f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
             f'<text x="12" y="22" font-size="15" font-weight="bold" fill="{COLOURS["text"]}">{escape(title)}</text>']
    return uid, parts


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


def _legend_entry(x: int, name: str, colour: str) -> str:
    """A colour swatch and the series' name, at the top of the chart."""
    return (f'<rect x="{x}" y="32" width="12" height="12" fill="{COLOURS[colour]}"/>'
            f'<text x="{x + 16}" y="42" fill="{COLOURS["text"]}">{escape(name)}</text>')


def bar_chart(rows: Sequence[tuple[str, float]], *, title: str, desc: str = "",
              fmt: Callable[[float], str] = integer, max_value: float | None = None, width: int = 720,
              colour: str = "primary") -> Markup:
    """Horizontal bars, one per row (label, value): long outlet names fit."""
    rows = list(rows)
    bar_h, gap, top, label_w = 20, 8, 40, 260
    height = top + max(1, len(rows)) * (bar_h + gap) + 16
    top_value = max_value if max_value is not None else _nice_max(max((v for _, v in rows), default=0))
    plot_w = width - label_w - 70
    desc = desc or "; ".join(f"{label}: {fmt(value)}" for label, value in rows)
    _uid, parts = _open(width, height, title, desc, "chart--bar")
    if not rows:
        parts.append(f'<text x="12" y="{top + 14}" fill="{COLOURS["muted"]}">—</text>')
    for index, (label, value) in enumerate(rows):
        y = top + index * (bar_h + gap)
        w = 0 if top_value <= 0 else max(0.0, min(1.0, value / top_value)) * plot_w
        parts.append(f'<g class="chart__bar"><title>{escape(label)}: {escape(fmt(value))}</title>'
                     f'<text x="{label_w - 8}" y="{y + 14}" text-anchor="end" fill="{COLOURS["text"]}">'
                     f'{escape(_truncate(label, 38))}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{plot_w}" height="{bar_h}" fill="{COLOURS["grid"]}"/>'
                     f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{COLOURS[colour]}"/>'
                     f'<text x="{label_w + plot_w + 6}" y="{y + 14}" fill="{COLOURS["text"]}">{escape(fmt(value))}'
                     f'</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float], str]], *, title: str,
               desc: str = "", fmt: Callable[[float], str] = integer, max_value: float | None = None,
               width: int = 720, height: int = 300) -> Markup:
    """One line per series (name, values, colour key) over the labels (months), with a legend."""
    labels = list(labels)
    left, right, top, bottom = 56, 32, 56, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _, vals, _ in series for v in vals]
    top_value = max_value if max_value is not None else _nice_max(max(values, default=0))
    desc = desc or "; ".join(f"{name}: " + ", ".join(f"{lab} {fmt(v)}" for lab, v in zip(labels, vals, strict=False))
                             for name, vals, _ in series)
    _uid, parts = _open(width, height, title, desc, "chart--line")
    parts.extend(_grid(left, top, plot_w, plot_h, top_value, fmt))
    count = max(1, len(labels))
    step_x = plot_w / max(1, count - 1) if count > 1 else 0
    every = max(1, count // 12)
    for index, label in enumerate(labels):
        x = left + (index * step_x if count > 1 else plot_w / 2)
        if index % every == 0:
            parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 18}" text-anchor="middle" '
                         f'fill="{COLOURS["muted"]}">{escape(label)}</text>')
    for s_index, (name, vals, colour) in enumerate(series):
        points = []
        for index, value in enumerate(vals):
            x = left + (index * step_x if count > 1 else plot_w / 2)
            y = top + plot_h - (0 if top_value <= 0 else min(1.0, value / top_value)) * plot_h
            points.append((x, y, value, labels[index] if index < len(labels) else ""))
        if points:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{COLOURS[colour]}" stroke-width="2.5"/>')
        for x, y, value, label in points:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{COLOURS[colour]}">'
                         f'<title>{escape(name)} {escape(label)}: {escape(fmt(value))}</title></circle>')
        parts.append(_legend_entry(left + s_index * 170, name, colour))
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked_bars(labels: Sequence[str], segments: Sequence[tuple[str, Sequence[float], str]], *, title: str,
                 desc: str = "", width: int = 720, height: int = 300,
                 fmt: Callable[[float], str] = integer) -> Markup:
    """Vertical columns (one per label), each stacked from the segments (name, values, colour key)."""
    labels = list(labels)
    left, right, top, bottom = 56, 32, 56, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    sums = [sum(seg[1][i] for seg in segments) for i in range(len(labels))]
    top_value = _nice_max(max(sums, default=0))
    desc = desc or "; ".join(f"{lab}: " + ", ".join(f"{name} {fmt(vals[i])}" for name, vals, _ in segments)
                             for i, lab in enumerate(labels))
    _uid, parts = _open(width, height, title, desc, "chart--stacked")
    parts.extend(_grid(left, top, plot_w, plot_h, top_value, fmt))
    count = max(1, len(labels))
    slot = plot_w / count
    bar_w = max(4.0, slot * 0.7)
    every = max(1, count // 12)
    for index, label in enumerate(labels):
        x = left + index * slot + (slot - bar_w) / 2
        base = top + plot_h
        for name, vals, colour in segments:
            value = vals[index]
            h = 0 if top_value <= 0 else value / top_value * plot_h
            if h > 0:
                base -= h
                parts.append(f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                             f'fill="{COLOURS[colour]}"><title>{escape(label)} – {escape(name)}: '
                             f'{escape(fmt(value))}</title></rect>')
        if index % every == 0:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 18}" text-anchor="middle" '
                         f'fill="{COLOURS["muted"]}">{escape(label)}</text>')
    for s_index, (name, _vals, colour) in enumerate(segments):
        parts.append(_legend_entry(left + s_index * 140, name, colour))
    parts.append("</svg>")
    return Markup("".join(parts))


def standalone(svg: Markup) -> bytes:
    """The chart as an .svg file."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + str(svg)).encode("utf-8")
