"""The metric-math subset of GetMetricData that skafu-tui uses.

Supported: numbers, query ids (metric or other expression), ``+ - * /`` with the usual
precedence, unary minus, parentheses, ``[a, b]`` lists, ``METRICS()`` / ``METRICS('text')``
(every MetricStat query of the request, optionally those whose label contains ``text``),
``SUM``/``AVG``/``MIN``/``MAX`` and ``FILL(x, value|REPEAT)``.

Semantics, following the CloudWatch documentation:
- series op series keeps the timestamps both have; series op scalar applies to every point;
  a point divided by zero is dropped (no datapoint), as CloudWatch returns none there;
- SUM/AVG/MIN/MAX of a list or ``METRICS()`` give one series, per timestamp over the series that
  have a value there; of a single series they give a scalar over all its points;
- FILL fills every period of the query window that has no value: with a constant, or with
  ``REPEAT`` the latest earlier value (leading gaps stay empty);
- a scalar result is returned at every period of the window.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

TimeSeries = dict[float, float]
Value = float | TimeSeries | list[TimeSeries]


class MathError(ValueError):
    """An expression CloudWatch would reject; the message explains why."""


_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<str>'[^']*'|\"[^\"]*\")"
    r"|(?P<op>[-+*/()\[\],]))"
)


@dataclass(frozen=True)
class Num:
    value: float


@dataclass(frozen=True)
class Ref:
    name: str


@dataclass(frozen=True)
class Text:
    value: str


@dataclass(frozen=True)
class BinOp:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Neg:
    operand: Node


@dataclass(frozen=True)
class ListOf:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple[Node, ...]


Node = Num | Ref | Text | BinOp | Neg | ListOf | Call


def tokenize(expression: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = expression.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise MathError(f"Unexpected character at position {pos + 1}")
        kind = match.lastgroup or "op"
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, expression: str) -> None:
        self.tokens = tokenize(expression)
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, op: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise MathError("Unexpected end of expression")
        if op is not None and token != ("op", op):
            raise MathError(f"Expected '{op}' but found '{token[1]}'")
        self.pos += 1
        return token

    def parse(self) -> Node:
        node = self.sum()
        if self.peek() is not None:
            raise MathError(f"Unexpected '{self.tokens[self.pos][1]}'")
        return node

    def sum(self) -> Node:
        node = self.product()
        while (token := self.peek()) in (("op", "+"), ("op", "-")):
            self.take()
            node = BinOp(token[1], node, self.product())
        return node

    def product(self) -> Node:
        node = self.unary()
        while (token := self.peek()) in (("op", "*"), ("op", "/")):
            self.take()
            node = BinOp(token[1], node, self.unary())
        return node

    def unary(self) -> Node:
        if self.peek() == ("op", "-"):
            self.take()
            return Neg(self.unary())
        if self.peek() == ("op", "+"):
            self.take()
        return self.primary()

    def primary(self) -> Node:
        kind, text = self.take()
        if kind == "num":
            return Num(float(text))
        if kind == "str":
            return Text(text[1:-1])
        if kind == "name":
            if self.peek() == ("op", "("):
                self.take()
                args: list[Node] = []
                if self.peek() != ("op", ")"):
                    args.append(self.sum())
                    while self.peek() == ("op", ","):
                        self.take()
                        args.append(self.sum())
                self.take(")")
                return Call(text.upper(), tuple(args))
            return Ref(text)
        if text == "(":
            node = self.sum()
            self.take(")")
            return node
        if text == "[":
            items = [self.sum()]
            while self.peek() == ("op", ","):
                self.take()
                items.append(self.sum())
            self.take("]")
            return ListOf(tuple(items))
        raise MathError(f"Unexpected '{text}'")


def parse(expression: str) -> Node:
    return _Parser(expression).parse()


@dataclass
class Context:
    metrics: Mapping[str, TimeSeries]
    """MetricStat query id -> its series, in request order."""
    labels: Mapping[str, str]
    resolve: Callable[[str], Value]
    """Looks up an id that is not a metric: evaluates that expression (memoised, cycle-checked)."""
    grid: list[float]
    """Every period start of the query window, for FILL and scalar results."""


def _arith(op: str, a: float, b: float) -> float | None:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    return None if b == 0 else a / b


def _binary(op: str, left: Value, right: Value) -> Value:
    if isinstance(left, list) or isinstance(right, list):
        if isinstance(left, list) and isinstance(right, list):
            raise MathError("Arithmetic between two arrays of time series is not supported")
        if isinstance(left, list):
            return [_series_op(op, s, right) for s in left]  # type: ignore[arg-type]
        return [_series_op(op, left, s) for s in right]  # type: ignore[union-attr]
    if isinstance(left, float) and isinstance(right, float):
        result = _arith(op, left, right)
        return math.nan if result is None else result
    return _series_op(op, left, right)


def _series_op(op: str, left: float | TimeSeries, right: float | TimeSeries) -> TimeSeries:
    out: TimeSeries = {}
    if isinstance(left, dict) and isinstance(right, dict):
        pairs = ((ts, v, right[ts]) for ts, v in left.items() if ts in right)
    elif isinstance(left, dict):
        pairs = ((ts, v, float(right)) for ts, v in left.items())  # type: ignore[arg-type]
    else:
        pairs = ((ts, float(left), v) for ts, v in right.items())  # type: ignore[union-attr]
    for ts, a, b in pairs:
        result = _arith(op, a, b)
        if result is not None and not math.isnan(result):
            out[ts] = result
    return out


_REDUCERS: dict[str, Callable[[list[float]], float]] = {
    "SUM": math.fsum,
    "AVG": lambda xs: math.fsum(xs) / len(xs),
    "MIN": min,
    "MAX": max,
}


def _reduce(func: str, arg: Value) -> Value:
    reducer = _REDUCERS[func]
    if isinstance(arg, float):
        return arg
    if isinstance(arg, dict):
        values = [v for v in arg.values() if not math.isnan(v)]
        return reducer(values) if values else math.nan
    per_ts: dict[float, list[float]] = {}
    for series in arg:
        for ts, v in series.items():
            per_ts.setdefault(ts, []).append(v)
    return {ts: reducer(per_ts[ts]) for ts in sorted(per_ts)}


def _fill(series: TimeSeries, how: Node, ctx: Context) -> TimeSeries:
    repeat = isinstance(how, Ref) and how.name == "REPEAT"
    constant = None if repeat else evaluate(how, ctx)
    if not repeat and not isinstance(constant, float):
        raise MathError("FILL takes a number or REPEAT as its second argument")
    out: TimeSeries = {}
    last: float | None = None
    for ts in sorted(set(ctx.grid) | set(series)):
        if ts in series:
            last = out[ts] = series[ts]
        elif repeat:
            if last is not None:
                out[ts] = last
        else:
            out[ts] = constant  # type: ignore[assignment]
    return out


def _call(node: Call, ctx: Context) -> Value:
    if node.func == "METRICS":
        if len(node.args) > 1 or (node.args and not isinstance(node.args[0], Text)):
            raise MathError("METRICS takes no argument or one string")
        needle = node.args[0].value if node.args and isinstance(node.args[0], Text) else ""
        return [s for qid, s in ctx.metrics.items() if needle in ctx.labels.get(qid, qid)]
    if node.func in _REDUCERS:
        if len(node.args) != 1:
            raise MathError(f"{node.func} takes exactly one argument")
        return _reduce(node.func, evaluate(node.args[0], ctx))
    if node.func == "FILL":
        if len(node.args) != 2:
            raise MathError("FILL takes two arguments")
        target = evaluate(node.args[0], ctx)
        if isinstance(target, float):
            raise MathError("FILL needs a time series as its first argument")
        if isinstance(target, list):
            return [_fill(s, node.args[1], ctx) for s in target]
        return _fill(target, node.args[1], ctx)
    raise MathError(f"Unsupported function {node.func}")


def evaluate(node: Node, ctx: Context) -> Value:
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Ref):
        if node.name in ctx.metrics:
            return ctx.metrics[node.name]
        return ctx.resolve(node.name)
    if isinstance(node, Text):
        raise MathError(f"Unexpected string '{node.value}'")
    if isinstance(node, Neg):
        return _binary("*", evaluate(node.operand, ctx), -1.0)
    if isinstance(node, BinOp):
        return _binary(node.op, evaluate(node.left, ctx), evaluate(node.right, ctx))
    if isinstance(node, ListOf):
        items: list[TimeSeries] = []
        for item in node.items:
            value = evaluate(item, ctx)
            if isinstance(value, float):
                raise MathError("A list may only hold time series")
            items.extend(value if isinstance(value, list) else [value])
        return items
    return _call(node, ctx)


def as_series(value: Value, grid: list[float]) -> TimeSeries:
    """The single series a GetMetricData expression result returns."""
    if isinstance(value, float):
        return {} if math.isnan(value) else dict.fromkeys(grid, value)
    if isinstance(value, list):
        if len(value) == 1:
            return value[0]
        raise MathError("The expression returns more than one time series")
    return value
