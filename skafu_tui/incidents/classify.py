"""Classes from rules: which configured class a signal gets.

Precedence: **the most severe class among all matching rules wins**; rule order only breaks ties
(the first matching rule of that class is the one named on the incident). So a GuardDuty
``CredentialAccess:`` finding of severity 8 matches both ``credentials-compromised`` (P0) and
``high-severity-finding`` (P1) and is P0 wherever the rules are listed. Severity order is the
class names sorted (``P0`` most severe), as :meth:`Incidents.ordered_classes` defines it.

A signal no rule matches raises no incident.
"""

from __future__ import annotations

from dataclasses import dataclass

from skafu_tui.config.incidents import IncidentRule, Incidents
from skafu_tui.incidents.signals import Signal


@dataclass(frozen=True)
class Classification:
    incident_class: str
    rule: str
    """The name of the rule that gave the class."""


def rank(cfg: Incidents, incident_class: str) -> int:
    """0 for the most severe class; unknown classes rank after every configured one."""
    ordered = cfg.ordered_classes()
    return ordered.index(incident_class) if incident_class in ordered else len(ordered)


def more_severe(cfg: Incidents, a: str, b: str) -> bool:
    """True when class `a` is strictly more severe than class `b`."""
    return rank(cfg, a) < rank(cfg, b)


def matches(rule: IncidentRule, signal: Signal) -> bool:
    when = rule.when
    if when.signal != signal.kind:
        return False
    if when.min_severity is not None and (signal.severity is None or signal.severity < when.min_severity):
        return False
    if when.type_prefixes and not any(signal.subtype.startswith(p) for p in when.type_prefixes):
        return False
    if when.critical is not None and signal.critical is not when.critical:
        return False
    return when.service is None or when.service in signal.services


class Classifier:
    """The rules of one config, indexed by signal kind (built once; classifying is then cheap)."""

    def __init__(self, cfg: Incidents) -> None:
        order = {name: index for index, name in enumerate(cfg.ordered_classes())}
        self._by_kind: dict[str, list[tuple[int, IncidentRule]]] = {}
        for rule in cfg.rules:
            if rule.incident_class in order:
                self._by_kind.setdefault(rule.when.signal.value, []).append(
                    (order[rule.incident_class], rule)
                )

    def __call__(self, signal: Signal) -> Classification | None:
        best: tuple[int, IncidentRule] | None = None
        for candidate in self._by_kind.get(signal.kind.value, ()):
            # Strictly more severe only: among equals the first rule in config order is named.
            if (best is None or candidate[0] < best[0]) and matches(candidate[1], signal):
                best = candidate
        return None if best is None else Classification(best[1].incident_class, best[1].name)


def classify(signal: Signal, cfg: Incidents) -> Classification | None:
    """The class the rules give `signal` (see the module docstring), or ``None`` if none match."""
    return Classifier(cfg)(signal)


def check_class(cfg: Incidents, incident_class: str) -> str:
    """`incident_class` if configured; otherwise a ValueError naming the classes there are."""
    if incident_class not in cfg.classes:
        raise ValueError(
            f"{incident_class!r} is not an incident class (classes: {', '.join(cfg.ordered_classes())})"
        )
    return incident_class
