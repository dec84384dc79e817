"""CloudTrail side of the skafu scenario: deployments, console logins, the security-group change.

Events are built in the shape LookupEvents returns (``EventTime`` as epoch seconds, the record
as a JSON string). The security group's id exists only once seeded, so it is passed in ``ids``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from skafu_tui.demo.scenario_model import (
    ACCOUNT_ID,
    DEPLOY_EVENT_NAME,
    DEPLOYER_IP,
    FAILED_LOGIN_IP,
    HOUR,
    LIVE_INCIDENT_FIRST_MINUTE,
    LIVE_INCIDENT_PERIOD_MINUTES,
    MINUTE,
    P1_SERVICE,
    REGION,
    ROLLBACK_IP,
    SG_CHANGER,
    SG_CHANGER_IP,
    Deployment,
    Scenario,
    make_hex,
    make_uuid,
    rng,
)

SG_NAME = "skafu-prod-db-sg"
SG_PLACEHOLDER_ID = "sg-0d1e2f3a4b5c6d7e8"
DETECTOR_PLACEHOLDER_ID = "0" * 32
FAILED_LOGIN_BURST = 14
"""Failed console logins in the burst of the last hour (well past 10 a day)."""
OLDER_FAILED_LOGIN_HOURS = (5, 19, 30, 50)
"""Single failed logins this many hours before start (two inside 24 h, two outside)."""
ON_CALL = ("sam.rivera", "priya.natarajan", "lee.chen")
ENGINEERS = ("dana.okafor", "marco.bianchi", "aisha.bello", "tom.hughes")


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_ms(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


# -- CloudTrail -----------------------------------------------------------------------


@dataclass(frozen=True)
class TrailEvent:
    """One CloudTrail management event of the story, before shaping."""

    event_id: str
    time: datetime
    name: str
    source: str
    user: str
    ip: str
    resource_type: str
    resource_name: str
    request: Mapping[str, Any] | None = None
    response: Mapping[str, Any] | None = None
    error: str | None = None
    event_type: str = "AwsApiCall"

    def record(self) -> dict[str, Any]:
        """The ``CloudTrail Event`` as LookupEvents returns it."""
        hidden = self.user == "HIDDEN_DUE_TO_SECURITY_REASONS"
        if self.event_type == "AwsConsoleSignIn":
            identity: dict[str, Any] = {"type": "IAMUser", "accountId": ACCOUNT_ID, "userName": self.user}
            if not hidden:
                identity["arn"] = f"arn:aws:iam::{ACCOUNT_ID}:user/{self.user}"
        else:
            role = "AWSReservedSSO_PlatformEngineer_4f1c2a9b7e3d5f60"
            identity = {
                "type": "AssumedRole",
                "principalId": f"AROAXAMPLE7PLATFORMENG:{self.user}",
                "arn": f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role}/{self.user}",
                "accountId": ACCOUNT_ID,
                "accessKeyId": "ASIAXAMPLEPLATFORM01",
                "sessionContext": {"sessionIssuer": {"type": "Role", "userName": role}},
            }
        detail: dict[str, Any] = {
            "eventVersion": "1.08",
            "userIdentity": identity,
            "eventTime": iso(self.time),
            "eventSource": self.source,
            "eventName": self.name,
            "awsRegion": REGION,
            "sourceIPAddress": self.ip,
            "userAgent": "aws-cli/2.17.20 Python/3.11.9" if self.event_type == "AwsApiCall" else "Mozilla/5.0",
            "requestParameters": dict(self.request) if self.request is not None else None,
            "responseElements": dict(self.response) if self.response is not None else None,
            "eventID": self.event_id,
            "readOnly": False,
            "eventType": self.event_type,
            "managementEvent": True,
            "recipientAccountId": ACCOUNT_ID,
            "eventCategory": "Management",
        }
        if self.error:
            detail["errorMessage"] = self.error
        out: dict[str, Any] = {
            "EventId": self.event_id,
            "EventName": self.name,
            "ReadOnly": "false",
            "EventTime": self.time.timestamp(),
            "EventSource": self.source,
            "Username": self.user,
            "Resources": [{"ResourceType": self.resource_type, "ResourceName": self.resource_name}],
            "CloudTrailEvent": json.dumps(detail),
        }
        if self.event_type == "AwsApiCall":
            out["AccessKeyId"] = "ASIAXAMPLEPLATFORM01"
        return out


def _deploy_events(d: Deployment, key: str, publish: bool) -> list[TrailEvent]:
    fn = d.function_name
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{fn}"
    out = [
        TrailEvent(
            d.event_id,
            d.time,
            DEPLOY_EVENT_NAME,
            "lambda.amazonaws.com",
            d.engineer,
            d.source_ip,
            "AWS::Lambda::Function",
            fn,
            request={"functionName": fn, "s3Bucket": "skafu-prod-artifacts", "s3Key": key, "publish": False},
            response={
                "functionName": fn,
                "functionArn": arn,
                "codeSha256": d.code_sha256,
                "lastUpdateStatus": "InProgress",
            },
        )
    ]
    if publish:
        r = rng(0, "publish", d.event_id)
        out.append(
            TrailEvent(
                make_uuid(r),
                d.time + timedelta(seconds=25),
                "PublishVersion20150331",
                "lambda.amazonaws.com",
                d.engineer,
                d.source_ip,
                "AWS::Lambda::Function",
                fn,
                request={"functionName": fn, "codeSha256": d.code_sha256},
            )
        )
        out.append(
            TrailEvent(
                make_uuid(r),
                d.time + timedelta(seconds=40),
                "UpdateAlias20150331",
                "lambda.amazonaws.com",
                d.engineer,
                d.source_ip,
                "AWS::Lambda::Function",
                fn,
                request={"functionName": fn, "name": "live"},
            )
        )
    return out


def _console_login(event_id: str, t: datetime, user: str, ip: str, ok: bool) -> TrailEvent:
    return TrailEvent(
        event_id,
        t,
        "ConsoleLogin",
        "signin.amazonaws.com",
        user,
        ip,
        "AWS::IAM::User",
        user,
        request=None,
        response={"ConsoleLogin": "Success" if ok else "Failure"},
        error=None if ok else "Failed authentication",
        event_type="AwsConsoleSignIn",
    )


def seeded_trail_events(sc: Scenario, ids: Mapping[str, str] | None = None) -> list[TrailEvent]:
    """Every CloudTrail event before start, oldest first."""
    ids = ids or {}
    r = rng(sc.seed, "cloudtrail")
    out = _deploy_events(sc.deploy, f"template-management-api/{sc.deploy.code_sha256[:12]}.zip", True)
    users = ("ops-admin", "HIDDEN_DUE_TO_SECURITY_REASONS", "ci-deployer")
    for k in range(FAILED_LOGIN_BURST):
        t = sc.start - timedelta(minutes=52) + timedelta(minutes=3 * k, seconds=r.randint(0, 50))
        out.append(_console_login(make_uuid(r), t, users[k % len(users)], FAILED_LOGIN_IP, False))
    for h in OLDER_FAILED_LOGIN_HOURS:
        t = sc.start - h * HOUR - timedelta(minutes=r.randint(1, 40))
        out.append(_console_login(make_uuid(r), t, "maria.santos", f"198.51.100.{r.randint(2, 250)}", False))
    for h in (2, 9, 27):
        t = sc.start - h * HOUR - timedelta(minutes=r.randint(1, 50))
        out.append(_console_login(make_uuid(r), t, r.choice(ENGINEERS), DEPLOYER_IP, True))
    sg = ids.get("security_group_id", SG_PLACEHOLDER_ID)
    out.append(
        TrailEvent(
            sc.sg_change_event_id,
            sc.sg_change_time,
            "AuthorizeSecurityGroupIngress",
            "ec2.amazonaws.com",
            SG_CHANGER,
            SG_CHANGER_IP,
            "AWS::EC2::SecurityGroup",
            sg,
            request={
                "groupId": sg,
                "ipPermissions": {
                    "items": [
                        {
                            "ipProtocol": "tcp",
                            "fromPort": 5432,
                            "toPort": 5432,
                            "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0", "description": "temp debug access"}]},
                        }
                    ]
                },
            },
            response={"_return": True},
        )
    )
    # Older, routine deployments of the other services.
    for n, svc in enumerate(s for s in sc.services if s.name != P1_SERVICE):
        t = sc.start - (20 + 31 * n) * HOUR - timedelta(minutes=r.randint(0, 59))
        d = Deployment(make_uuid(r), t, r.choice(ENGINEERS), DEPLOYER_IP, svc.function_name, make_hex(r, 64))
        out.extend(_deploy_events(d, f"{svc.name}/{d.code_sha256[:12]}.zip", True))
    out.sort(key=lambda e: e.time)
    return out


def live_trail_events(sc: Scenario, t0: datetime, t1: datetime) -> list[TrailEvent]:
    """Story events with t0 ≤ time < t1 (t0 ≥ start): the rollback, and each live incident's fix."""
    out: list[TrailEvent] = []
    if t0 <= sc.rollback.time < t1:
        out.extend(
            _deploy_events(sc.rollback, f"template-management-api/rollback-{sc.rollback.code_sha256[:8]}.zip", False)
        )
    first_k = max(0, int(((t0 - sc.start) / MINUTE - LIVE_INCIDENT_FIRST_MINUTE) // LIVE_INCIDENT_PERIOD_MINUTES))
    k = first_k
    while True:
        inc = sc.live_incident(k)
        fix_time = inc.recovery - 2 * MINUTE
        if fix_time >= t1:
            break
        if fix_time >= t0:
            r = rng(sc.seed, "fix", k)
            fn = f"skafu-{inc.service}"
            out.append(
                TrailEvent(
                    make_uuid(r),
                    fix_time,
                    "UpdateFunctionConfiguration20150331v2",
                    "lambda.amazonaws.com",
                    ON_CALL[k % len(ON_CALL)],
                    ROLLBACK_IP,
                    "AWS::Lambda::Function",
                    fn,
                    request={"functionName": fn, "memorySize": 2048, "timeout": 30},
                )
            )
        k += 1
    return out


def failed_logins(sc: Scenario, at: datetime, hours: float = 24) -> int:
    """Failed console logins in [at - hours, at)."""
    events = seeded_trail_events(sc) + live_trail_events(sc, sc.start, at)
    return sum(1 for e in events if e.name == "ConsoleLogin" and e.error and at - hours * HOUR <= e.time < at)
