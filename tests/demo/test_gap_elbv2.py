"""ELBv2 target health: stock moto can't say ``unhealthy``; our ``target-health`` seed makes it."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from moto.elbv2.models import FakeTargetGroup

pytestmark = [pytest.mark.xdist_group("elbv2")]

TARGETS: list[dict[str, Any]] = [{"Id": "10.0.1.10", "Port": 8080}, {"Id": "10.0.1.11", "Port": 8080}]


@pytest.fixture(autouse=True)
def stock_is_stock() -> None:
    # Our patches are process-global: a stock endpoint in this process must not have them.
    assert not getattr(FakeTargetGroup, "_skafu_patched", False), "moto patched in the test process"


async def target_group_with_targets(aws: Any, elbv2: Any) -> str:
    """An ip target group with TARGETS registered; returns its ARN."""
    async with aws.client("ec2") as ec2:
        vpc = (await ec2.create_vpc(CidrBlock="10.0.0.0/16"))["Vpc"]["VpcId"]
    group = (
        await elbv2.create_target_group(
            Name=f"tmpl-api-{uuid.uuid4().hex[:6]}",
            Protocol="HTTP",
            Port=8080,
            VpcId=vpc,
            TargetType="ip",
        )
    )["TargetGroups"][0]["TargetGroupArn"]
    await elbv2.register_targets(TargetGroupArn=group, Targets=TARGETS)
    return str(group)


async def health(elbv2: Any, group: str) -> dict[str, dict[str, Any]]:
    answer = await elbv2.describe_target_health(TargetGroupArn=group)
    return {d["Target"]["Id"]: d["TargetHealth"] for d in answer["TargetHealthDescriptions"]}


@pytest.mark.gap
async def test_stock_reports_every_registered_target_healthy(stock: Any) -> None:
    async with stock.client("elbv2") as elbv2:
        group = await target_group_with_targets(stock, elbv2)
        states = await health(elbv2, group)
    # moto derives health from registration alone: no request can make a registered ip target unhealthy.
    assert {state["State"] for state in states.values()} == {"healthy"}


@pytest.mark.gap
async def test_ext_seeded_target_is_unhealthy_with_reason(ext: Any) -> None:
    seeded = {
        "Id": TARGETS[0]["Id"],
        "State": "unhealthy",
        "Reason": "Target.ResponseCodeMismatch",
        "Description": "Health checks failed with these codes: [502]",
    }
    async with ext.client("elbv2") as elbv2:
        group = await target_group_with_targets(ext, elbv2)
        assert ext.seed("target-health", [{**seeded, "TargetGroupArn": group}]) == 1
        states = await health(elbv2, group)
    assert states[TARGETS[0]["Id"]] == {
        "State": "unhealthy",
        "Reason": seeded["Reason"],
        "Description": seeded["Description"],
    }
    assert states[TARGETS[1]["Id"]]["State"] == "healthy"


@pytest.mark.gap
async def test_ext_override_is_per_port_and_ends_with_deregistration(ext: Any) -> None:
    async with ext.client("elbv2") as elbv2:
        group = await target_group_with_targets(ext, elbv2)
        ext.seed(
            "target-health",
            [
                {
                    "TargetGroupArn": group,
                    "Id": TARGETS[0]["Id"],
                    "Port": 9090,
                    "State": "unhealthy",
                    "Reason": "Target.Timeout",
                    "Description": "Request timed out",
                },
                {
                    "TargetGroupArn": group,
                    "Id": TARGETS[1]["Id"],
                    "State": "unhealthy",
                    "Reason": "Target.FailedHealthChecks",
                    "Description": "Health checks failed",
                },
            ],
        )
        states = await health(elbv2, group)
        await elbv2.deregister_targets(TargetGroupArn=group, Targets=[TARGETS[1]])
        answer = await elbv2.describe_target_health(TargetGroupArn=group, Targets=[TARGETS[1]])
    assert states[TARGETS[0]["Id"]]["State"] == "healthy"  # seeded for port 9090, registered on 8080
    assert states[TARGETS[1]["Id"]]["Reason"] == "Target.FailedHealthChecks"
    assert answer["TargetHealthDescriptions"][0]["TargetHealth"]["State"] == "unused"


@pytest.mark.gap
async def test_ext_target_health_seed_names_the_bad_field(ext: Any) -> None:
    async with ext.client("elbv2") as elbv2:
        group = await target_group_with_targets(ext, elbv2)
        good = {"TargetGroupArn": group, "Id": TARGETS[0]["Id"], "State": "unhealthy", "account": ext.account}
        cases = [
            ({**good, "State": "sick"}, "[1].State: expected one of"),
            ({**good, "Reason": "Because"}, "[1].Reason: expected one of"),
            ({**good, "Id": "10.9.9.9"}, "[1].Id: 10.9.9.9 is not registered"),
            ({**good, "Port": "80"}, "[1].Port: expected an integer"),
            ({**good, "TargetGroupArn": group.replace("tmpl-api", "nothing")}, "[1].TargetGroupArn: no such"),
            ({**good, "Colour": "red"}, "[1].Colour: unknown field"),
        ]
        for bad, message in cases:
            status, doc = ext.post("/_skafu/seed/target-health", [good, bad])
            assert status == 400 and doc["message"].startswith(message), (bad, doc)
        states = await health(elbv2, group)
    assert {s["State"] for s in states.values()} == {"healthy"}  # nothing half-applied


@pytest.mark.gap
async def test_ext_reset_drops_target_groups_and_their_overrides(ext: Any) -> None:
    async with ext.client("elbv2") as elbv2:
        group = await target_group_with_targets(ext, elbv2)
        ext.seed("target-health", [{"TargetGroupArn": group, "Id": TARGETS[0]["Id"], "State": "unhealthy"}])
        assert ext.post("/_skafu/reset")[0] == 200
        with pytest.raises(elbv2.exceptions.TargetGroupNotFoundException):
            await elbv2.describe_target_health(TargetGroupArn=group)
