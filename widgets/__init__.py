"""A small generic Textual widget kit: literal text, status badges, freshness labels, keyed tables, threshold
gauges and plotext plots. It knows nothing of Skafu or AWS (import-linter keeps it that way)."""

from widgets.ansi import ansi_to_content
from widgets.gauge import ThresholdGauge, gauge_status
from widgets.keyed_table import Cell, ColumnSpec, KeyedTable, TableChanges
from widgets.plot import Marker, PlotextPlot, Threshold
from widgets.series import SeriesData, downsample, time_ticks
from widgets.status import (
    STATUS_LEVELS,
    FreshnessLabel,
    StatusBadge,
    StatusLevel,
    format_age,
    format_countdown,
    status_level,
)
from widgets.text import SafeLabel, SafeStatic, inert, literal, one_line, plain

__all__ = [
    "STATUS_LEVELS",
    "Cell",
    "ColumnSpec",
    "FreshnessLabel",
    "KeyedTable",
    "Marker",
    "PlotextPlot",
    "SafeLabel",
    "SafeStatic",
    "SeriesData",
    "StatusBadge",
    "StatusLevel",
    "TableChanges",
    "Threshold",
    "ThresholdGauge",
    "ansi_to_content",
    "downsample",
    "format_age",
    "format_countdown",
    "gauge_status",
    "inert",
    "literal",
    "one_line",
    "plain",
    "status_level",
    "time_ticks",
]
