"""The large state of the drive and scale benchmarks, built from the repository's own truth.

- A config with ``services`` services and ``regions`` regions: the five Skafu services of
  ``config.yaml`` plus clones (``svc-006`` …) whose metrics, Lambda function and resources are
  named after the clone, so every plan key, alarm and finding attribution is distinct.
- A Snapshot: the recorded poll of the demo (``tests/ui/fixtures/skafu_snapshot.json``) with each
  clone given a copy of one original service's series under its own keys, plus ``findings`` extra
  GuardDuty findings over the services' resources, ``incidents`` of them severe enough (7.5, not a
  credential type) for the high-severity rule to open one P1 incident each. The rest are mild
  (2.0); the replay entry drops the catch-all low-severity rule, so the state holds exactly
  ``incidents`` finding incidents on top of the recorded poll's own.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from skafu_tui.models import Finding, MetricSeries
from skafu_tui.snapshot import Snapshot
from skafu_tui.snapshot_io import load, save

REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2")
SEVERE = 7.5
MILD = 2.0


def _rename(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, list):
        return [_rename(v, old, new) for v in value]
    if isinstance(value, dict):
        return {k: _rename(v, old, new) for k, v in value.items()}
    return value


def large_config(base: Path, out: Path, *, services: int = 200, regions: int = 5) -> Path:
    """Write ``base`` with ``services`` services and the first ``regions`` of :data:`REGIONS`."""
    doc = yaml.safe_load(base.read_text(encoding="utf-8"))
    originals: list[dict[str, Any]] = doc["services"]
    clones = []
    for i in range(len(originals), services):
        source = originals[i % len(originals)]
        name = f"svc-{i + 1:03d}"
        clone = _rename(source, source["name"], name)
        clone["critical"] = False
        clone["feature"] = f"Feature {i + 1}"
        clones.append(clone)
    doc["services"] = originals + clones
    doc.setdefault("aws", {})["regions"] = list(REGIONS[:regions])
    out.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return out


def _copy_series(metrics: dict[str, MetricSeries], old: str, new: str) -> None:
    for key, series in list(metrics.items()):
        for prefix in (f"svc/{old}/", f"lambda/skafu-{old}/"):
            if key.startswith(prefix):
                renamed = key.replace(old, new, 1)
                metrics[renamed] = series.model_copy(update={"key": renamed})


def large_snapshot(
    fixture: Path, config_doc: dict[str, Any], out: Path, *, incidents: int = 1000, findings: int = 10_000
) -> Path:
    """Write the recorded Snapshot grown to the services of ``config_doc`` plus ``findings`` findings."""
    snap: Snapshot = load(fixture)
    services: list[dict[str, Any]] = config_doc["services"]
    originals = [s["name"] for s in services[:5]]
    metrics = dict(snap.metrics)
    for i, svc in enumerate(services[5:], start=5):
        _copy_series(metrics, originals[i % len(originals)], svc["name"])
    resources = [r for svc in services for r in (*svc.get("resources", ()), *svc.get("lambda_functions", ()))]
    at = snap.taken_at - timedelta(hours=1)
    extra = tuple(
        Finding(
            id=f"bench-{n:05d}",
            type="Recon:EC2/PortProbeUnprotectedPort",
            severity=SEVERE if n < incidents else MILD,
            title=f"bench finding {n}",
            description=f"synthetic finding {n} for the large-state benchmark",
            resource_type="AWS::Lambda::Function",
            resource_id=resources[n % len(resources)],
            region=REGIONS[n % len(REGIONS)],
            created_at=at,
            updated_at=at,
        )
        for n in range(findings)
    )
    grown = dataclasses.replace(
        snap,
        metrics=MappingProxyType(metrics),
        findings=(*snap.findings, *extra),
        regions=tuple(config_doc.get("aws", {}).get("regions", snap.regions)),
    )
    save(grown, out)
    return out


def build(fixture: Path, base_config: Path, scratch: Path, *, services: int = 200, regions: int = 5,
          incidents: int = 1000, findings: int = 10_000) -> tuple[Path, Path]:
    """(config, snapshot) files of the large state, written under ``scratch``."""
    config = large_config(base_config, scratch / "large-config.yaml", services=services, regions=regions)
    doc = yaml.safe_load(config.read_text(encoding="utf-8"))
    snapshot = large_snapshot(fixture, doc, scratch / "large-snapshot.json", incidents=incidents, findings=findings)
    return config, snapshot
