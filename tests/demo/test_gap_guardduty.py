"""GuardDuty findings: stock moto has no route for them; the extension serves them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.demo.conftest import Aws

pytestmark = [pytest.mark.gap, pytest.mark.xdist_group("demo")]

NOW = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)


def finding(n: int, severity: float, kind: str, minutes_ago: int, archived: bool, account: str) -> dict[str, Any]:
    updated = (NOW - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return {
        "AccountId": account,
        "Arn": f"arn:aws:guardduty:us-east-1:{account}:detector/d/finding/f{n}",
        "CreatedAt": updated,
        "UpdatedAt": updated,
        "Id": f"f{n}",
        "Region": "us-east-1",
        "SchemaVersion": "2.0",
        "Severity": severity,
        "Type": kind,
        "Title": f"finding {n}",
        "Resource": {"ResourceType": "AccessKey", "AccessKeyDetails": {"UserName": "deploy-bot"}},
        "Service": {"Archived": archived, "Count": n},
    }


def catalogue(account: str) -> list[dict[str, Any]]:
    exfil = "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS"
    return [
        finding(1, 8.0, exfil, 12, False, account),
        finding(2, 5.0, "Recon:IAMUser/MaliciousIPCaller", 60, False, account),
        finding(3, 8.5, exfil, 300, True, account),
        finding(4, 2.0, "Policy:IAMUser/RootCredentialUsage", 5, False, account),
        finding(5, 7.2, "Recon:IAMUser/MaliciousIPCaller", 30, False, account),
    ]


def epoch_ms(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


async def test_stock_moto_has_no_findings_routes(stock: Aws) -> None:
    async with stock.client("guardduty") as gd:
        detector = (await gd.create_detector(Enable=True))["DetectorId"]
    await stock.fails("guardduty", "list_findings", 404, DetectorId=detector)
    await stock.fails("guardduty", "get_findings", 404, DetectorId=detector, FindingIds=["f1"])
    await stock.fails(
        "guardduty",
        "get_findings_statistics",
        404,
        DetectorId=detector,
        FindingStatisticTypes=["COUNT_BY_SEVERITY"],
    )


async def test_list_findings_filters_sorts_and_pages(ext: Aws) -> None:
    async with ext.client("guardduty") as gd:
        detector = (await gd.create_detector(Enable=True))["DetectorId"]
        seeded = catalogue(ext.account)
        assert ext.seed("guardduty-findings", seeded) == len(seeded)
        criteria = {"Criterion": {"severity": {"Gte": 7}, "service.archived": {"Eq": ["false"]}}}
        expected = sorted(
            (f for f in seeded if f["Severity"] >= 7 and not f["Service"]["Archived"]),
            key=lambda f: f["Severity"],
            reverse=True,
        )
        ids, token = [], None
        while True:
            extra = {"NextToken": token} if token else {}
            page = await gd.list_findings(
                DetectorId=detector,
                FindingCriteria=criteria,
                SortCriteria={"AttributeName": "severity", "OrderBy": "DESC"},
                MaxResults=1,
                **extra,
            )
            assert len(page["FindingIds"]) <= 1
            ids += page["FindingIds"]
            token = page.get("NextToken")
            if not token:
                break
        assert ids == [f["Id"] for f in expected]

        since = epoch_ms(seeded[1]["UpdatedAt"])
        recent = await gd.list_findings(
            DetectorId=detector,
            FindingCriteria={"Criterion": {"updatedAt": {"Gte": since}, "type": {"Neq": [seeded[1]["Type"]]}}},
        )
        assert set(recent["FindingIds"]) == {
            f["Id"] for f in seeded if epoch_ms(f["UpdatedAt"]) >= since and f["Type"] != seeded[1]["Type"]
        }


async def test_get_findings_and_statistics(ext: Aws) -> None:
    async with ext.client("guardduty") as gd:
        detector = (await gd.create_detector(Enable=True))["DetectorId"]
        seeded = catalogue(ext.account)
        ext.seed("guardduty-findings", seeded)
        got = await gd.get_findings(DetectorId=detector, FindingIds=["f1", "f3", "missing"])
        by_id = {f["Id"]: f for f in got["Findings"]}
        assert set(by_id) == {"f1", "f3"}
        assert by_id["f1"]["Severity"] == seeded[0]["Severity"]
        assert by_id["f3"]["Service"]["Archived"] is True
        assert by_id["f1"]["Service"]["DetectorId"] == detector
        assert by_id["f1"]["Resource"]["AccessKeyDetails"]["UserName"] == "deploy-bot"

        stats = await gd.get_findings_statistics(
            DetectorId=detector,
            FindingStatisticTypes=["COUNT_BY_SEVERITY"],
            FindingCriteria={"Criterion": {"service.archived": {"Eq": ["false"]}}},
        )
        live = [f for f in seeded if not f["Service"]["Archived"]]
        expected_counts: dict[str, int] = {}
        for f in live:
            expected_counts[str(f["Severity"])] = expected_counts.get(str(f["Severity"]), 0) + 1
        assert stats["FindingStatistics"]["CountBySeverity"] == expected_counts

        grouped = await gd.get_findings_statistics(DetectorId=detector, GroupBy="FINDING_TYPE")
        rows = grouped["FindingStatistics"]["GroupedByFindingType"]
        totals = {r["FindingType"]: r["TotalFindings"] for r in rows}
        assert totals == {t: sum(1 for f in seeded if f["Type"] == t) for t in {f["Type"] for f in seeded}}
        assert [r["TotalFindings"] for r in rows] == sorted(totals.values(), reverse=True)
        assert all(isinstance(r["LastGeneratedAt"], datetime) for r in rows)


async def test_unknown_detector_and_seed_without_detector_are_rejected(ext: Aws) -> None:
    status, doc = ext.post("/_skafu/seed/guardduty-findings", [{**catalogue(ext.account)[0], "account": ext.account}])
    assert status == 400
    assert "Service.DetectorId" in doc["message"]
    error = await ext.fails("guardduty", "list_findings", 400, DetectorId="0" * 32)
    assert error["Code"] == "BadRequestException"
