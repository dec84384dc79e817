"""GuardDuty findings of the skafu scenario, in the shape GetFindings returns them.

GuardDuty's timestamps are ISO 8601 strings; the detector id exists only once seeded, so it is
passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from skafu_tui.demo.scenario_model import (
    ACCOUNT_ID,
    DAY,
    EXFIL_IP,
    HIGH_FINDING_SEVERITY,
    HIGH_FINDING_TYPE,
    HOUR,
    REGION,
    Scenario,
    make_hex,
    rng,
)
from skafu_tui.demo.scenario_security import iso_ms


@dataclass(frozen=True)
class FindingSpec:
    id: str
    type: str
    severity: float
    first_seen: datetime
    last_seen: datetime
    archived: bool
    title: str
    count: int = 1


def finding_specs(sc: Scenario) -> list[FindingSpec]:
    r = rng(sc.seed, "guardduty")
    s = sc.start
    return [
        FindingSpec(
            sc.finding_id,
            HIGH_FINDING_TYPE,
            HIGH_FINDING_SEVERITY,
            sc.finding_first_seen,
            s - timedelta(minutes=3),
            False,
            "Credentials for instance role skafu-ecs-task-role used from an external IP address.",
            7,
        ),
        FindingSpec(
            make_hex(r, 32),
            "UnauthorizedAccess:EC2/SSHBruteForce",
            5.0,
            s - 6 * HOUR,
            s - 5 * HOUR,
            False,
            "SSH brute force attacks against i-bastion.",
            212,
        ),
        FindingSpec(
            make_hex(r, 32),
            "Recon:EC2/PortProbeUnprotectedPort",
            2.0,
            s - 3 * DAY,
            s - 2 * DAY,
            False,
            "Unprotected port on EC2 instance is being probed.",
            38,
        ),
        FindingSpec(
            make_hex(r, 32),
            "Policy:IAMUser/RootCredentialUsage",
            2.0,
            s - 5 * DAY,
            s - 5 * DAY,
            True,
            "API ListBuckets was invoked using root credentials.",
        ),
        FindingSpec(
            make_hex(r, 32),
            "Discovery:S3/AnomalousBehavior",
            5.0,
            s - 2 * DAY,
            s - 2 * DAY + HOUR,
            True,
            "An unusual S3 API was invoked by ci-deployer.",
        ),
    ]


def finding_record(sc: Scenario, f: FindingSpec, detector_id: str) -> dict[str, Any]:
    """A GuardDuty ``Finding`` as GetFindings returns it."""
    exfil = f.type == HIGH_FINDING_TYPE
    resource: dict[str, Any] = {
        "ResourceType": "AccessKey",
        "AccessKeyDetails": {
            "AccessKeyId": "ASIAXAMPLEECSTASK001" if exfil else "AKIAXAMPLECIDEPLOY01",
            "PrincipalId": "AROAXAMPLEECSTASKROLE:task" if exfil else "AIDAXAMPLECIDEPLOYER",
            "UserName": "skafu-ecs-task-role" if exfil else "ci-deployer",
            "UserType": "AssumedRole" if exfil else "IAMUser",
        },
    }
    service: dict[str, Any] = {
        "ServiceName": "guardduty",
        "DetectorId": detector_id,
        "Archived": f.archived,
        "Count": f.count,
        "EventFirstSeen": iso_ms(f.first_seen),
        "EventLastSeen": iso_ms(f.last_seen),
        "ResourceRole": "TARGET",
        "Action": {
            "ActionType": "AWS_API_CALL",
            "AwsApiCallAction": {
                "Api": "ListBuckets",
                "CallerType": "Remote IP",
                "ServiceName": "s3.amazonaws.com",
                "RemoteIpDetails": {
                    "IpAddressV4": EXFIL_IP if exfil else "198.51.100.90",
                    "Country": {"CountryName": "Netherlands" if exfil else "United States"},
                    "Organization": {
                        "Asn": "64500",
                        "AsnOrg": "Example Hosting BV",
                        "Isp": "Example Hosting",
                    },
                },
            },
        },
    }
    return {
        "AccountId": ACCOUNT_ID,
        "Arn": f"arn:aws:guardduty:{REGION}:{ACCOUNT_ID}:detector/{detector_id}/finding/{f.id}",
        "CreatedAt": iso_ms(f.first_seen),
        "UpdatedAt": iso_ms(f.last_seen),
        "Id": f.id,
        "Partition": "aws",
        "Region": REGION,
        "SchemaVersion": "2.0",
        "Severity": f.severity,
        "Confidence": 8.0,
        "Type": f.type,
        "Title": f.title,
        "Description": f.title,
        "Resource": resource,
        "Service": service,
    }
