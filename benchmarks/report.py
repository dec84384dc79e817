"""The results as a Markdown table and as JSON."""

from __future__ import annotations

import math
from typing import Any

from benchmarks.stats import Figure, Row, SectionResult


def _num(value: float) -> str:
    if not math.isfinite(value):
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def _fig(f: Figure | None) -> str:
    if f is None or not f.ok:
        return "—"
    if f.n == 1:
        return _num(f.median)
    return f"{_num(f.median)} ({_num(f.min)}-{_num(f.max)})"


def _ratio(f: Figure | None) -> str:
    if f is None or not f.ok:
        return "—"
    if f.n == 1:
        return f"{f.median:.2f}x"
    return f"{f.median:.2f}x ({f.min:.2f}-{f.max:.2f})"


def _verdict(row: Row) -> str:
    met = row.met
    if row.target is None:
        return ""
    shown = ""
    if row.target.on_ratio and row.ratio is not None:
        shown = f"{row.ratio.median:.2f}x"
    elif row.judged_value is not None:
        shown = _num(row.judged_value)
    elif row.figure.ok:
        shown = _num(row.figure.median)
    word = "met" if met else ("not met" if met is False else "no figure")
    return f"{row.target.text}: **{word}** ({shown})"


def markdown(sections: list[SectionResult], header: dict[str, Any]) -> str:
    lines = [
        "# skafu-tui benchmarks",
        "",
        f"Run {header['started']} on {header['cpus']} CPUs, load average {header['load_before']} before, "
        f"{header['load_after']} after; {header['seconds']:.0f} s in all"
        + (" (quick smoke run: one repetition, short windows)" if header.get("quick") else "") + ".",
        "Figures: median (min-max) of n runs; ratios are app/baseline per pair measured back to back.",
        "",
        "| Measure | n | Median (min-max) | Baseline | Ratio | Target | Note |",
        "|---|---|---|---|---|---|---|",
    ]
    for section in sections:
        lines.append(f"| **{section.title}** ({section.seconds:.0f} s) | | | | | | |")
        for row in section.rows:
            note = row.note.replace("|", "/").replace("\n", " ")
            lines.append(
                f"| {row.name} | {row.figure.n} | {_fig(row.figure)} | {_fig(row.baseline)} | {_ratio(row.ratio)} "
                f"| {_verdict(row)} | {note} |"
            )
        for error in section.errors:
            lines.append(f"| ⚠ {error} | | | | | | |")
    met = [r for s in sections for r in s.rows if r.target is not None]
    ok = sum(1 for r in met if r.met)
    lines += ["", f"Targets met: {ok} of {len(met)}."]
    return "\n".join(lines) + "\n"


def to_json(sections: list[SectionResult], header: dict[str, Any]) -> dict[str, Any]:
    return {
        **header,
        "sections": [
            {"name": s.name, "title": s.title, "seconds": s.seconds, "errors": s.errors,
             "rows": [r.to_json() for r in s.rows], "details": s.details}
            for s in sections
        ],
    }
