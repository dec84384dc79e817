"""Failures between client and endpoint become source states with words, never exceptions.

A fault-injecting proxy sits between the poller's clients and the demo endpoint and answers AWS
errors in each service's own protocol, drops connections or delays answers.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
import pytest_asyncio
from fault_proxy import CLIENT_HOOKS, Fault, FaultProxy, error
from sources_support import SeededDemo, settings_for, snake_to_operation, wait_for

from skafu_tui.aws import catalog
from skafu_tui.aws.readonly import MutationRefused, is_read_only
from skafu_tui.aws.session import ClientPool
from skafu_tui.config import Config
from skafu_tui.poller import Poller
from skafu_tui.snapshot import Snapshot, SourceStatus

S = SourceStatus
# One worker runs this module, so the scenario is seeded once for it.
pytestmark = pytest.mark.xdist_group("demo-faults")


@pytest_asyncio.fixture
async def proxy(demo: SeededDemo) -> AsyncIterator[FaultProxy]:
    p = FaultProxy(demo.endpoint)
    await p.start()
    yield p
    await p.stop()


def poller_via(
    proxy: FaultProxy, cfg: Config, groups: list[str], read_timeout_s: float = 5.0, **kwargs: object
) -> Poller:
    settings = settings_for(proxy.endpoint, read_timeout_s=read_timeout_s)
    return Poller(cfg, settings, groups=groups, client_hooks=CLIENT_HOOKS, **kwargs)  # type: ignore[arg-type]


CASES = [
    # (group, service, operation, fault, status, words, IAM action)
    (
        "guardduty",
        "guardduty",
        "ListFindings",
        error(403, "AccessDeniedException"),
        S.DENIED,
        "access denied (guardduty:ListFindings)",
        "guardduty:ListFindings",
    ),
    (
        "elbv2",
        "elbv2",
        "DescribeTargetGroups",
        error(403, "AccessDenied"),
        S.DENIED,
        "access denied (elasticloadbalancing:DescribeTargetGroups)",
        "elasticloadbalancing:DescribeTargetGroups",
    ),
    (
        "budgets",
        "budgets",
        "DescribeBudgets",
        error(400, "AccessDeniedException"),
        S.DENIED,
        "access denied (budgets:ViewBudget)",
        "budgets:ViewBudget",
    ),
    (
        "s3",
        "s3",
        "ListBuckets",
        error(403, "AccessDenied"),
        S.DENIED,
        "access denied (s3:ListAllMyBuckets)",
        "s3:ListAllMyBuckets",
    ),
    (
        "metrics",
        "cloudwatch",
        "GetMetricData",
        error(400, "ThrottlingException"),
        S.THROTTLED,
        "throttled by AWS (cloudwatch:GetMetricData)",
        "",
    ),
    (
        "cloudtrail",
        "cloudtrail",
        "LookupEvents",
        error(400, "ThrottlingException"),
        S.THROTTLED,
        "throttled by AWS (cloudtrail:LookupEvents)",
        "",
    ),
    (
        "cost",
        "ce",
        "GetCostAndUsage",
        error(400, "LimitExceededException"),
        S.THROTTLED,
        "throttled by AWS (ce:GetCostAndUsage)",
        "",
    ),
    (
        "health",
        "health",
        "DescribeEvents",
        error(400, "SubscriptionRequiredException"),
        S.NOT_SUBSCRIBED,
        "AWS Health needs a Business",
        "",
    ),
    (
        "guardduty",
        "guardduty",
        "ListDetectors",
        Fault("reply", body={"detectorIds": []}),
        S.NOT_ENABLED,
        "GuardDuty is not enabled in us-east-1 (no detector)",
        "",
    ),
    (
        "config",
        "config",
        "DescribeComplianceByConfigRule",
        error(400, "NoSuchConfigurationRecorderException"),
        S.NOT_ENABLED,
        "AWS Config is not enabled (no configuration recorder)",
        "",
    ),
    (
        "rds",
        "rds",
        "DescribeDBInstances",
        error(403, "ExpiredToken"),
        S.CREDENTIALS_EXPIRED,
        "AWS credentials expired (ExpiredToken)",
        "",
    ),
    (
        "alarms",
        "cloudwatch",
        "DescribeAlarms",
        error(400, "ExpiredTokenException"),
        S.CREDENTIALS_EXPIRED,
        "AWS credentials expired (ExpiredTokenException)",
        "",
    ),
    ("acm", "acm", "ListCertificates", Fault("drop"), S.UNREACHABLE, "cannot reach http://127.0.0.1", ""),
    ("lambda", "lambda", "ListFunctions", Fault("delay", delay_s=1.0), S.UNREACHABLE, "timed out", ""),
    (
        "logs",
        "logs",
        "DescribeLogGroups",
        error(500, "InternalFailure"),
        S.ERROR,
        "CloudWatch Logs failed (logs:DescribeLogGroups): HTTP 500 InternalFailure",
        "",
    ),
]


# Each round's faults sit on distinct APIs, so one poll of all their groups checks them together;
# the delayed answer gets a round of its own with a short read timeout.
SEPARATE = ("ListDetectors", "ListFunctions")
ROUNDS = [[c for c in CASES if c[2] not in SEPARATE], *([c] for c in CASES if c[2] in SEPARATE)]


@pytest.mark.parametrize("cases", ROUNDS, ids=["most", *SEPARATE])
async def test_faults_become_states_with_words(proxy: FaultProxy, cfg: Config, cases: list[tuple]) -> None:  # type: ignore[type-arg]
    for _, service, operation, fault, *_ in cases:
        proxy.faults[(service, operation)] = fault
    groups = [c[0] for c in cases]
    delayed = any(c[3].kind == "delay" for c in cases)
    async with poller_via(proxy, cfg, groups, read_timeout_s=0.3 if delayed else 5.0) as poller:
        snap = await poller.poll_once()  # never raises
    sources = {loop.group.name: loop.group.source for loop in poller._loops}
    for group, service, operation, _, status, words, action in cases:
        state = snap.source(sources[group])
        assert proxy.seen[(service, operation)] >= 1, operation
        assert (state.status, state.action) == (status, action), state
        assert words in state.message, state
        assert state.fetched_at is None and state.attempted_at is not None


async def test_bucket_denied_is_a_record_not_a_failure(proxy: FaultProxy, cfg: Config, demo: SeededDemo) -> None:
    proxy.faults[("s3", "GetBucketEncryption")] = error(403, "AccessDenied")
    async with poller_via(proxy, cfg, ["s3"]) as poller:
        snap = await poller.poll_once()
    assert snap.source("s3").status is S.OK
    assert snap.buckets and all(not b.accessible for b in snap.buckets)
    assert {b.error for b in snap.buckets} == {"access denied (s3:GetEncryptionConfiguration)"}


async def test_poller_keeps_last_good_data_then_recovers(proxy: FaultProxy, cfg: Config) -> None:
    published: list[Snapshot] = []
    poller = poller_via(proxy, cfg, ["guardduty"], on_snapshot=published.append)
    runner = asyncio.create_task(poller.run())
    try:
        await wait_for(lambda: poller.snapshot.source("guardduty").status is S.OK)
        good = poller.snapshot
        assert good.findings
        fetched = good.source("guardduty").fetched_at

        proxy.faults[("guardduty", "GetFindings")] = error(403, "AccessDeniedException")
        poller.refresh_now()
        await wait_for(lambda: poller.snapshot.source("guardduty").status is S.DENIED)
        bad = poller.snapshot
        state = bad.source("guardduty")
        assert bad.findings == good.findings  # the last good data, kept
        assert state.fetched_at == fetched  # ... with its age
        assert state.message == "access denied (guardduty:GetFindings)"
        assert state.age_s(datetime.now(UTC)) is not None and state.attempted_at > fetched  # type: ignore[operator]

        del proxy.faults[("guardduty", "GetFindings")]
        poller.refresh_now()
        await wait_for(lambda: poller.snapshot.source("guardduty").status is S.OK)
        recovered = poller.snapshot.source("guardduty")
        assert recovered.fetched_at > fetched and recovered.message == ""  # type: ignore[operator]
        assert poller.snapshot.findings == good.findings
        # Every poll published a new immutable Snapshot; none was mutated afterwards.
        assert len(published) >= 4 and len({id(s) for s in published}) == len(published)
    finally:
        await poller.aclose()
        await runner
    assert runner.exception() is None


async def test_unreachable_endpoint(cfg: Config) -> None:
    # Nothing listens on port 9 of loopback (discard): the connection is refused.
    poller = Poller(cfg, settings_for("http://127.0.0.1:9", connect_timeout_s=0.3), groups=["rds", "budgets"])
    async with poller:
        snap = await poller.poll_once()
    assert snap.source("rds").status is S.UNREACHABLE
    assert snap.source("rds").message.startswith("cannot reach http://127.0.0.1:9")
    assert snap.source("budgets").status is S.UNREACHABLE
    assert snap.account == ""


# --- read-only by construction, against the endpoint -----------------------------------


async def test_a_full_poll_issues_only_declared_operations(demo: SeededDemo, cfg: Config) -> None:
    issued: set[tuple[str, str]] = set()

    def record(model: Any, **_: Any) -> None:
        issued.add((model.service_model.service_name, model.name))

    async with Poller(cfg, settings_for(demo.endpoint), client_hooks=[("before-call", record)]) as poller:
        await poller.poll_once()
    assert issued and issued <= catalog.OPERATIONS
    assert all(is_read_only(op) for _, op in issued)


@pytest.mark.parametrize(
    ("service", "method", "params"),
    [
        ("guardduty", "create_detector", {"Enable": True}),
        ("guardduty", "archive_findings", {"DetectorId": "x", "FindingIds": ["y"]}),
        ("s3", "delete_bucket", {"Bucket": "skafu-prod-artifacts"}),
        ("cloudwatch", "put_metric_alarm", {}),  # refused before parameters are even validated
        ("rds", "reboot_db_instance", {"DBInstanceIdentifier": "skafu-prod-db"}),
        ("cloudtrail", "stop_logging", {"Name": "skafu-org-trail"}),
    ],
)
async def test_a_mutating_call_is_refused_before_it_is_sent(
    proxy: FaultProxy, service: str, method: str, params: dict[str, Any]
) -> None:
    async with ClientPool(settings_for(proxy.endpoint), client_hooks=CLIENT_HOOKS) as pool:
        client = await pool.client(service)
        with pytest.raises(MutationRefused) as refused:
            await getattr(client, method)(**params)
        # A read through the same client still works and does reach the endpoint.
        read = next(
            m
            for m in ("list_detectors", "list_buckets", "describe_alarms", "describe_db_instances", "describe_trails")
            if hasattr(client, m)
        )
        await getattr(client, read)()
    assert refused.value.operation == snake_to_operation(service)[method]
    assert [op for (svc, op) in proxy.seen if svc == service] == [snake_to_operation(service)[read]]
    assert pool.meter.total_calls == 1
