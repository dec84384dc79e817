"""Text for the overview and health panes: KPI cells with breach marks, source freshness, clipping.

Everything returned is a Rich ``Text`` built from literal strings (``widgets.text.plain``), so
AWS-derived values can never be parsed as markup. Status is never colour alone: every verdict
carries a mark (✓ within target, ▲ past target, ✖ past alert, ? no data) or a status word.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text

from skafu_tui.assess.common import Level
from skafu_tui.assess.health import AVAILABILITY, ERROR_RATE, P95, THROUGHPUT
from skafu_tui.ui.header import STATUS_STYLE, coarse_age, status_text
from widgets.text import plain

if TYPE_CHECKING:
    from skafu_tui.assess.common import KpiReading
    from skafu_tui.assess.freshness import SourceFreshness
    from widgets.text import SafeStatic

MARKS = {Level.OK: "✓", Level.WARN: "▲", Level.FAIL: "✖", Level.UNKNOWN: "?"}
LEVEL_STYLE = {
    Level.OK: STATUS_STYLE["-ok"].replace("bold ", ""),
    Level.WARN: STATUS_STYLE["-warn"],
    Level.FAIL: STATUS_STYLE["-fail"],
    Level.UNKNOWN: "dim",
}
LEGEND = "✓ ok ▲ past target ✖ past alert"

KPI_SHORT = {ERROR_RATE: "err %", P95: "p95 ms", THROUGHPUT: "rps", AVAILABILITY: "avail %"}
"""Column labels: the unit lives in the header so cells stay narrow at 80 columns."""
KPI_WORDS = {ERROR_RATE: "error rate", P95: "p95 latency", THROUGHPUT: "throughput", AVAILABILITY: "availability",
             "db_query_ms": "query latency", "lambda_duration_ms": "max duration"}
KPI_UNIT = {ERROR_RATE: "%", P95: " ms", THROUGHPUT: " rps", AVAILABILITY: "%", "db_query_ms": " ms",
            "lambda_duration_ms": " ms"}

TEXT_CAP = 400
"""AWS strings are cut (visibly) to this many characters before layout: a 100 KB description
must not be measured, wrapped and repainted on every refresh."""


def lead(words: str, style: str = "bold") -> Text:
    """A line starting with ``words`` in ``style``; what is appended keeps its own style (a styled base
    Text would pass its style on to everything appended)."""
    text = Text(end="")
    text.append(words, style=style)
    return text


def mark(level: Level) -> Text:
    return Text(MARKS[level], style=LEVEL_STYLE[level], end="")


def number(kpi: str, value: float | None, *, unit: bool = False) -> str:
    """A KPI value as the tables show it: ``6.90``, ``698``, ``1,121``, ``99.95`` (``—`` without data)."""
    if value is None:
        return "—"
    if kpi in (ERROR_RATE, AVAILABILITY):
        text = f"{value:.2f}"
    elif kpi == THROUGHPUT:
        text = f"{value:,.0f}"
    else:
        text = f"{value:,.0f}"
    return text + (KPI_UNIT.get(kpi, "") if unit else "")


def kpi_cell(reading: KpiReading | None, *, unit: bool = False) -> Text:
    """``6.90 ✖``: the value and its mark, styled by the verdict; ``~`` marks a derived value."""
    if reading is None:
        return Text("— ?", style="dim", end="")
    prefix = "~" if reading.derived else ""
    text = Text(prefix + number(reading.kpi, reading.value, unit=unit) + " ", style=LEVEL_STYLE[reading.status],
                end="")
    text.append_text(mark(reading.status))
    return text


def threshold_words(reading: KpiReading) -> str:
    """``≤ 1% (alert > 2%)`` / ``≥ 1,000 rps (alert < 500)``: what the mark was judged against."""
    unit = KPI_UNIT.get(reading.kpi, reading.unit)
    good, bad = ("≥", "<") if reading.higher_is_better else ("≤", ">")
    return f"{good} {reading.target:,g}{unit} (alert {bad} {reading.alert:,g}{unit})"


def status_cell(status: str) -> Text:
    """``✖ unhealthy``: symbol and word, styled."""
    text = status_text(status, upper=False)
    text.end = ""
    return text


def clip(value: object, limit: int = TEXT_CAP) -> str:
    """An untrusted value as one line of at most ``limit`` characters, cut with a visible ``…``."""
    text = plain(value).plain.replace("\n", " ").replace("\t", " ")
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


def ellipsize(text: Text, width: int) -> Text:
    """``text`` cut to ``width`` cells with a trailing ``…`` (a copy; ``text`` itself is unchanged)."""
    if cell_len(text.plain) <= width:
        return text
    out = text.copy()
    out.truncate(max(1, width), overflow="ellipsis")
    return out


def _waiting(src: SourceFreshness) -> bool:
    """No data yet and no failure either: the first poll has not come back."""
    return not src.has_data and src.status.value in ("pending", "ok")


def freshness_text(title: str, sources: Iterable[SourceFreshness | None], *, others: Sequence[SourceFreshness] = ()
                   ) -> Text:
    """A pane's title line: ``Health · metrics, alarms <1m · cost 2h`` and what is not fresh, in words.

    Fresh sources are grouped by their (coarse) age; sources without data yet are listed once
    (``◌ waiting for rds, s3``); a stale or failed source shows its cause and the age of the data it
    still shows, dimmed. ``others`` are sources outside the pane's list: the first few that are stale
    or failing are named too (the pane's alerts may draw on them), the rest counted.
    """
    line = lead(title)
    fresh: dict[str, list[str]] = {}
    waiting: list[str] = []
    bad: list[SourceFreshness] = []
    seen: set[str] = set()
    for src in sources:
        if src is None:
            continue
        seen.add(src.name)
        if src.ok:
            fresh.setdefault(coarse_age(src.age_s), []).append(src.name)
        elif _waiting(src):
            waiting.append(src.name)
        else:
            bad.append(src)
    outside = [s for s in others if s.name not in seen and not s.ok and not _waiting(s)]
    for age, names in fresh.items():
        line.append(" · ", style="dim")
        line.append(f"{', '.join(names)} {age}")
    if waiting:
        line.append(" · ", style="dim")
        line.append(f"◌ waiting for {', '.join(waiting)}", style="dim")
    for src in bad + outside[:OTHERS_NAMED]:
        line.append(" · ", style="dim")
        symbol = "◌" if src.status.value == "stale" else "✖"
        # The cause names the source and, when data is held, its age ("metrics: stale (14 min old)").
        line.append_text(plain(f"{symbol} {clip(src.cause or src.status.value, 160)}",
                               style="dim" if src.has_data else STATUS_STYLE["-fail"]))
    if len(outside) > OTHERS_NAMED:
        line.append(f" · +{len(outside) - OTHERS_NAMED} more not fresh (s: sources)", style="dim")
    return line


OTHERS_NAMED = 2
"""How many not-fresh sources outside a pane's own list its title names before counting the rest."""


def set_text(widget: SafeStatic, text: Text) -> bool:
    """Update ``widget`` only when the text or its styles differ from what it shows (a poll that
    changes nothing must not repaint or re-lay-out anything). Returns whether it updated."""
    key = (text.plain, str(text.style), tuple((s.start, s.end, str(s.style)) for s in text.spans))
    if getattr(widget, "_skafu_shown", None) == key:
        return False
    widget._skafu_shown = key  # type: ignore[attr-defined]
    widget.update(text)
    return True


def join_clipped(items: Sequence[str], limit: int = TEXT_CAP) -> str:
    """Items joined with ``; `` and clipped as a whole."""
    return clip("; ".join(items), limit)
